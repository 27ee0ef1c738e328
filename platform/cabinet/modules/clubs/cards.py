from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cabinet.registry import DashboardCard

from . import selectors


def dashboard_card(request) -> DashboardCard:
    """My clubs: how many the customer is in (one query)."""
    count = len(selectors.member_club_ids(request.user))
    return DashboardCard(title=_("Clubs"), value=str(count),
                         detail=ngettext("club you are in", "clubs you are in", count) if count
                         else _("Join a club for its offers and news"),
                         url=reverse("clubs:list"), icon="users")


def manage_card(request) -> DashboardCard:
    figures = selectors.staff_figures()
    return DashboardCard(title=_("Clubs"), value=str(figures["clubs"]),
                         detail=_("%(pending)s join requests, %(reported)s reported posts") % figures,
                         url=reverse("clubs-manage:clubs"), icon="users")
