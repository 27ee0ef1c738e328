"""What orders add to the customer's timeline: each order placed and each change of its status."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cabinet.money import format_money
from cabinet.registry import TimelineEntry, TimelineSource

from .models import Order, OrderStatusChange


def entries(*, customer, kinds, since, until, limit, staff) -> list[TimelineEntry]:
    changes = OrderStatusChange.objects.filter(order__customer=customer)
    if since is not None:
        changes = changes.filter(at__gte=since)
    if until is not None:
        changes = changes.filter(at__lte=until)
    found = []
    for row in changes.order_by("-at", "-id").select_related("order")[:limit]:
        order = row.order
        number = order.number
        if row.status == Order.Status.NEW:
            title = _("Order #%(number)s placed") % {"number": number}
            detail = format_money(order.total, order.currency)
        else:
            title = _("Order #%(number)s: %(status)s") % {"number": number, "status": Order.Status(row.status).label}
            detail = ""
        found.append(TimelineEntry(
            at=row.at, kind="order", key=f"orders.status:{row.pk:012d}", title=title, detail=detail,
            url=reverse("orders:detail", args=[order.pk]), manage_url=reverse("orders-manage:detail", args=[order.pk])))
    return found


SOURCE = TimelineSource(entries=entries, kinds=(("order", gettext_lazy("Orders")),))
