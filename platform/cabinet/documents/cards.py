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
