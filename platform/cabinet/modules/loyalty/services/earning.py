"""Earning: the business's rules made into lots. Points of an order are pending until the return window has
passed (`mature_due`, a periodic task), the others are available at once; each award happens once per cause
(a unique constraint), keeps the rule's version and figures, and is credited to the ledger when it becomes
available. Cancelling or refunding an order cancels its pending awards and takes back, by reversing the very
transactions that credited them, the ones already available."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cabinet.ledger import services as ledger

from ..models import EarningRule, Lot, RuleKind
from .common import ISSUED, customer_points, draw, expiry_for, house, setting, spendable_lots

logger = logging.getLogger(__name__)
ORDER = "orders.order"
REASON = {RuleKind.PURCHASE: "loyalty_purchase", RuleKind.FIRST_ORDER: "loyalty_first_order",
          RuleKind.SIGN_UP: "loyalty_sign_up", RuleKind.BIRTHDAY: "loyalty_birthday",
          RuleKind.REVIEW: "loyalty_review", RuleKind.REFERRAL: "loyalty_referral"}


def active_rule(kind: str, currency: str = "") -> EarningRule | None:
    return EarningRule.objects.filter(kind=kind, currency=currency, active=True).first()


def purchase_points(rule: EarningRule, amount: Decimal) -> int:
    """Points of a purchase: `percent` of the amount, one point per unit of money, whole points down."""
    return int((Decimal(amount) * rule.percent / Decimal(100)).to_integral_value(rounding=ROUND_DOWN))


def _plain(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text


def award(*, customer, rule: EarningRule, points: int, cause: tuple[str, object], facts: dict | None = None,
          pending_days: int = 0, now: datetime | None = None) -> Lot | None:
    """One lot of `points` for `cause` by `rule` (once: a second award for the same cause returns the first).
    Available at once without `pending_days`. None when there is nothing to award."""
    now = now or timezone.now()
    if points <= 0 or customer is None or not customer.is_active:
        return None
    cause_type, cause_id = cause[0], str(cause[1])
    existing = Lot.objects.filter(customer=customer, source=rule.kind, cause_type=cause_type, cause_id=cause_id).first()
    if existing is not None:
        return existing
    available_at = now + timedelta(days=pending_days)
    try:
        with transaction.atomic():
            lot = Lot.objects.create(
                customer=customer, source=rule.kind, rule=rule, rule_version=rule.version,
                facts={**(facts or {}), "rule": rule.pk, "version": rule.version}, cause_type=cause_type,
                cause_id=cause_id, points=points, created_at=now, available_at=available_at,
                expires_at=expiry_for(available_at))
    except IntegrityError:  # the same award made at the same moment elsewhere: that one stands
        return Lot.objects.filter(customer=customer, source=rule.kind, cause_type=cause_type, cause_id=cause_id).first()
    if available_at <= now:
        lot = mature(lot, now=now)
    return lot


def mature(lot: Lot, *, now: datetime | None = None) -> Lot:
    """Credits a pending lot whose time has come (once: the ledger key is per lot)."""
    now = now or timezone.now()
    with transaction.atomic():
        lot = Lot.objects.select_for_update().select_related("customer").get(pk=lot.pk)
        if lot.status != Lot.Status.PENDING or lot.available_at > now:
            return lot
        record = ledger.post_transaction(
            lines=[(house(ISSUED), Decimal(-lot.points)), (customer_points(lot.customer), Decimal(lot.points))],
            reason=REASON[RuleKind(lot.source)], params=lot.facts, cause=(lot.cause_type, lot.cause_id),
            idempotency_key=f"loyalty-lot:{lot.pk}")
        lot.status, lot.remaining, lot.transaction = Lot.Status.AVAILABLE, lot.points, record
        lot.expires_at = expiry_for(lot.available_at)
        lot.save(update_fields=["status", "remaining", "transaction", "expires_at"])
    return lot


def mature_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Credits pending lots whose return window has passed; how many."""
    now = now or timezone.now()
    due = list(Lot.objects.filter(status=Lot.Status.PENDING, available_at__lte=now).order_by("available_at", "pk")[:limit])
    return sum(1 for lot in due if mature(lot, now=now).status == Lot.Status.AVAILABLE)


def award_order(order, *, received: bool = False, now: datetime | None = None) -> list[Lot]:
    """The points of a paid (or finished) order: its purchase rule in the order's currency on what the customer
    paid in money (its total, after discounts and points), and the first-order bonus for the customer's first
    one. Pending for the return window; `received` (the order reached the end of its flow now) starts the
    window again from now."""
    now = now or timezone.now()
    if order.status == "cancelled":
        return []
    days = setting("return_days")
    existing = list(Lot.objects.filter(cause_type=ORDER, cause_id=str(order.pk), customer_id=order.customer_id))
    if existing:
        if received:
            Lot.objects.filter(pk__in=[lot.pk for lot in existing], status=Lot.Status.PENDING,
                               available_at__lt=now + timedelta(days=days)).update(
                available_at=now + timedelta(days=days))
        return existing
    lots: list[Lot] = []
    with transaction.atomic():
        # one award of a customer at a time: the first-order bonus is given once
        customer = get_user_model().objects.select_for_update().get(pk=order.customer_id)
        facts = {"number": order.number, "amount": str(order.total), "currency": order.currency}
        rule = active_rule(RuleKind.PURCHASE, order.currency)
        if rule is not None:
            lots.append(award(customer=customer, rule=rule, points=purchase_points(rule, order.total),
                              cause=(ORDER, order.pk), facts={**facts, "percent": _plain(rule.percent)},
                              pending_days=days, now=now))
        first = active_rule(RuleKind.FIRST_ORDER)
        if first is not None and not Lot.objects.filter(customer=customer, source=RuleKind.FIRST_ORDER).exclude(
                status__in=(Lot.Status.CANCELLED, Lot.Status.REVERSED)).exists():
            lots.append(award(customer=customer, rule=first, points=first.points, cause=(ORDER, order.pk),
                              facts={"number": order.number}, pending_days=days, now=now))
    return [lot for lot in lots if lot is not None]


def award_event(*, customer, kind: str, cause: tuple[str, object], facts: dict | None = None,
                now: datetime | None = None) -> Lot | None:
    """Points of an event of the customer (signing up, a birthday, a rating, a friend who joined), at once."""
    rule = active_rule(kind)
    if rule is None:
        return None
    return award(customer=customer, rule=rule, points=rule.points, cause=cause, facts=facts, now=now)


def take_back_order(order, *, now: datetime | None = None) -> list[Lot]:
    """The order was cancelled or refunded: what it earned is undone exactly. Pending lots are cancelled;
    available ones are taken back by reversing the transaction that credited them (their own points first,
    then the customer's other points, soonest expiry first). When the customer has spent them already, the lot
    is marked for the staff (`recovery_due`) and nothing is taken."""
    now = now or timezone.now()
    done = []
    with transaction.atomic():
        lots = list(Lot.objects.select_for_update().filter(cause_type=ORDER, cause_id=str(order.pk)))
        for lot in lots:
            if lot.status == Lot.Status.PENDING:
                lot.status = Lot.Status.CANCELLED
                lot.save(update_fields=["status"])
            elif lot.status == Lot.Status.AVAILABLE and lot.reversal_id is None:
                _reverse(lot)
            done.append(lot)
    return done


def _reverse(lot: Lot) -> None:
    assert lot.transaction is not None
    try:
        with transaction.atomic():
            taken_from_lot = lot.remaining
            record = ledger.reverse_transaction(transaction=lot.transaction)
            lot.remaining = 0
            lot.status, lot.reversal = Lot.Status.REVERSED, record
            lot.save(update_fields=["remaining", "status", "reversal"])
            if lot.points > taken_from_lot:  # the lot's points spent already come off the customer's others
                draw(spendable_lots(lot.customer), lot.points - taken_from_lot)
    except ledger.InsufficientFunds:
        logger.warning("loyalty lot %s: the customer spent its points; marked for recovery", lot.pk)
        lot.refresh_from_db()
        lot.recovery_due = True
        lot.save(update_fields=["recovery_due"])


def clean_rule(data: dict) -> dict:
    """A rule's fields from a form, checked: ValidationError by field."""
    errors: dict[str, list[str]] = {}
    kind = str(data.get("kind") or "")
    if kind not in RuleKind.values:
        errors["kind"] = [_("Choose what earns the points.")]
    currency = str(data.get("currency") or "") if kind == RuleKind.PURCHASE else ""
    percent, points = Decimal("0"), 0
    if kind == RuleKind.PURCHASE:
        from cabinet.money import CURRENCIES

        if currency not in CURRENCIES:
            errors["currency"] = [_("Choose the currency of the purchases.")]
        try:
            percent = Decimal(str(data.get("percent") or "").replace(",", ".").strip())
            if not percent.is_finite() or not 0 < percent <= 100 or percent != percent.quantize(Decimal("0.01")):
                raise ValueError
        except (ValueError, ArithmeticError):
            errors["percent"] = [_("Enter a share from 0.01 to 100 %.")]
    elif kind:
        raw = str(data.get("points") or "").strip()
        if not raw.isdigit() or not 0 < int(raw) <= 1_000_000:
            errors["points"] = [_("Enter a whole number of points from 1 to 1 000 000.")]
        else:
            points = int(raw)
    if errors:
        raise ValidationError(errors)
    return {"kind": kind, "currency": currency, "percent": percent, "points": points}


def save_rule(data: dict, *, rule: EarningRule | None = None) -> EarningRule:
    """Adds a rule or changes one (its version goes up; awards made before keep theirs). One active rule per
    kind and currency: a second is refused with a clear message."""
    values = clean_rule(data)
    with transaction.atomic():
        clash = EarningRule.objects.filter(kind=values["kind"], currency=values["currency"], active=True)
        if rule is not None:
            clash = clash.exclude(pk=rule.pk)
        if clash.exists():
            raise ValidationError({"kind": [_("There is a rule for this already; change that one.")]})
        if rule is None:
            return EarningRule.objects.create(**values)
        rule = EarningRule.objects.select_for_update().get(pk=rule.pk)
        changed = any(getattr(rule, name) != value for name, value in values.items())
        if changed:
            for name, value in values.items():
                setattr(rule, name, value)
            rule.version += 1
            rule.updated_at = timezone.now()
            rule.save()
    return rule


def set_rule_active(rule: EarningRule, active: bool) -> EarningRule:
    if active and EarningRule.objects.filter(kind=rule.kind, currency=rule.currency, active=True).exclude(
            pk=rule.pk).exists():
        raise ValidationError(_("There is a rule for this already; change that one."))
    rule.active = active
    rule.save(update_fields=["active"])
    return rule
