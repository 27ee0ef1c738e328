"""An order after checkout: cancelling, staff moving it through its flow (orders/flows.py), one by one or
many at once, and the carrier and tracking of shipped goods."""

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cabinet.modules.catalog import selectors as catalog_selectors
from cabinet.modules.catalog import services as catalog_services

from .. import flows
from ..models import Order, OrderStatusChange
from ..signals import CANCELLED, STATUS, send_order_event
from .invoices import issue_invoice, payment_required
from .payments import paid_amount

TRACKING_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ./-]{2,63}")


# --- After checkout ----------------------------------------------------------------------------------------

def _locked(order: Order) -> Order:
    return Order.objects.select_for_update().get(pk=order.pk)


def _status_label(status: str) -> str:
    return str(Order.Status(status).label) if status in Order.Status.values else status


def cancel(order: Order, by, *, as_staff: bool = False) -> Order:
    """Cancels an order and returns its goods to sale: by the customer while the order's flow allows it
    (`Order.can_be_cancelled`), by staff also later (a pickup order nobody collects)."""
    with transaction.atomic():
        order = _locked(order)
        if not (order.staff_can_cancel if as_staff else order.can_be_cancelled):
            raise ValidationError(_("This order can no longer be cancelled: it is already %(status)s.") % {
                "status": order.get_status_display().lower()})
        catalog_services.release(order.reservation_reference)
        _record(order, Order.Status.CANCELLED, by)
    return order


def clean_tracking(data: dict[str, Any] | None) -> dict[str, str]:
    """The carrier and the tracking number and/or link of shipped goods; ValidationError by field. A carrier
    is needed, and a number or a link (http or https) to follow the parcel."""
    data = data or {}
    carrier = " ".join(str(data.get("carrier") or "").split())
    number = " ".join(str(data.get("tracking_number") or "").split())
    url = str(data.get("tracking_url") or "").strip()
    errors: dict[str, list[str]] = {}
    if not carrier:
        errors["carrier"] = [_("Name the carrier that delivers the parcel.")]
    elif len(carrier) > 100:
        errors["carrier"] = [_("Keep the carrier's name under 100 characters.")]
    if number and not TRACKING_NUMBER.fullmatch(number):
        errors["tracking_number"] = [_(
            "A tracking number has 3 to 64 letters, digits, spaces, dots, slashes or hyphens.")]
    if url:
        try:
            URLValidator(schemes=("http", "https"))(url)
        except ValidationError:
            errors["tracking_url"] = [_("Enter a tracking link that starts with https:// or http://.")]
        else:
            if len(url) > 500:
                errors["tracking_url"] = [_("Keep the tracking link under 500 characters.")]
    if not number and not url and "tracking_number" not in errors:
        errors["tracking_number"] = [_("Enter the tracking number or a link to follow the parcel.")]
    if errors:
        raise ValidationError(errors)
    return {"carrier": carrier, "tracking_number": number, "tracking_url": url}


def change_status(order: Order, status: str, by, *, tracking: dict[str, Any] | None = None) -> Order:
    """A staff member moves an order one step on in its flow. Confirming holds the goods without a time
    limit (re-reserving them if an unconfirmed hold has lapsed) and issues the invoice; a digital order is
    delivered with it. Shipping needs the carrier and tracking (`clean_tracking`); shipping or handing over at
    pickup takes the goods out of stock."""
    if status == Order.Status.CANCELLED:
        return cancel(order, by, as_staff=True)
    if status == Order.Status.CONFIRMED and payment_required() and order.status == Order.Status.NEW:
        # An order placed before payment was required gets its invoice now, kept even though the confirmation
        # below is refused, so the customer can pay it.
        issue_invoice(order)
    with transaction.atomic():
        order = _locked(order)
        if status not in order.next_statuses:
            if not flows.is_step(order.flow, status):
                raise ValidationError(_("“%(status)s” is not a step of this order (%(flow)s: %(steps)s).") % {
                    "status": _status_label(status), "flow": order.get_flow_display().lower(),
                    "steps": " → ".join(str(label).lower() for _value, label in order.steps)},
                    code="not_a_step")
            raise ValidationError(_("An order that is %(current)s cannot become %(new)s.") % {
                "current": order.get_status_display().lower(), "new": _status_label(status).lower()})
        shipping = clean_tracking(tracking) if status == Order.Status.SHIPPED else None
        reference = order.reservation_reference
        held = catalog_selectors.has_active_reservation(reference)
        if status == Order.Status.CONFIRMED:
            goods = [(line.product_id, line.quantity)
                     for line in order.lines.filter(kind=catalog_selectors.ProductKind.GOODS)]
            if held:
                catalog_services.hold_until_released(reference)
            elif goods:
                try:
                    catalog_services.reserve(goods, reference, None, warehouse_id=order.pickup_warehouse_id)
                except catalog_services.NotEnoughStock as error:
                    raise ValidationError([ValidationError(m, code="unavailable") for m in error.messages]) from error
            invoice = issue_invoice(order)
            if payment_required() and paid_amount(invoice) < invoice.total:
                raise ValidationError(_("This business confirms orders once they are paid: the invoice of order "
                                        "#%(number)s is not paid in full yet.") % {"number": order.number},
                                      code="unpaid")
        elif flows.CONSUMES_STOCK.get(order.flow) == status and held:
            catalog_services.consume(reference)
        if shipping is not None:
            for name, value in shipping.items():
                setattr(order, name, value)
            order.save(update_fields=list(shipping))
        _record(order, status, by)
        following = flows.AUTOMATIC.get((order.flow, status))
        if following:
            _record(order, following, by)
    return order


def _record(order: Order, status: str, by) -> None:
    now = timezone.now()
    order.status = status
    order.save(update_fields=["status"])
    OrderStatusChange.objects.create(order=order, status=status, by=by, at=now)
    send_order_event(order, CANCELLED if status == Order.Status.CANCELLED else STATUS)


# --- Staff -------------------------------------------------------------------------------------------------

BULK_LIMIT = 200


@dataclass(frozen=True)
class StatusChangeResult:
    """One order of a bulk change: moved, or refused and why."""

    order_id: int
    changed: bool
    reason: str = ""
    number: int | None = None  # the order's number; None when there is no such order

    def __str__(self) -> str:
        label = f"#{self.number if self.number is not None else self.order_id}"
        return f"{label}: {self.reason}" if self.reason else label


def _order_ids(values: Any) -> list[int]:
    ids: list[int] = []
    for value in values or ():
        text = str(value).strip()
        if text.isdigit() and len(text) < 10 and int(text) not in ids:
            ids.append(int(text))
    return ids


def bulk_change_status(order_ids: Any, status: str, by) -> list[StatusChangeResult]:
    """Moves each chosen order to `status` on its own (`change_status`, or `cancel`), so one refusal never
    stops the others; each order follows its own flow, and says per order what happened. Each change is
    recorded with who and when. Shipping is not done in bulk: it needs each parcel's tracking."""
    if status not in Order.Status.values or status in (Order.Status.NEW, Order.Status.SHIPPED):
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
            results.append(StatusChangeResult(order_id, False, " ".join(error.messages), order.number))
        else:
            results.append(StatusChangeResult(order_id, True, number=order.number))
    return results
