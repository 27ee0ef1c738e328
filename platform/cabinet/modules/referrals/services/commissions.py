"""The referrer's share of each purchase of a friend: recorded pending when the order is paid (or reaches the
end of its flow), capped per friend, per referrer a month and to the business's months; credited to the ledger
once the return window has passed (`mature_due`, a periodic task); cancelled when the order is cancelled or
refunded before that, taken back by a reversing transaction after."""

from __future__ import annotations

import calendar
import logging
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from cabinet.ledger import services as ledger
from cabinet.ledger.models import Kind
from cabinet.modules.orders import selectors as orders
from cabinet.portal.selectors import business_time_zone, portal_state

from ..models import Commission, Referral
from ..selectors import masked_name

logger = logging.getLogger(__name__)

Status = Commission.Status
COUNTED = (Status.PENDING, Status.AVAILABLE)  # what fills a cap; cancelled and taken-back commissions free it
BUSINESS_ACCOUNT = {Commission.Reward.MONEY: "referrals", Commission.Reward.COMMISSION: "referrals",
                    Commission.Reward.POINTS: "points-issued"}
LEDGER_KIND = {Commission.Reward.MONEY: Kind.MONEY, Commission.Reward.COMMISSION: Kind.COMMISSION,
               Commission.Reward.POINTS: Kind.POINTS}


def _setting(name: str):
    return portal_state().setting("referrals", name)


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def month_start(moment: datetime) -> datetime:
    local = timezone.localtime(moment, business_time_zone())
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _counted(rows, *, reward: str, currency: str) -> Decimal:
    return rows.filter(status__in=COUNTED, reward=reward, currency=currency).aggregate(
        total=Sum("amount"))["total"] or Decimal("0")


def _share(order, reward: str, rate: Decimal) -> Decimal:
    raw = Decimal(order.total) * rate / Decimal(100)
    return raw.quantize(Decimal("1") if reward == Commission.Reward.POINTS else Decimal("0.01"), rounding=ROUND_DOWN)


def record_purchase(order, *, now: datetime | None = None, received: bool = False) -> Commission | None:
    """The commission of a friend's paid (or finished) order, once per order: pending until the return window
    has passed. `received`: the order reached the end of its flow now, so the window counts from now. None when
    the buyer was not brought by anyone (or was brought after the order)."""
    now = now or timezone.now()
    days = timedelta(days=int(_setting("return_days") or 0))
    with transaction.atomic():
        referral = (Referral.objects.select_for_update().select_related("referrer")
                    .filter(friend_id=order.customer_id).first())
        if referral is None or order.created_at < referral.created_at:
            return None
        existing = Commission.objects.select_for_update().filter(order_id=order.pk).first()
        if existing is not None:
            if received and existing.status == Status.PENDING and existing.due_at < now + days:
                existing.due_at = now + days
                existing.save(update_fields=["due_at"])
            return existing
        if order.status == "cancelled" or Decimal(order.total) <= 0:
            return None
        # Every commission of one referrer is capped together: their purchases queue on the referrer's row.
        get_user_model().objects.select_for_update().filter(pk=referral.referrer_id).first()
        reward = _setting("reward") or Commission.Reward.MONEY
        rate = Decimal(int(_setting("percent") or 0))
        currency = "" if reward == Commission.Reward.POINTS else order.currency
        amount, limited_by = _share(order, reward, rate), ""
        months = int(_setting("months") or 0)
        if months and now > add_months(referral.created_at, months):
            amount, limited_by = Decimal("0"), "period_over"
        caps = (
            ("friend_cap", int(_setting("cap_per_friend") or 0), Commission.objects.filter(referral=referral)),
            ("month_cap", int(_setting("cap_per_month") or 0), Commission.objects.filter(
                referral__referrer_id=referral.referrer_id, paid_at__gte=month_start(now))),
        )
        for name, cap, rows in caps:
            if cap and amount > 0:
                left = max(Decimal(cap) - _counted(rows, reward=reward, currency=currency), Decimal("0"))
                if left < amount:
                    amount, limited_by = left, name
        commission = Commission.objects.create(
            referral=referral, order_id=order.pk, reward=reward, currency=currency, purchase=order.total,
            purchase_currency=order.currency, rate=rate, amount=amount, limited_by=limited_by,
            status=Status.PENDING if amount > 0 else Status.NONE, paid_at=now, due_at=now + days)
    if commission.status == Status.PENDING and commission.due_at <= now:
        mature(commission, now=now)
    return commission


def cancel_for_order(order, *, now: datetime | None = None) -> Commission | None:
    """The order was cancelled or refunded: a pending commission is cancelled, a credited one is taken back by
    a reversing transaction (or marked for the staff to recover when the referrer has spent it already)."""
    now = now or timezone.now()
    with transaction.atomic():
        commission = Commission.objects.select_for_update().filter(order_id=order.pk).first()
        if commission is None:
            return None
        if commission.status in (Status.PENDING, Status.NONE):
            commission.status, commission.settled_at = Status.CANCELLED, now
            commission.save(update_fields=["status", "settled_at"])
        elif commission.status == Status.AVAILABLE and commission.transaction is not None:
            try:
                with transaction.atomic():
                    ledger.reverse_transaction(transaction=commission.transaction)
            except ledger.InsufficientFunds:
                logger.warning("referral commission %s: the referrer spent it; marked for recovery", commission.pk)
                commission.recovery_due = True
                commission.save(update_fields=["recovery_due"])
            else:
                commission.status, commission.settled_at = Status.REVERSED, now
                commission.save(update_fields=["status", "settled_at"])
    return commission


def mature(commission: Commission, *, now: datetime | None = None) -> Commission:
    """Credits one pending commission whose return window has passed (once: the ledger key is per commission).
    An order cancelled meanwhile, or a referrer whose account is gone, cancels it instead."""
    now = now or timezone.now()
    with transaction.atomic():
        commission = (Commission.objects.select_for_update().select_related("referral__referrer", "referral__friend")
                      .get(pk=commission.pk))
        if commission.status != Status.PENDING or commission.due_at > now:
            return commission
        order = orders.staff_order(commission.order_id)
        referrer = commission.referral.referrer
        if order is None or order.status == "cancelled" or not referrer.is_active:
            commission.status, commission.settled_at = Status.CANCELLED, now
            commission.save(update_fields=["status", "settled_at"])
            return commission
        kind = LEDGER_KIND[commission.reward]
        business = ledger.business_account(name=BUSINESS_ACCOUNT[commission.reward], kind=kind,
                                           currency=commission.currency)
        account = ledger.customer_account(customer=referrer, kind=kind, currency=commission.currency)
        record = ledger.post_transaction(
            lines=[(business, -commission.amount), (account, commission.amount)], reason="commission",
            params={"friend": masked_name(commission.referral.friend)}, cause=("referrals.commission", commission.pk),
            idempotency_key=f"referrals-commission:{commission.pk}")
        commission.status, commission.settled_at, commission.transaction = Status.AVAILABLE, now, record
        commission.save(update_fields=["status", "settled_at", "transaction"])
        _notify_available(commission, account)
    return commission


def _notify_available(commission: Commission, account) -> None:
    from cabinet.ledger.selectors import format_amount
    from cabinet.notifications.services import notify
    from cabinet.tenancy import tenant_url

    path = "/referrals/"
    referrer = commission.referral.referrer
    notify(referrer, "referrals.available",
           {"customer": referrer, "amount": format_amount(commission.amount, account, signed=False),
            "link": tenant_url(connection.tenant).rstrip("/") + path},  # type: ignore[attr-defined]
           url=path, event_id=f"referrals.available:{commission.pk}")


def mature_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Credits the pending commissions whose return window has passed; returns how many were credited."""
    now = now or timezone.now()
    credited = 0
    due = list(Commission.objects.filter(status=Status.PENDING, due_at__lte=now).order_by("due_at", "pk")[:limit])
    for commission in due:
        if mature(commission, now=now).status == Status.AVAILABLE:
            credited += 1
    return credited
