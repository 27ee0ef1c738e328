from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cabinet.registry import DashboardCard, NavBadge

from . import selectors


def dashboard_card(request) -> DashboardCard | None:
    """"Open orders: N" for a signed-in customer (one query)."""
    if not request.user.is_authenticated:
        return None
    return DashboardCard(title=_("Open orders"), value=str(selectors.open_order_count(request.user)),
                         detail=_("Placed and not delivered yet"), url=reverse("orders:list"), icon="cart")


def cart_badge(request) -> NavBadge | None:
    """The number of units in the signed-in customer's cart, beside "Cart" in the header (one query)."""
    if not request.user.is_authenticated:
        return None
    units = selectors.cart_unit_count(request.user)
    if not units:
        return NavBadge(value="", label=_("empty"))
    return NavBadge(value=str(units), label=ngettext("%(count)s item in the cart", "%(count)s items in the cart",
                                                     units) % {"count": units})


def manage_card(request) -> DashboardCard:
    """The owner's overview: orders waiting for confirmation, and how many came this week (one query)."""
    figures = selectors.staff_order_figures(since=timezone.now() - timedelta(days=7))
    return DashboardCard(title=_("New orders"), value=str(figures["new"]),
                         detail=ngettext("%(count)s placed this week", "%(count)s placed this week",
                                         figures["recent"]) % {"count": figures["recent"]},
                         url=reverse("orders-manage:queue"), icon="cart")
