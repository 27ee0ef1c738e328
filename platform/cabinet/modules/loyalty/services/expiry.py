"""Expiry: points left in a lot past its `expires_at` leave the balance (one ledger transaction per lot), and
a reminder goes out once per lot before (`reminder_days`), one message per customer with what expires when."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from cabinet.ledger import services as ledger

from ..models import Lot
from .common import EXPIRED, customer_points, house, setting


def expire(lot: Lot, *, now: datetime | None = None) -> Lot:
    now = now or timezone.now()
    with transaction.atomic():
        lot = Lot.objects.select_for_update().select_related("customer").get(pk=lot.pk)
        if lot.status != Lot.Status.AVAILABLE or lot.expires_at is None or lot.expires_at > now:
            return lot
        account = customer_points(lot.customer)
        # never more than the balance holds (points taken back by a referral reversal, say)
        points = min(lot.remaining, max(int(account.balance), 0))
        if points > 0:
            ledger.post_transaction(lines=[(account, Decimal(-points)), (house(EXPIRED), Decimal(points))],
                                    reason="expiry", params={"points": points}, cause=("loyalty.lot", lot.pk),
                                    idempotency_key=f"loyalty-expiry:{lot.pk}:{_expiries(lot)}")
        lot.remaining, lot.status = 0, Lot.Status.EXPIRED
        lot.save(update_fields=["remaining", "status"])
    return lot


def _expiries(lot: Lot) -> int:
    """How many times the lot expired already (points returned to it after it expired expire again)."""
    from cabinet.ledger.models import Transaction

    return Transaction.objects.filter(reason="expiry", cause_type="loyalty.lot", cause_id=str(lot.pk)).count()


def expire_due(*, now: datetime | None = None, limit: int = 500) -> int:
    now = now or timezone.now()
    due = list(Lot.objects.filter(status=Lot.Status.AVAILABLE, expires_at__lte=now).order_by("expires_at", "pk")[:limit])
    return sum(1 for lot in due if expire(lot, now=now).status == Lot.Status.EXPIRED)


def remind_due(*, now: datetime | None = None) -> int:
    """Tells each customer whose points expire within `reminder_days` (once per lot); how many were told."""
    from cabinet.ledger.models import Account, Kind
    from cabinet.ledger.selectors import format_amount
    from cabinet.notifications.services import notify
    from cabinet.tenancy import tenant_url

    now = now or timezone.now()
    soon = now + timedelta(days=setting("reminder_days"))
    with transaction.atomic():
        lots = list(Lot.objects.select_for_update(skip_locked=True).select_related("customer")
                    .filter(status=Lot.Status.AVAILABLE, remaining__gt=0, reminded_at__isnull=True,
                            expires_at__gt=now, expires_at__lte=soon).order_by("customer_id", "expires_at"))
        by_customer: dict[int, list[Lot]] = defaultdict(list)
        for lot in lots:
            by_customer[lot.customer_id].append(lot)
        path = "/loyalty/"
        for group in by_customer.values():
            customer = group[0].customer
            points = sum(lot.remaining for lot in group)
            account = Account(kind=Kind.POINTS)
            notify(customer, "loyalty.expiring",
                   {"customer": customer, "points": format_amount(Decimal(points), account, signed=False),
                    "date": group[0].expires_at,
                    "link": tenant_url(connection.tenant).rstrip("/") + path},  # type: ignore[attr-defined]
                   url=path, event_id=f"loyalty.expiring:{group[0].pk}")
        Lot.objects.filter(pk__in=[lot.pk for lot in lots]).update(reminded_at=now)
    return len(by_customer)
