from django.urls import reverse
from django.utils.translation import gettext as _

from cabinet.registry import DashboardCard

from . import selectors


def dashboard_card(request) -> DashboardCard:
    """Open requests: N — one query."""
    count = selectors.open_request_count(request.user)
    return DashboardCard(
        title=_("Open requests"), value=str(count),
        detail=_("We are working on them") if count else _("Ask us anything"),
        url=reverse("support:list"), icon="chat")
