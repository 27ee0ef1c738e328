"""What the writes of the programme share: its settings, the accounts it moves points between, and how points
are drawn from a customer's lots (oldest expiry first; points that never expire last)."""

from __future__ import annotations

import calendar
from datetime import datetime

from django.db.models import F

from cabinet.ledger import services as ledger
from cabinet.ledger.models import Account, Kind
from cabinet.portal.selectors import portal_state

from ..models import Lot

ISSUED, REDEEMED, EXPIRED = "points-issued", "points-redeemed", "points-expired"


def setting(name: str) -> int:
    return int(portal_state().setting("loyalty", name) or 0)


def customer_points(customer) -> Account:
    return ledger.customer_account(customer=customer, kind=Kind.POINTS)


def house(name: str) -> Account:
    return ledger.business_account(name=name, kind=Kind.POINTS)


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def expiry_for(available_at: datetime) -> datetime | None:
    months = setting("expiry_months")
    return add_months(available_at, months) if months else None


def spendable_lots(customer, *, first: Lot | None = None) -> list[Lot]:
    """The customer's available lots with points left, locked, in the order points are drawn from them: `first`
    (a lot being taken back) before all, then the soonest expiry; lots that never expire last."""
    lots = list(Lot.objects.select_for_update().filter(customer=customer, status=Lot.Status.AVAILABLE,
                                                       remaining__gt=0)
                .order_by(F("expires_at").asc(nulls_last=True), "available_at", "id"))
    if first is not None:
        lots.sort(key=lambda lot: lot.pk != first.pk)
    return lots


def draw(lots: list[Lot], points: int) -> list[tuple[Lot, int]]:
    """Takes `points` from `lots` in their order (saving each); what the lots do not hold comes from points
    outside lots (a referral commission paid as points), which the ledger's balance covers."""
    taken: list[tuple[Lot, int]] = []
    left = points
    for lot in lots:
        if left <= 0:
            break
        part = min(lot.remaining, left)
        lot.remaining -= part
        lot.save(update_fields=["remaining"])
        taken.append((lot, part))
        left -= part
    return taken


__all__ = ["EXPIRED", "ISSUED", "REDEEMED", "add_months", "customer_points", "draw", "expiry_for",
           "house", "setting", "spendable_lots"]
