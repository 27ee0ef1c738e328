"""Support's section of the customer card: the customer's newest requests, for staff who handle requests."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from cabinet.accounts.permissions import has_role
from cabinet.registry import CustomerCardSection

from .models import Request
from .module import MODULE

SHOWN = 10


def section(request, customer) -> CustomerCardSection | None:
    if not has_role(request.user, MODULE.manage_roles("queue")):
        return None
    rows = Request.objects.filter(customer=customer)
    counts = rows.aggregate(total=Count("id"), open=Count("id", filter=Q(status__in=Request.OPEN_STATUSES)))
    return CustomerCardSection(title=_("Requests"), template="support/customer_card.html", order=30, context={
        "requests": list(rows.order_by("-created_at", "-id")[:SHOWN]), "counts": counts})
