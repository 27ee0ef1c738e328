"""Orders' section of the customer card: the customer's newest orders, for staff who handle orders."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from cabinet.accounts.permissions import has_role
from cabinet.registry import CustomerCardSection

from . import payment_selectors
from .models import Order
from .module import MODULE

SHOWN = 10


def section(request, customer) -> CustomerCardSection | None:
    if not has_role(request.user, MODULE.manage_roles("queue")):
        return None
    rows = Order.objects.filter(customer=customer)
    return CustomerCardSection(title=_("Orders"), template="orders/customer_card.html", order=20, context={
        "orders": list(rows.order_by("-created_at", "-id")[:SHOWN]),
        "order_count": rows.aggregate(total=Count("id"))["total"],
        "summary": payment_selectors.account_summary(customer),
        "overdue_ids": payment_selectors.overdue_order_ids(customer)})
