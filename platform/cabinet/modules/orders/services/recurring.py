"""Orders again: "Repeat this order" into the cart, and recurring orders placed by beat on their schedule."""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cabinet.celery import task_named
from cabinet.modules.catalog.selectors import available
from cabinet.money import format_money

from ..models import MAX_QUANTITY, CartLine, Order, RecurringOrder, RecurringOrderLine, RecurringRun
from .cart import add_to_cart, get_cart, quantity_from
from .checkout import clean_receiving, place_order
from .prices import lines_from_items

logger = logging.getLogger(__name__)

# Notification event of the module (declared in module.py; customers choose their channels in "My settings").
EVENT_RECURRING = "orders.recurring"


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
            stock = available(product) if product.has_stock else MAX_QUANTITY  # services are not counted
            room = min(stock, MAX_QUANTITY) - in_cart.get(product.pk, 0)
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
    """Today where the business is (the time zone of its settings)."""
    from cabinet.portal.selectors import business_time_zone

    return timezone.localdate(timezone=business_time_zone())


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
        lines = {line.pk: line for line in recurring.lines.select_related("product")}
        fields = clean_receiving(data, needs_delivery=any(line.product.has_stock for line in lines.values()))
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
                quantities[int(raw)] = quantity_from(value)
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
        task_named("cabinet.orders.tasks.email_recurring_result").delay_on_commit(run.pk)
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
    """Tells the customer through notifications, in their language, what a recurring run placed (lines,
    total, link) or why it placed nothing, on the channels they chose; once per run. False when there is
    nobody to tell."""
    from cabinet.notifications.services import notify

    run = (RecurringRun.objects.select_related("recurring__customer", "order").filter(pk=run_id).first())
    if run is None or not run.recurring.customer.is_active:
        return False
    recurring, customer = run.recurring, run.recurring.customer
    template = "recurring_placed" if run.order else "recurring_failed"
    path = reverse("orders:detail", args=[run.order.pk]) if run.order else reverse(
        "orders:recurring-detail", args=[recurring.pk])
    notify(customer, EVENT_RECURRING, {
        "customer": customer, "run": run, "recurring": recurring, "order": run.order,
        "lines": list(run.order.lines.all()) if run.order else [],
        "order_url": site_url + reverse("orders:detail", args=[run.order.pk]) if run.order else "",
        "recurring_url": site_url + reverse("orders:recurring-detail", args=[recurring.pk]),
    }, template=f"orders/email/{template}", event_id=f"{EVENT_RECURRING}:{run.pk}",
        language=customer.language or settings.LANGUAGE_CODE, url=path)
    return True
