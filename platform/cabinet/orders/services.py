"""Writes of the orders module: the cart, checkout, cancellation and staff status changes."""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cabinet import pricing
from cabinet.catalog import services as catalog_services
from cabinet.catalog.models import Product, Reservation, Warehouse

from .models import MAX_QUANTITY, Cart, CartLine, DiscountRule, Order, OrderLine, OrderStatusChange

logger = logging.getLogger(__name__)

# Where staff can move an order; cancelling goes through `cancel` (it releases the goods).
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    Order.Status.NEW: (Order.Status.CONFIRMED,),
    Order.Status.CONFIRMED: (Order.Status.PACKED,),
    Order.Status.PACKED: (Order.Status.SHIPPED,),
    Order.Status.SHIPPED: (Order.Status.DELIVERED,),
}


# --- Cart --------------------------------------------------------------------------------------------------

def get_cart(customer) -> Cart:
    cart, _created = Cart.objects.get_or_create(customer=customer)
    return cart


def _quantity(value: Any) -> int:
    try:
        quantity = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({"quantity": _("Enter a whole number of units.")}) from None
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationError({"quantity": _("Choose from 1 to %(max)s units.") % {"max": MAX_QUANTITY}})
    return quantity


def _product_on_sale(product_id: Any) -> Product:
    try:
        product = Product.objects.filter(pk=int(product_id), is_active=True).first()
    except (TypeError, ValueError):
        product = None
    if product is None:
        raise ValidationError({"product": _("This product is not on sale.")})
    return product


@transaction.atomic
def add_to_cart(customer, product_id: Any, quantity: Any = 1) -> CartLine:
    """Adds units of a product on sale; a product already in the cart gets the units on top."""
    quantity = _quantity(quantity)
    product = _product_on_sale(product_id)
    cart = Cart.objects.select_for_update().get(pk=get_cart(customer).pk)
    currencies = set(cart.lines.exclude(product=product).values_list("product__currency", flat=True))
    if currencies and product.currency not in currencies:
        raise ValidationError({"product": _(
            "Your cart holds prices in %(cart)s and this product is priced in %(product)s; "
            "place one order per currency.") % {"cart": ", ".join(sorted(currencies)), "product": product.currency}})
    line = cart.lines.filter(product=product).first()
    if line is None:
        line = CartLine.objects.create(cart=cart, product=product, quantity=quantity)
    else:
        if line.quantity + quantity > MAX_QUANTITY:
            raise ValidationError({"quantity": _("A cart line holds at most %(max)s units.") % {"max": MAX_QUANTITY}})
        line.quantity += quantity
        line.save(update_fields=["quantity"])
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())
    return line


def change_quantity(customer, product_id: Any, quantity: Any) -> CartLine:
    quantity = _quantity(quantity)
    line = _cart_line(customer, product_id)
    line.quantity = quantity
    line.save(update_fields=["quantity"])
    return line


def remove_from_cart(customer, product_id: Any) -> None:
    _cart_line(customer, product_id).delete()


def _cart_line(customer, product_id: Any) -> CartLine:
    try:
        line = CartLine.objects.filter(cart__customer=customer, product_id=int(product_id)).first()
    except (TypeError, ValueError):
        line = None
    if line is None:
        raise ValidationError({"product": _("This product is not in your cart.")})
    return line


# --- Prices ------------------------------------------------------------------------------------------------

def active_rules() -> list[pricing.Rule]:
    """The business's active rules as engine rules. A rule the engine cannot read is left out and logged:
    a broken rule must not stop customers from buying (the manage form refuses such rules)."""
    rules = []
    for row in DiscountRule.objects.filter(active=True).prefetch_related("products", "categories"):
        rule = row.to_rule()
        errors = pricing.validate_rule(rule)
        if errors:
            logger.warning("discount rule %s skipped: %s", row.pk, errors)
            continue
        rules.append(rule)
    return rules


def is_first_order(customer) -> bool:
    return not Order.objects.filter(customer=customer).exclude(status=Order.Status.CANCELLED).exists()


@dataclass(frozen=True)
class PricedCartLines:
    lines: list[CartLine]  # with their products; unsaved lines when priced from items
    priced: pricing.PricedCart | None  # None for an empty cart


def price_lines(customer, lines: list[CartLine], *, now: datetime | None = None) -> PricedCartLines:
    """Prices lines (products selected) with the pricing engine. The cart page, checkout, the API quote and
    recurring orders all come here, so one cart has one price wherever it is asked."""
    if not lines:
        return PricedCartLines(lines=[], priced=None)
    currency = lines[0].product.currency
    engine_lines = [pricing.CartLine(product_id=line.product_id, category_id=line.product.category_id,
                                     quantity=line.quantity, unit_price=line.product.price) for line in lines]
    context = pricing.PricingContext(now=now or timezone.now(), customer_groups=frozenset(),
                                     is_first_order=is_first_order(customer))
    return PricedCartLines(lines=lines, priced=pricing.price_cart(engine_lines, currency, context, active_rules()))


def price_for(customer, cart: Cart | None = None, *, now: datetime | None = None) -> PricedCartLines:
    """Prices the customer's cart."""
    cart = cart or get_cart(customer)
    return price_lines(customer, list(cart.lines.select_related("product").order_by("added_at", "id")), now=now)


def lines_from_items(items: Any) -> list[CartLine]:
    """Unsaved cart lines for [(product_id, quantity), ...] or [{"product": id, "quantity": n}, ...] sent by a
    client: each product on sale, each quantity in range, no product twice, one currency. ValidationError
    names every bad item."""
    if not isinstance(items, (list, tuple)) or not items:
        raise ValidationError({"lines": [_("Send at least one line.")]})
    if len(items) > 200:
        raise ValidationError({"lines": [_("Send at most 200 lines in one order.")]})
    wanted: list[tuple[Any, Any]] = []
    for item in items:
        if isinstance(item, dict):
            wanted.append((item.get("product"), item.get("quantity")))
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            wanted.append((item[0], item[1]))
        else:
            wanted.append((None, None))
    ids = {int(pid) for pid, _q in wanted if isinstance(pid, int) or (isinstance(pid, str) and pid.isdigit())}
    products = Product.objects.filter(pk__in=ids, is_active=True).in_bulk()
    errors: list[str] = []
    lines: list[CartLine] = []
    seen: set[int] = set()
    for position, (product_id, quantity) in enumerate(wanted, start=1):
        try:
            product = products.get(int(product_id))
        except (TypeError, ValueError):
            product = None
        if product is None:
            errors.append(_("Line %(n)s: this product is not on sale.") % {"n": position})
            continue
        if product.pk in seen:
            errors.append(_("Line %(n)s: “%(name)s” is already in an earlier line.") % {
                "n": position, "name": product.name})
            continue
        seen.add(product.pk)
        try:
            count = _quantity(quantity)
        except ValidationError:
            errors.append(_("Line %(n)s: choose from 1 to %(max)s units.") % {"n": position, "max": MAX_QUANTITY})
            continue
        lines.append(CartLine(product=product, quantity=count))
    currencies = {line.product.currency for line in lines}
    if len(currencies) > 1:
        errors.append(_("All lines must be priced in one currency; place one order per currency."))
    if errors:
        raise ValidationError({"lines": errors})
    return lines


# --- Checkout ----------------------------------------------------------------------------------------------

def _clean_checkout(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = defaultdict(list)
    recipient = str(data.get("recipient_name") or "").strip()
    phone = str(data.get("phone") or "").strip()
    method = str(data.get("delivery_method") or Order.Delivery.DELIVERY)
    address = str(data.get("address") or "").strip()
    comment = str(data.get("comment") or "").strip()
    warehouse = data.get("pickup_warehouse")
    if not recipient:
        errors["recipient_name"].append(_("Enter who receives the order."))
    if not phone:
        errors["phone"].append(_("Enter a phone number to reach the recipient."))
    if method not in Order.Delivery.values:
        errors["delivery_method"].append(_("Choose delivery or pickup."))
    elif method == Order.Delivery.DELIVERY:
        warehouse = None
        if not address:
            errors["address"].append(_("Enter the delivery address."))
    else:
        warehouse_id = getattr(warehouse, "pk", warehouse)
        warehouse = Warehouse.objects.filter(pk=warehouse_id, is_active=True, is_pickup_point=True).first() \
            if str(warehouse_id or "").isdigit() else None
        if warehouse is None:
            errors["pickup_warehouse"].append(_("Choose a pickup point."))
    if len(recipient) > 150 or len(phone) > 32 or len(address) > 300 or len(comment) > 2000:
        errors["__all__"].append(_("Some of the fields are too long."))
    if errors:
        raise ValidationError(dict(errors))
    return {"recipient_name": recipient, "phone": phone, "delivery_method": method,
            "address": address if method == Order.Delivery.DELIVERY else "", "pickup_warehouse": warehouse,
            "comment": comment}


def _explanations_by_product(priced: pricing.PricedCart) -> tuple[dict[int, list[str]], list[str]]:
    per_line: dict[int, list[str]] = defaultdict(list)
    cart_level: list[str] = []
    for item in pricing.explain(priced):
        (cart_level if item.product_id is None else per_line[item.product_id]).append(str(item))
    return per_line, cart_level


def checkout(customer, data: dict[str, Any]) -> Order:
    """Places the customer's cart as an order (see `place_order`) and empties the cart."""
    fields = _clean_checkout(data)
    with transaction.atomic():
        # One checkout per cart at a time: a double click waits and then finds the cart empty.
        cart = Cart.objects.select_for_update().filter(customer=customer).first()
        lines = list(cart.lines.select_related("product").order_by("added_at", "id")) if cart else []
        if not lines:
            raise ValidationError(_("Your cart is empty."))
        order = _place(customer, lines, fields, Order.Channel.PORTAL)
        CartLine.objects.filter(cart=cart).delete()
    return order


def place_order(customer, lines: list[CartLine], data: dict[str, Any], *,
                placed_via: str = Order.Channel.PORTAL) -> Order:
    """Places lines (from `lines_from_items`, a repeated or a recurring order) as an order in one transaction:
    re-price, write the order, its lines and status "new", reserve every line under row locks (all or
    nothing). When a line cannot be served, raises ValidationError naming each such line, and nothing is
    saved or reserved."""
    fields = _clean_checkout(data)
    if not lines:
        raise ValidationError({"lines": [_("Send at least one line.")]})
    with transaction.atomic():
        return _place(customer, lines, fields, placed_via)


def _place(customer, lines: list[CartLine], fields: dict[str, Any], placed_via: str) -> Order:
    priced = price_lines(customer, lines).priced
    assert priced is not None
    order = Order.objects.create(
        customer=customer, currency=priced.currency, subtotal=priced.undiscounted,
        discount=priced.total_discount, total=priced.total, placed_via=placed_via, **fields)
    try:
        catalog_services.reserve([(line.product_id, line.quantity) for line in lines],
                                 order.reservation_reference, catalog_services.reservation_expiry(),
                                 warehouse_id=fields["pickup_warehouse"].pk if fields["pickup_warehouse"] else None)
    except catalog_services.NotEnoughStock as error:
        # The caller's atomic block rolls the order row back with this exception.
        raise ValidationError(error.messages, code="unavailable") from error
    per_line, cart_level = _explanations_by_product(priced)
    OrderLine.objects.bulk_create([
        OrderLine(order=order, product=line.product, name=line.product.name, sku=line.product.sku or "",
                  quantity=line.quantity, unit_price=line.product.price,
                  discount=priced_line.undiscounted - priced_line.total, total=priced_line.total,
                  explanation="\n".join(per_line.get(line.product_id, ())))
        for line, priced_line in zip(lines, priced.lines, strict=True)])
    order.cart_discount_explanation = "\n".join(cart_level)
    order.save(update_fields=["cart_discount_explanation"])
    OrderStatusChange.objects.create(order=order, status=Order.Status.NEW, by=customer, at=order.created_at)
    return order


# --- After checkout ----------------------------------------------------------------------------------------

def _locked(order: Order) -> Order:
    return Order.objects.select_for_update().get(pk=order.pk)


def cancel(order: Order, by) -> Order:
    """Cancels an order that is not packed yet and returns its goods to sale."""
    with transaction.atomic():
        order = _locked(order)
        if not order.can_be_cancelled:
            raise ValidationError(_("This order can no longer be cancelled: it is already %(status)s.") % {
                "status": order.get_status_display().lower()})
        catalog_services.release(order.reservation_reference)
        _record(order, Order.Status.CANCELLED, by)
    return order


def change_status(order: Order, status: str, by) -> Order:
    """A staff member moves an order on. Confirming holds the goods without a time limit (re-reserving
    them if an unconfirmed hold has lapsed); shipping takes them out of stock."""
    if status == Order.Status.CANCELLED:
        return cancel(order, by)
    with transaction.atomic():
        order = _locked(order)
        if status not in NEXT_STATUSES.get(order.status, ()):
            raise ValidationError(_("An order that is %(current)s cannot become %(new)s.") % {
                "current": order.get_status_display().lower(),
                "new": str(Order.Status(status).label).lower() if status in Order.Status.values else status})
        reference = order.reservation_reference
        held = Reservation.objects.filter(reference=reference, status=Reservation.Status.ACTIVE)
        if status == Order.Status.CONFIRMED:
            if held.exists():
                held.update(expires_at=None)
            else:
                try:
                    catalog_services.reserve([(line.product_id, line.quantity) for line in order.lines.all()],
                                             reference, None, warehouse_id=order.pickup_warehouse_id)
                except catalog_services.NotEnoughStock as error:
                    raise ValidationError(error.messages, code="unavailable") from error
            issue_invoice(order)
        elif status == Order.Status.SHIPPED:
            catalog_services.consume(reference)
        _record(order, status, by)
    return order


def _record(order: Order, status: str, by) -> None:
    now = timezone.now()
    order.status = status
    order.save(update_fields=["status"])
    OrderStatusChange.objects.create(order=order, status=status, by=by, at=now)


def erase_personal_data(user) -> None:
    """The orders stay with the business (its books need them); who received them and where goes."""
    Order.objects.filter(customer=user).update(recipient_name="", phone="", address="", comment="")
    Cart.objects.filter(customer=user).delete()


# --- Invoices ----------------------------------------------------------------------------------------------

# Kept with the block that uses them; the e-mail task is imported where it is queued (it imports this module).
from django.core.mail import EmailMessage  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.utils import translation  # noqa: E402

from cabinet.portal.selectors import portal_state  # noqa: E402

from .invoice_pdf import invoice_filename, invoice_language, render_invoice_pdf  # noqa: E402
from .models import Invoice, InvoiceCounter  # noqa: E402


def issue_invoice(order: Order) -> Invoice:
    """Gives a confirmed order its invoice: the next number of the tenant's sequence and the PDF, rendered
    once and kept. Call it inside the transaction that confirms the order: the counter row stays locked
    until that transaction ends, so a rolled-back confirmation gives its number back and numbers never skip
    or repeat. An order that already has an invoice keeps it. The e-mail to the customer is queued on commit."""
    from .tasks import email_invoice

    with transaction.atomic():
        # The order row lock makes a second call for the same order wait and then find the invoice.
        order = (Order.objects.select_for_update(of=("self",)).select_related("customer", "pickup_warehouse")
                 .get(pk=order.pk))
        existing = Invoice.objects.filter(order=order).first()
        if existing is not None:
            return existing
        # INSERT ... ON CONFLICT DO NOTHING: a missing counter row is made once, whoever comes first.
        InvoiceCounter.objects.bulk_create([InvoiceCounter(pk=1, last_number=0)], ignore_conflicts=True)
        counter = InvoiceCounter.objects.select_for_update().get(pk=1)
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        invoice = Invoice(order=order, number=counter.last_number, issued_at=timezone.now(),
                          currency=order.currency, total=order.total)
        invoice.pdf = render_invoice_pdf(invoice)
        invoice.save()
        email_invoice.delay_on_commit(invoice.pk)
    return invoice


def send_invoice_email(invoice_id: int, site_url: str) -> bool:
    """E-mails the invoice's PDF with a link to the order to its customer in their language, once: the
    invoice row is locked while sending and `emailed_at` set in the same transaction. Returns whether a mail
    went out; a customer without an e-mail address (or no longer active) gets none. A failing mail server
    raises (the task retries)."""
    from django.urls import reverse

    with transaction.atomic():
        invoice = (Invoice.objects.select_for_update(of=("self",)).select_related("order__customer")
                   .filter(pk=invoice_id).first())
        if invoice is None or invoice.emailed_at is not None:
            return False
        customer = invoice.order.customer
        if not customer.email or not customer.is_active:
            logger.info("invoice %s not e-mailed: customer %s has no e-mail address", invoice.pk, customer.pk)
            return False
        with translation.override(invoice_language(invoice.order)):
            context = {"invoice": invoice, "order": invoice.order, "customer": customer,
                       "portal_name": portal_state().branding.get("portal_name", ""),
                       "order_url": site_url + reverse("orders:detail", args=[invoice.order.pk])}
            subject = " ".join(render_to_string("orders/email/invoice_subject.txt", context).split())
            body = render_to_string("orders/email/invoice.txt", context)
        message = EmailMessage(subject, body, None, [customer.email])
        message.attach(invoice_filename(invoice), bytes(invoice.pdf), "application/pdf")
        message.send(fail_silently=False)
        invoice.emailed_at = timezone.now()
        invoice.save(update_fields=["emailed_at"])
    return True
