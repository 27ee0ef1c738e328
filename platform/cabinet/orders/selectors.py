"""Reads of the orders module."""

from typing import Any

from django.db.models import QuerySet

from cabinet import pricing

from .models import Invoice, Order, OrderStatusChange
from .services import PricedCartLines

OPEN_STATUSES = (Order.Status.NEW, Order.Status.CONFIRMED, Order.Status.PACKED, Order.Status.SHIPPED)


def cart_rows(result: PricedCartLines) -> list[dict[str, Any]]:
    """Each cart line with its priced line and the explanations of its discounts, for the cart page."""
    if result.priced is None:
        return []
    explanations = pricing.explain(result.priced)
    return [{"line": line, "product": line.product, "priced": priced,
             "explanations": [item for item in explanations if item.product_id == line.product_id]}
            for line, priced in zip(result.lines, result.priced.lines, strict=True)]


def cart_explanations(result: PricedCartLines) -> list[pricing.Explanation]:
    if result.priced is None:
        return []
    return [item for item in pricing.explain(result.priced) if item.product_id is None]


def customer_orders(customer) -> QuerySet[Order]:
    return Order.objects.filter(customer=customer).order_by("-created_at", "-id")


def customer_order(customer, pk: int) -> Order | None:
    return (Order.objects.filter(customer=customer, pk=pk).select_related("pickup_warehouse")
            .prefetch_related("lines").first())


def timeline(order: Order) -> QuerySet[OrderStatusChange]:
    return order.status_changes.order_by("at", "id")


def open_order_count(customer) -> int:
    return Order.objects.filter(customer=customer, status__in=OPEN_STATUSES).count()


def personal_data(user) -> dict[str, Any]:
    return {"orders": [
        {"number": order.number, "status": order.status, "total": str(order.total), "currency": order.currency,
         "recipient_name": order.recipient_name, "phone": order.phone, "address": order.address,
         "comment": order.comment, "created_at": order.created_at.isoformat(),
         "lines": [{"name": line.name, "quantity": line.quantity, "total": str(line.total)}
                   for line in order.lines.all()]}
        for order in customer_orders(user).prefetch_related("lines")]}


# --- Invoices ----------------------------------------------------------------------------------------------

def customer_invoice(customer, pk: int) -> Invoice | None:
    """The invoice `pk` of one of the customer's own orders, or None."""
    return Invoice.objects.filter(pk=pk, order__customer=customer).first()


def invoice_for_staff(pk: int) -> Invoice | None:
    """Any invoice of the business (for staff who may see orders), or None."""
    return Invoice.objects.filter(pk=pk).first()
