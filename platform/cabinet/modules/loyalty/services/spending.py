"""Spending points on an order, and giving them back when it is cancelled or refunded. A spend draws from the
customer's lots, soonest expiry first, in the transaction that places the order; its return puts the points
back into the very lots they came from."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cabinet.ledger import services as ledger

from ..models import Choice, Draw, Lot, Redemption
from .common import REDEEMED, customer_points, draw, house, setting, spendable_lots

MAX = "max"
ORDER = "orders.order"


def point_value() -> Decimal:
    """What one point pays, in the order's currency."""
    return Decimal(setting("point_value")) / Decimal(100)


def parse_request(value: str | None) -> int | str | None:
    """What a customer asked to spend: a whole number of points, "max", or nothing (""/None)."""
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in ("", "0"):
        return 0
    if text == MAX:
        return MAX
    if not text.isdigit() or len(text) > 9:
        raise ValidationError(_("Enter a whole number of points, or “max”."), code="invalid")
    return int(text)


def limit_for(*, amount: Decimal, available: int) -> int:
    """The most points an order of `amount` may take: the business's share of it, at its rate, and never more
    than the customer has."""
    share = (Decimal(amount) * Decimal(setting("max_share")) / Decimal(100)).quantize(Decimal("0.01"), ROUND_DOWN)
    value = point_value()
    by_share = int((share / value).to_integral_value(rounding=ROUND_DOWN)) if value > 0 else 0
    return max(min(by_share, available), 0)


def plan(*, customer, amount: Decimal, requested: int | str | None, strict: bool) -> tuple[int, Decimal]:
    """(points, money) an order of `amount` takes for what was asked. `strict` (the API): asking for more than
    the customer has or than the order allows is refused with a clear message; otherwise (a choice made in the
    cart earlier, when the cart may have changed since) the points are lowered to what is allowed."""
    if not requested:
        return 0, Decimal("0")
    available = int(customer_points(customer).balance)
    limit = limit_for(amount=amount, available=available)
    wanted = limit if requested == MAX else int(requested)
    if strict and wanted > available:
        raise ValidationError(ngettext("You have %(count)s point.", "You have %(count)s points.", available)
                              % {"count": available}, code="not_enough")
    if strict and wanted > limit:
        raise ValidationError(
            ngettext("At most %(count)s point can pay for this order (%(share)s %% of it).",
                     "At most %(count)s points can pay for this order (%(share)s %% of it).", limit)
            % {"count": limit, "share": setting("max_share")}, code="over_limit")
    points = min(wanted, limit)
    money = (Decimal(points) * point_value()).quantize(Decimal("0.01"), ROUND_DOWN)
    return (points, money) if money > 0 else (0, Decimal("0"))


def choose(*, customer, points: str | None, on_recurring: bool | None = None) -> Choice:
    """What the customer wants to pay with points in the cart ("max": as many as allowed), and whether their
    recurring orders use points. A bad number is refused and changes nothing."""
    wanted = parse_request(points)
    choice, _made = Choice.objects.get_or_create(customer=customer)
    if wanted is not None:
        available = int(customer_points(customer).balance)
        if wanted != MAX and wanted > available:
            raise ValidationError(ngettext("You have %(count)s point.", "You have %(count)s points.", available)
                                  % {"count": available}, code="not_enough")
        choice.use_all, choice.points = wanted == MAX, 0 if wanted == MAX else int(wanted)
    if on_recurring is not None:
        choice.on_recurring = on_recurring
    choice.save()
    return choice


def spend(*, customer, order, points: int, amount: Decimal) -> Redemption:
    """Spends `points` worth `amount` on `order` (inside the transaction that places it); refuses with a clear
    message when the customer no longer has them (the order is then not placed)."""
    with transaction.atomic():
        lots = spendable_lots(customer)
        record = ledger.post_transaction(
            lines=[(customer_points(customer), Decimal(-points)), (house(REDEEMED), Decimal(points))],
            reason="loyalty_spend", params={"number": order.number, "amount": str(amount), "currency": order.currency,
                                            "points": points},
            cause=(ORDER, order.pk), idempotency_key=f"loyalty-spend:{order.pk}")
        redemption = Redemption.objects.create(customer=customer, order_id=order.pk, order_number=order.number,
                                               points=points, amount=amount, currency=order.currency,
                                               transaction=record)
        Draw.objects.bulk_create([Draw(redemption=redemption, lot=lot, points=part)
                                  for lot, part in draw(lots, points)])
    return redemption


def return_for_order(order) -> Redemption | None:
    """The order was cancelled or refunded: the points it spent come back (once), into the lots they came from."""
    with transaction.atomic():
        redemption = Redemption.objects.select_for_update().filter(order_id=order.pk).first()
        if redemption is None or redemption.returned_id is not None:
            return redemption
        record = ledger.post_transaction(
            lines=[(house(REDEEMED), Decimal(-redemption.points)),
                   (customer_points(redemption.customer), Decimal(redemption.points))],
            reason="loyalty_return", params={"number": redemption.order_number, "points": redemption.points},
            cause=(ORDER, order.pk), idempotency_key=f"loyalty-return:{order.pk}")
        for part in redemption.draws.order_by("id"):
            lot = Lot.objects.select_for_update().get(pk=part.lot_id)
            if lot.status == Lot.Status.REVERSED:  # taken back meanwhile: these points stay outside lots
                continue
            lot.remaining += part.points
            if lot.status == Lot.Status.EXPIRED:  # it expired meanwhile: the next run expires what came back
                lot.status = Lot.Status.AVAILABLE
            lot.save(update_fields=["remaining", "status"])
        redemption.returned = record
        redemption.save(update_fields=["returned"])
    return redemption
