from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cabinet.registry import DashboardCard

from . import selectors


def dashboard_card(request) -> DashboardCard:
    """Open requests: N — one query."""
    count = selectors.open_request_count(request.user)
    return DashboardCard(
        title=_("Open requests"), value=str(count),
        detail=_("We are working on them") if count else _("Ask us anything"),
        url=reverse("support:list"), icon="chat")


def manage_card(request) -> DashboardCard:
    """The overview of the owner, managers and operators: open requests, of them new (one query)."""
    figures = selectors.staff_request_figures()
    return DashboardCard(title=_("Open requests"), value=str(figures["open"]),
                         detail=ngettext("%(count)s new, not taken up yet", "%(count)s new, not taken up yet",
                                         figures["new"]) % {"count": figures["new"]},
                         url=reverse("support-manage:queue"), icon="chat")
