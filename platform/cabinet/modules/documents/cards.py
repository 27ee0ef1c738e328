from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cabinet.registry import DashboardCard

from . import selectors


def dashboard_card(request) -> DashboardCard:
    """Documents: N (M new) — one query."""
    total, new = selectors.document_counts(request.user)
    return DashboardCard(
        title=_("Documents"), value=str(total),
        detail=ngettext("%(count)s new", "%(count)s new", new) % {"count": new} if new else _("Nothing new"),
        url=reverse("documents:list"), icon="file")


def manage_card(request) -> DashboardCard:
    """The owner's overview: documents customers have not opened yet, out of all handed out (one query)."""
    figures = selectors.staff_document_figures()
    return DashboardCard(title=_("Documents not opened yet"), value=str(figures["unopened"]),
                         detail=ngettext("%(count)s handed out in all", "%(count)s handed out in all",
                                         figures["total"]) % {"count": figures["total"]},
                         url=reverse("documents-manage:list"), icon="file")
