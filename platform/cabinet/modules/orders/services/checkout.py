"""Placing an order: the cart's checkout, the API and recurring orders all come to `place_order`'s
transaction (price, reserve the goods, number the order, write its lines and first status)."""

from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cabinet.modules.catalog import selectors as catalog_selectors
from cabinet.modules.catalog import services as catalog_services
from cabinet.modules.orders import pricing

from .. import deductions as checkout_deductions
from .. import flows
from ..models import Cart, CartLine, Order, OrderCounter, OrderLine, OrderStatusChange, RecurringOrder
from ..signals import PLACED, send_order_event
from .invoices import issue_invoice, payment_required
from .prices import price_lines
from .sequences import take_number

# --- Checkout ----------------------------------------------------------------------------------------------

def lines_need_delivery(lines: list[CartLine]) -> bool:
    """Whether any line is goods, so the order is delivered or picked up (services and digital items are
    not)."""
    return any(line.product.has_stock for line in lines)


def clean_receiving(data: dict[str, Any], *, needs_delivery: bool = True) -> dict[str, Any]:
    """Who receives the order and how, checked; ValidationError by field. Without goods there is nothing
    to deliver: the method is "none" and address and pickup point are left empty, whatever was sent."""
    errors: dict[str, list[str]] = defaultdict(list)
    recipient = str(data.get("recipient_name") or "").strip()
    phone = str(data.get("phone") or "").strip()
    method = str(data.get("delivery_method") or Order.Delivery.DELIVERY)
    address = str(data.get("address") or "").strip()
    comment = str(data.get("comment") or "").strip()
    warehouse = data.get("pickup_warehouse")
    if not recipient:
        errors["recipient_name"].append(_("Enter who receives the order.") if needs_delivery
                                        else _("Enter the name the order is for."))
    if not phone:
        errors["phone"].append(_("Enter a phone number to reach the recipient.") if needs_delivery
                               else _("Enter a phone number to reach you."))
    if not needs_delivery:
        method, address, warehouse = Order.Delivery.NONE, "", None
    elif method not in (Order.Delivery.DELIVERY, Order.Delivery.PICKUP):
        errors["delivery_method"].append(_("Choose delivery or pickup."))
    elif method == Order.Delivery.DELIVERY:
        warehouse = None
        if not address:
            errors["address"].append(_("Enter the delivery address."))
    else:
        warehouse_id = str(getattr(warehouse, "pk", warehouse) or "")
        warehouse = catalog_selectors.pickup_point(int(warehouse_id)) \
            if warehouse_id.isdigit() and len(warehouse_id) < 19 else None
        if warehouse is None:
            errors["pickup_warehouse"].append(_("Choose a pickup point."))
    if len(recipient) > 150 or len(phone) > 32 or len(address) > 300 or len(comment) > 2000:
        errors["__all__"].append(_("Some of the fields are too long."))
    if errors:
        raise ValidationError(dict(errors))
    return {"recipient_name": recipient, "phone": phone, "delivery_method": method,
            "address": address if method == Order.Delivery.DELIVERY else "", "pickup_warehouse": warehouse,
            "comment": comment}


def _facts_by_product(priced: pricing.PricedCart) -> tuple[dict[int, list[dict]], list[dict]]:
    """The discounts of each line and of the whole cart as stored records (explained when read)."""
    per_line: dict[int, list[dict]] = defaultdict(list)
    cart_level: list[dict] = []
    for item in pricing.explain(priced):
        assert item.facts is not None
        (cart_level if item.product_id is None else per_line[item.product_id]).append(item.facts.to_json())
    return per_line, cart_level


def checkout(customer, data: dict[str, Any]) -> Order:
    """Places the customer's cart as an order (see `place_order`) and empties the cart; the deductions the
    customer chose in the cart (points) are taken off what they owe."""
    with transaction.atomic():
        # One checkout per cart at a time: a double click waits and then finds the cart empty.
        cart = Cart.objects.select_for_update().filter(customer=customer).first()
        lines = list(cart.lines.select_related("product").order_by("added_at", "id")) if cart else []
        if not lines:
            raise ValidationError(_("Your cart is empty."))
        fields = clean_receiving(data, needs_delivery=lines_need_delivery(lines))
        order = _place(customer, lines, fields, Order.Channel.PORTAL)
        CartLine.objects.filter(cart=cart).delete()
    return order


def place_order(customer, lines: list[CartLine], data: dict[str, Any], *,
                placed_via: str = Order.Channel.PORTAL, deductions: dict[str, Any] | None = None) -> Order:
    """Places lines (from `lines_from_items`, a repeated or a recurring order) as an order in one transaction:
    re-price, write the order, its lines and status "new", reserve every line under row locks (all or
    nothing). When a line cannot be served, raises ValidationError naming each such line, and nothing is
    saved or reserved. `deductions` (the API's) asks the modules that take off what is owed (points) for what
    the customer wants; without it, each uses what the customer chose (see orders.deductions)."""
    if not lines:
        raise ValidationError({"lines": [_("Send at least one line.")]})
    fields = clean_receiving(data, needs_delivery=lines_need_delivery(lines))
    with transaction.atomic():
        return _place(customer, lines, fields, placed_via, deductions)


def _place(customer, lines: list[CartLine], fields: dict[str, Any], placed_via: str,
           requested: dict[str, Any] | None = None) -> Order:
    priced = price_lines(customer, lines).priced
    assert priced is not None
    taken = checkout_deductions.quote_deductions(customer=customer, currency=priced.currency, amount=priced.total,
                                                 channel=placed_via, requested=requested)
    flow = flows.flow_for((line.product.kind for line in lines), fields["delivery_method"])
    # `total` is what the customer owes: the goods after their discounts, less what the deductions take off.
    order = Order.objects.create(
        customer=customer, currency=priced.currency, subtotal=priced.undiscounted, flow=flow,
        discount=priced.total_discount, total=taken.owed, placed_via=placed_via, **fields)
    goods = [(line.product_id, line.quantity) for line in lines if line.product.has_stock]
    if goods:
        try:
            catalog_services.reserve(goods, order.reservation_reference, catalog_services.reservation_expiry(),
                                     warehouse_id=fields["pickup_warehouse"].pk if fields["pickup_warehouse"] else None)
        except catalog_services.NotEnoughStock as error:
            # The caller's atomic block rolls the order row back with this exception.
            raise ValidationError([ValidationError(m, code="unavailable") for m in error.messages]) from error
    per_line, cart_level = _facts_by_product(priced)
    OrderLine.objects.bulk_create([
        OrderLine(order=order, product=line.product, name=line.product.name, sku=line.product.sku or "",
                  kind=line.product.kind, quantity=line.quantity, unit_price=line.product.price,
                  discount=priced_line.undiscounted - priced_line.total, total=priced_line.total,
                  discounts=per_line.get(line.product_id, []))
        for line, priced_line in zip(lines, priced.lines, strict=True)])
    # Last, so the sequence's row is locked only for the rest of this transaction; a refusal above never
    # took a number.
    order.sequence_number = take_number(OrderCounter)
    order.cart_discounts = cart_level
    order.save(update_fields=["sequence_number", "cart_discounts"])
    OrderStatusChange.objects.create(order=order, status=Order.Status.NEW, by=customer, at=order.created_at)
    if taken.quotes:
        checkout_deductions.apply_deductions(customer=customer, order=order, deductions=taken)
    send_order_event(order, PLACED)
    if payment_required():
        # The business takes payment before confirming: the invoice is issued now, so it can be paid at once.
        issue_invoice(order)
    return order


def erase_personal_data(user) -> None:
    """The orders stay with the business (its books need them); who received them and where goes."""
    Order.objects.filter(customer=user).update(recipient_name="", phone="", address="", comment="")
    RecurringOrder.objects.filter(customer=user).update(
        status=RecurringOrder.Status.STOPPED, recipient_name="", phone="", address="", comment="")
    Cart.objects.filter(customer=user).delete()
