from django.urls import reverse
from django.utils.translation import gettext as _

from cabinet.registry import DashboardCard

from . import selectors


def dashboard_card(request) -> DashboardCard | None:
    """"Open orders: N" for a signed-in customer (one query)."""
    if not request.user.is_authenticated:
        return None
    return DashboardCard(title=_("Open orders"), value=str(selectors.open_order_count(request.user)),
                         detail=_("Placed and not delivered yet"), url=reverse("orders:list"), icon="cart")
