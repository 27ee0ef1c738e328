"""Writes of the orders module: the cart, checkout, cancellation and staff status changes."""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cabinet import pricing
from cabinet.accounts.selectors import customer_group_keys, wants_notification
from cabinet.catalog import services as catalog_services
from cabinet.catalog.models import Product, Reservation, Warehouse
from cabinet.catalog.selectors import available
from cabinet.mail import render_mail
from cabinet.money import format_money

from .invoice_pdf import invoice_filename, invoice_language, render_invoice_pdf
from .models import (
    MAX_QUANTITY,
    Cart,
    CartLine,
    DiscountRule,
    Invoice,
    InvoiceCounter,
    Order,
    OrderLine,
    OrderStatusChange,
    RecurringOrder,
    RecurringOrderLine,
    RecurringRun,
)

logger = logging.getLogger(__name__)

# Notification events of the module (declared in module.py; customers choose their channels in "My settings").
EVENT_INVOICE = "orders.invoice"
EVENT_RECURRING = "orders.recurring"

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
    context = pricing.PricingContext(now=now or timezone.now(), customer_groups=customer_group_keys(customer),
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
        warehouse_id = str(getattr(warehouse, "pk", warehouse) or "")
        warehouse = Warehouse.objects.filter(pk=int(warehouse_id), is_active=True, is_pickup_point=True).first() \
            if warehouse_id.isdigit() else None
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
        raise ValidationError([ValidationError(m, code="unavailable") for m in error.messages]) from error
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
                    raise ValidationError([ValidationError(m, code="unavailable") for m in error.messages]) from error
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
    RecurringOrder.objects.filter(customer=user).update(
        status=RecurringOrder.Status.STOPPED, recipient_name="", phone="", address="", comment="")
    Cart.objects.filter(customer=user).delete()


# --- Repeat and recurring ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    """What happened to one line of a repeated order on its way back into the cart."""

    class Kind:
        LEFT_OUT = "left_out"
        REDUCED = "reduced"
        PRICE = "price"

    kind: str
    product_name: str
    message: str


def repeat_order(customer, order: Order) -> list[Change]:
    """Puts the lines of the customer's order into their cart, on top of what is there, re-checking each
    product: not on sale, fewer available (the cart's own units count), another currency than the cart →
    left out or reduced; a new price is reported. Returns what differs from the order; [] means every line
    went in as it was, at the same price."""

    changes: list[Change] = []
    with transaction.atomic():
        in_cart = dict(CartLine.objects.filter(cart=get_cart(customer)).values_list("product_id", "quantity"))
        for line in order.lines.select_related("product").order_by("id"):
            product = line.product
            name = product.name
            if not product.is_active:
                changes.append(Change(Change.Kind.LEFT_OUT, name, _("%(name)s is no longer on sale; left out.") % {
                    "name": name}))
                continue
            room = min(available(product), MAX_QUANTITY) - in_cart.get(product.pk, 0)
            quantity = min(line.quantity, max(room, 0))
            if quantity <= 0:
                changes.append(Change(Change.Kind.LEFT_OUT, name, _(
                    "%(name)s: none available now; left out.") % {"name": name}))
                continue
            try:
                add_to_cart(customer, product.pk, quantity)
            except ValidationError as error:
                reason = " ".join(message for messages_ in error.message_dict.values() for message in messages_)
                changes.append(Change(Change.Kind.LEFT_OUT, name, _("%(name)s left out: %(reason)s") % {
                    "name": name, "reason": reason}))
                continue
            in_cart[product.pk] = in_cart.get(product.pk, 0) + quantity
            if quantity < line.quantity:
                changes.append(Change(Change.Kind.REDUCED, name, _(
                    "%(name)s: only %(available)s of %(ordered)s available; %(available)s added.") % {
                    "name": name, "available": quantity, "ordered": line.quantity}))
            if product.price != line.unit_price or product.currency != order.currency:
                was, now = format_money(line.unit_price, order.currency), format_money(product.price, product.currency)
                changes.append(Change(Change.Kind.PRICE, name, f"{name}: {was} → {now}"))
    return changes


def _clean_schedule(period: Any, day_of_month: Any, weekday: Any) -> tuple[str, int | None, int | None]:
    """(period, day of the month for monthly, weekday for weekly and every 2 weeks) or ValidationError."""
    period = str(period or "")
    if period not in RecurringOrder.Period.values:
        raise ValidationError({"period": [_("Choose how often to repeat the order.")]})
    if period == RecurringOrder.Period.MONTHLY:
        day = str(day_of_month or "").strip()
        if not day.isdigit() or not 1 <= int(day) <= 28:
            raise ValidationError({"day_of_month": [_("Choose a day from 1 to 28.")]})
        return period, int(day), None
    day = str(weekday if weekday is not None else "").strip()
    if not day.isdigit() or not 0 <= int(day) <= 6:
        raise ValidationError({"weekday": [_("Choose a day of the week.")]})
    return period, None, int(day)


def next_run_date(period: str, day_of_month: int | None, weekday: int | None, after: date) -> date:
    """The first day strictly after `after` on which the schedule places an order. `after` is the day of the
    last run: every 2 weeks counts 14 days from a run on its weekday (from any other day, the next such
    weekday). Monthly days stop at 28, so every month has them."""
    if period == "monthly":
        if day_of_month is None or not 1 <= day_of_month <= 28:
            raise ValueError(f"day of the month must be 1..28, not {day_of_month!r}")
        if after.day < day_of_month:
            return after.replace(day=day_of_month)
        year, month = (after.year + 1, 1) if after.month == 12 else (after.year, after.month + 1)
        return date(year, month, day_of_month)
    if period not in ("weekly", "biweekly"):
        raise ValueError(f"unknown period {period!r}")
    if weekday is None or not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0..6, not {weekday!r}")
    if period == "biweekly" and after.weekday() == weekday:
        return after + timedelta(days=14)
    return after + timedelta(days=(weekday - after.weekday() - 1) % 7 + 1)


def first_run_date(period: str, day_of_month: int | None, weekday: int | None, today: date) -> date:
    """The first order of a new (or rescheduled) recurring order: the next matching day after today; every
    2 weeks starts on the coming weekday, not a fortnight away."""
    return next_run_date("weekly" if period == "biweekly" else period, day_of_month, weekday, today)


def local_today() -> date:
    """Today where the business is: there is no per-tenant zone yet, so the platform's TIME_ZONE."""
    return timezone.localdate()


def create_recurring(customer, order: Order, period: Any, day_of_month: Any, weekday: Any, *,
                     today: date | None = None):
    """Repeats the customer's order automatically: its lines (current products) and how it was received."""
    if order.customer_id != customer.pk:
        raise ValidationError(_("This order is not yours."))
    period, day_of_month, weekday = _clean_schedule(period, day_of_month, weekday)
    lines = list(order.lines.order_by("id"))
    if not lines:
        raise ValidationError(_("This order has no goods to repeat."))
    with transaction.atomic():
        recurring = RecurringOrder.objects.create(
            customer=customer, source_order=order, period=period, day_of_month=day_of_month, weekday=weekday,
            next_run_on=first_run_date(period, day_of_month, weekday, today or local_today()),
            currency=order.currency, recipient_name=order.recipient_name, phone=order.phone,
            delivery_method=order.delivery_method, address=order.address,
            pickup_warehouse_id=order.pickup_warehouse_id, comment=order.comment)
        quantities: dict[int, int] = defaultdict(int)
        for line in lines:
            quantities[line.product_id] += line.quantity
        RecurringOrderLine.objects.bulk_create([
            RecurringOrderLine(recurring=recurring, product_id=product_id, quantity=min(quantity, MAX_QUANTITY))
            for product_id, quantity in quantities.items()])
    return recurring


def _locked_recurring(recurring):
    return RecurringOrder.objects.select_for_update().get(pk=recurring.pk)


def update_recurring(recurring, data: dict[str, Any], *, today: date | None = None):
    """Changes schedule, quantities (`quantities` {line id: units}), removed lines (`remove` [line ids]) and
    receiving (validated like checkout). All or nothing: any bad value raises ValidationError naming it."""
    with transaction.atomic():
        recurring = _locked_recurring(recurring)
        if recurring.status == RecurringOrder.Status.STOPPED:
            raise ValidationError(_("This recurring order is stopped; start a new one from an order."))
        period, day_of_month, weekday = _clean_schedule(data.get("period"), data.get("day_of_month"),
                                                        data.get("weekday"))
        fields = _clean_checkout(data)
        lines = {line.pk: line for line in recurring.lines.select_related("product")}
        errors: dict[str, list[str]] = defaultdict(list)
        remove: set[int] = set()
        for raw in data.get("remove") or ():
            if not str(raw).isdigit() or int(raw) not in lines:
                errors["lines"].append(_("A line to remove is not in this recurring order."))
            else:
                remove.add(int(raw))
        quantities: dict[int, int] = {}
        for raw, value in (data.get("quantities") or {}).items():
            if not str(raw).isdigit() or int(raw) not in lines:
                errors["lines"].append(_("A line to change is not in this recurring order."))
                continue
            try:
                quantities[int(raw)] = _quantity(value)
            except ValidationError:
                errors["lines"].append(_("%(name)s: choose from 1 to %(max)s units.") % {
                    "name": lines[int(raw)].product.name, "max": MAX_QUANTITY})
        if not errors and not set(lines) - remove:
            errors["lines"].append(_("Keep at least one line, or stop the recurring order."))
        if errors:
            raise ValidationError(dict(errors))
        schedule_changed = (period, day_of_month, weekday) != (recurring.period, recurring.day_of_month,
                                                               recurring.weekday)
        recurring.period, recurring.day_of_month, recurring.weekday = period, day_of_month, weekday
        if schedule_changed:
            recurring.next_run_on = first_run_date(period, day_of_month, weekday, today or local_today())
        for name, value in fields.items():
            setattr(recurring, name, value)
        recurring.save()
        recurring.lines.filter(pk__in=remove).delete()
        for pk, quantity in quantities.items():
            if pk not in remove and lines[pk].quantity != quantity:
                recurring.lines.filter(pk=pk).update(quantity=quantity)
    return recurring


def pause_recurring(recurring):
    with transaction.atomic():
        recurring = _locked_recurring(recurring)
        if recurring.status != RecurringOrder.Status.ACTIVE:
            raise ValidationError(_("Only an active recurring order can be paused."))
        recurring.status = RecurringOrder.Status.PAUSED
        recurring.save(update_fields=["status"])
    return recurring


def resume_recurring(recurring, *, today: date | None = None):
    """Starts a paused recurring order again; a date missed while paused moves to the next one after today."""
    today = today or local_today()
    with transaction.atomic():
        recurring = _locked_recurring(recurring)
        if recurring.status != RecurringOrder.Status.PAUSED:
            raise ValidationError(_("Only a paused recurring order can be resumed."))
        recurring.status = RecurringOrder.Status.ACTIVE
        if recurring.next_run_on < today:
            recurring.next_run_on = first_run_date(recurring.period, recurring.day_of_month, recurring.weekday,
                                                   today)
        recurring.save(update_fields=["status", "next_run_on"])
    return recurring


def stop_recurring(recurring):
    """Stops for good; the recurring order and its runs stay in the customer's history."""
    with transaction.atomic():
        recurring = _locked_recurring(recurring)
        if recurring.status == RecurringOrder.Status.STOPPED:
            raise ValidationError(_("This recurring order is already stopped."))
        recurring.status = RecurringOrder.Status.STOPPED
        recurring.save(update_fields=["status"])
    return recurring


def _recurring_failure(error: ValidationError) -> str:
    if hasattr(error, "error_dict") and "pickup_warehouse" in error.error_dict:
        return _("The pickup point of this recurring order no longer serves orders; choose another one.")
    if hasattr(error, "error_dict") and set(error.error_dict) - {"lines", "__all__"}:
        return _("The receiving details of this recurring order are incomplete; check them.")
    return " ".join(error.messages)


def place_recurring(recurring, today: date):
    """Places a due recurring order once for `today` and moves it to its next date. The run row is written
    first under the (recurring, day) unique constraint, so a second call that day does nothing. When an order
    cannot be placed (a product off sale, not enough stock, the pickup point gone), the run records why and
    no order is made. The customer gets an e-mail either way, after commit. Returns the run or None."""
    with transaction.atomic():
        recurring = (RecurringOrder.objects.select_for_update().select_related("customer")
                     .filter(pk=recurring.pk).first())
        if recurring is None or recurring.status != RecurringOrder.Status.ACTIVE or recurring.next_run_on > today:
            return None
        if not recurring.customer.is_active:  # erased or deactivated: nobody to deliver to
            recurring.status = RecurringOrder.Status.STOPPED
            recurring.save(update_fields=["status"])
            return None
        run, created = RecurringRun.objects.get_or_create(recurring=recurring, run_on=today)
        if created:
            items = list(recurring.lines.select_related("product").order_by("id"))
            off_sale = [_("%(name)s is no longer on sale.") % {"name": line.product.name}
                        for line in items if not line.product.is_active]
            if not items:
                off_sale = [_("There are no goods left in this recurring order.")]
            try:
                if off_sale:
                    raise ValidationError({"lines": off_sale})
                with transaction.atomic():  # a savepoint: a refused order leaves the run row in place
                    order = place_order(
                        recurring.customer, lines_from_items([(line.product_id, line.quantity) for line in items]),
                        {"recipient_name": recurring.recipient_name, "phone": recurring.phone,
                         "delivery_method": recurring.delivery_method, "address": recurring.address,
                         "pickup_warehouse": recurring.pickup_warehouse_id, "comment": recurring.comment},
                        placed_via=Order.Channel.RECURRING)
            except ValidationError as error:
                run.message = _recurring_failure(error)
            else:
                run.order = order
            run.save(update_fields=["order", "message"])
        following = recurring.next_run_on
        while following <= today:  # a missed date is not made up with extra orders
            following = next_run_date(recurring.period, recurring.day_of_month, recurring.weekday, following)
        recurring.next_run_on = following
        recurring.save(update_fields=["next_run_on"])
        if not created:
            return None
        from .tasks import email_recurring_result

        email_recurring_result.delay_on_commit(run.pk)
    return run


def place_due_recurring(today: date) -> int:
    """Places every active recurring order due by `today`; returns how many orders were placed. One broken
    recurring order is logged and does not stop the others."""
    placed = 0
    due = RecurringOrder.objects.filter(status=RecurringOrder.Status.ACTIVE, next_run_on__lte=today)
    for recurring in list(due.only("pk")):
        try:
            run = place_recurring(recurring, today)
        except Exception:
            logger.exception("recurring order %s could not be placed", recurring.pk)
            continue
        placed += bool(run and run.order_id)
    return placed

def send_recurring_result(run_id: int, site_url: str) -> bool:
    """E-mails the customer, in their language, what a recurring run placed (lines, total, link) or why it
    placed nothing. Mail server errors propagate so the task retries. False when there is nobody to tell."""
    run = (RecurringRun.objects.select_related("recurring__customer", "order").filter(pk=run_id).first())
    if run is None or not run.recurring.customer.email or not run.recurring.customer.is_active:
        return False
    if not wants_notification(run.recurring.customer, EVENT_RECURRING, "email"):
        return False
    recurring, customer = run.recurring, run.recurring.customer
    template = "recurring_placed" if run.order else "recurring_failed"
    subject, body = render_mail(f"orders/email/{template}", {
        "customer": customer, "run": run, "recurring": recurring, "order": run.order,
        "lines": list(run.order.lines.all()) if run.order else [],
        "order_url": site_url + reverse("orders:detail", args=[run.order.pk]) if run.order else "",
        "recurring_url": site_url + reverse("orders:recurring-detail", args=[recurring.pk]),
    }, customer.language or settings.LANGUAGE_CODE)
    send_mail(subject, body, None, [str(customer.email)])  # checked above: the customer has one
    return True


# --- Invoices ----------------------------------------------------------------------------------------------

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
    with transaction.atomic():
        invoice = (Invoice.objects.select_for_update(of=("self",)).select_related("order__customer")
                   .filter(pk=invoice_id).first())
        if invoice is None or invoice.emailed_at is not None:
            return False
        customer = invoice.order.customer
        if not customer.email or not customer.is_active:
            logger.info("invoice %s not e-mailed: customer %s has no e-mail address", invoice.pk, customer.pk)
            return False
        if not wants_notification(customer, EVENT_INVOICE, "email"):
            return False  # the invoice stays on the order page
        subject, body = render_mail("orders/email/invoice", {
            "invoice": invoice, "order": invoice.order, "customer": customer,
            "order_url": site_url + reverse("orders:detail", args=[invoice.order.pk])}, invoice_language(invoice.order))
        message = EmailMessage(subject, body, None, [customer.email])
        message.attach(invoice_filename(invoice), bytes(invoice.pdf), "application/pdf")
        message.send(fail_silently=False)
        invoice.emailed_at = timezone.now()
        invoice.save(update_fields=["emailed_at"])
    return True


# --- Staff -------------------------------------------------------------------------------------------------

BULK_LIMIT = 200


@dataclass(frozen=True)
class StatusChangeResult:
    """One order of a bulk change: moved, or refused and why."""

    order_id: int
    changed: bool
    reason: str = ""

    def __str__(self) -> str:
        return f"#{self.order_id}: {self.reason}" if self.reason else f"#{self.order_id}"


def _order_ids(values: Any) -> list[int]:
    ids: list[int] = []
    for value in values or ():
        text = str(value).strip()
        if text.isdigit() and len(text) < 10 and int(text) not in ids:
            ids.append(int(text))
    return ids


def bulk_change_status(order_ids: Any, status: str, by) -> list[StatusChangeResult]:
    """Moves each chosen order to `status` on its own (`change_status`, or `cancel`), so one refusal never
    stops the others; says per order what happened. Each change is recorded with who and when."""
    if status not in Order.Status.values or status == Order.Status.NEW:
        raise ValidationError({"status": [_("Choose what to do with the orders.")]})
    ids = _order_ids(order_ids)
    if not ids:
        raise ValidationError({"orders": [_("Choose at least one order.")]})
    if len(ids) > BULK_LIMIT:
        raise ValidationError({"orders": [_("Change at most %(max)s orders at once.") % {"max": BULK_LIMIT}]})
    orders = Order.objects.in_bulk(ids)
    results = []
    for order_id in ids:
        order = orders.get(order_id)
        if order is None:
            results.append(StatusChangeResult(order_id, False, _("There is no such order.")))
            continue
        try:
            change_status(order, status, by)
        except ValidationError as error:
            results.append(StatusChangeResult(order_id, False, " ".join(error.messages)))
        else:
            results.append(StatusChangeResult(order_id, True))
    return results


# Field names of the engine's rule that differ from the model's.
_RULE_FIELD_NAMES = {"product_ids": "products", "category_ids": "categories"}


def engine_rule_errors(data: dict[str, Any], pk: int | None = None) -> dict[str, list[str]]:
    """What the pricing engine refuses in a discount rule given as model field values (products and
    categories as iterables of rows or ids), keyed by model field name. Empty when the rule is usable."""
    try:
        rule = pricing.Rule(
            # A missing value reaches the engine as it is: `validate_rule` names it beside its field.
            id=pk or 0, title=data.get("title") or "", kind=data.get("kind") or "",
            value=data.get("value"),  # type: ignore[arg-type]
            value_type=data.get("value_type") or "", scope=data.get("scope") or "",
            product_ids=frozenset(getattr(p, "pk", p) for p in data.get("products") or ()),
            category_ids=frozenset(getattr(c, "pk", c) for c in data.get("categories") or ()),
            combine=data.get("combine") or "", priority=data.get("priority") or 0,
            active=bool(data.get("active")), currency=data.get("currency") or None,
            min_quantity=data.get("min_quantity"), threshold=data.get("threshold"),
            customer_group=(data.get("customer_group") or "").strip() or None,
            starts_at=data.get("starts_at"), ends_at=data.get("ends_at"),
            weekdays=frozenset(data.get("weekdays") or ()), daily_start=data.get("daily_start"),
            daily_end=data.get("daily_end"), time_zone=data.get("time_zone") or "UTC")
    except TypeError:  # an unhashable weekday or product id: the form never sends one
        return {"__all__": [_("The rule could not be read.")]}
    return {_RULE_FIELD_NAMES.get(name, name): messages
            for name, messages in pricing.validate_rule(rule).items()}


def save_discount_rule(rule: DiscountRule, *, products: Any = (), categories: Any = ()) -> DiscountRule:
    """Saves a rule (new or changed, its fields already set) with its products and categories, after the
    pricing engine accepted it; ValidationError by field otherwise, and nothing is saved."""
    data = {field.name: getattr(rule, field.name) for field in DiscountRule._meta.concrete_fields}
    data.update(products=list(products), categories=list(categories))
    errors = engine_rule_errors(data, rule.pk)
    if errors:
        raise ValidationError(errors)
    rule.customer_group = (rule.customer_group or "").strip()
    rule.time_zone = rule.time_zone or "UTC"
    rule.weekdays = sorted(rule.weekdays or [])
    with transaction.atomic():
        rule.save()
        rule.products.set(data["products"])
        rule.categories.set(data["categories"])
    return rule


def set_discount_rule_active(rule: DiscountRule, active: bool) -> DiscountRule:
    """Switches a rule on or off. A rule the engine can no longer read (e.g. its products were deleted)
    is not switched on: the message says what to fix."""
    if active:
        errors = pricing.validate_rule(rule.to_rule())
        if errors:
            raise ValidationError(_("Edit the rule first: %(problems)s") % {
                "problems": " ".join(m for messages in errors.values() for m in messages)})
    rule.active = active
    rule.save(update_fields=["active"])
    return rule


def delete_discount_rule(rule: DiscountRule) -> None:
    """Orders keep the discount texts they were placed with, so a rule can go at any time."""
    rule.delete()
