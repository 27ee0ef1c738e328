from django.urls import reverse
from django.utils.translation import gettext as _

from cabinet.registry import DashboardCard

from . import selectors


def dashboard_card(request) -> DashboardCard:
    """My balance: the money balance (one query)."""
    value = selectors.money_balance(customer=request.user)
    return DashboardCard(title=_("My balance"), value=value or "0",
                         detail=_("Entries and statements") if value else _("No entries yet"),
                         url=reverse("wallet:balance"), icon="wallet")
