"""Reads of the bonus-points programme: the customer's summary (available, pending, expiring soon), their
entries each explained in the reader's language and linked to its cause, the "How to earn" list made from
the business's rules, and the customer's data for "Export my data"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Min, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cabinet.ledger import selectors as ledger
from cabinet.ledger.models import Account, Kind
from cabinet.money import format_money
from cabinet.portal.selectors import portal_state

from .models import Choice, EarningRule, Lot, RuleKind

SOON_DAYS = 30


def points_text(points: int | Decimal) -> str:
    count = int(points)
    return ngettext("%(count)s point", "%(count)s points", count) % {"count": f"{count:,}".replace(",", "\u00a0")}


@dataclass(frozen=True)
class Summary:
    available: int
    pending: int
    expiring: int  # within SOON_DAYS (or the reminder days, when longer)
    expiring_on: datetime | None  # the first of those dates


def summary(*, customer, now: datetime | None = None) -> Summary:
    now = now or timezone.now()
    days = max(SOON_DAYS, int(portal_state().setting("loyalty", "reminder_days") or 0))
    available = int(ledger.balance(customer=customer, kind=Kind.POINTS))
    pending = Lot.objects.filter(customer=customer, status=Lot.Status.PENDING).aggregate(p=Sum("points"))["p"] or 0
    soon = Lot.objects.filter(customer=customer, status=Lot.Status.AVAILABLE, remaining__gt=0,
                              expires_at__gt=now, expires_at__lte=now + timedelta(days=days)).aggregate(
        points=Sum("remaining"), first=Min("expires_at"))
    return Summary(available=available, pending=int(pending), expiring=min(int(soon["points"] or 0), available),
                   expiring_on=soon["first"])


def cause_url(cause_type: str, cause_id: str) -> str:
    """Where the customer opens what an entry is for ("" when it has no page of its own)."""
    try:
        if cause_type == "orders.order" and cause_id.isdigit():
            return reverse("orders:detail", kwargs={"pk": int(cause_id)})
        if cause_type in ("accounts.user", "birthday", "referrals.friend", "feedback.rating", "loyalty.lot"):
            return reverse("loyalty:earn")
    except NoReverseMatch:
        return ""
    return ""


@dataclass(frozen=True)
class Row:
    at: datetime
    text: str  # "+120 points: order #1042, 5 % of 2 400 ₽"
    amount: Decimal
    balance_after: Decimal
    url: str


def entries(*, customer, limit: int = 100) -> list[Row]:
    """The customer's points entries, newest first, each explained and linked to its cause."""
    found = ledger.transactions(customer=customer, kind=Kind.POINTS)[:limit]
    return [Row(at=e.created_at, text=ledger.describe(e), amount=e.amount, balance_after=e.balance_after,
                url=cause_url(e.transaction.cause_type, e.transaction.cause_id)) for e in found]


def pending_lots(*, customer) -> list[Lot]:
    return list(Lot.objects.filter(customer=customer, status=Lot.Status.PENDING).order_by("available_at", "id"))


def lot_text(lot: Lot) -> str:
    from cabinet.ledger import reasons

    from .services.earning import REASON

    return reasons.render(REASON[RuleKind(lot.source)], lot.facts)


def active_rules() -> list[EarningRule]:
    return list(EarningRule.objects.filter(active=True).order_by("kind", "currency", "id"))


def all_rules() -> list[EarningRule]:
    return list(EarningRule.objects.order_by("-active", "kind", "currency", "id"))


def rule_text(rule: EarningRule) -> str:
    """What the rule gives, in the reader's language: "5 % of every purchase in ₽ as points (2 400 ₽ → 120
    points)", "100 points for signing up"."""
    if rule.kind == RuleKind.PURCHASE:
        example = Decimal(1000)
        points = int(example * rule.percent / 100)
        return _("%(percent)s %% of what you pay in %(currency)s, as points: %(example)s brings %(points)s") % {
            "percent": f"{rule.percent.normalize():f}", "currency": rule.currency,
            "example": format_money(example, rule.currency), "points": points_text(points)}
    texts = {
        RuleKind.SIGN_UP: _("%(points)s for signing up"),
        RuleKind.FIRST_ORDER: _("%(points)s for your first order"),
        RuleKind.BIRTHDAY: _("%(points)s on your birthday"),
        RuleKind.REVIEW: _("%(points)s for each rating of our work"),
        RuleKind.REFERRAL: _("%(points)s for each friend who joins through your link"),
    }
    return texts[RuleKind(rule.kind)] % {"points": points_text(rule.points)}


def how_to_spend() -> dict:
    state = portal_state()
    value = Decimal(int(state.setting("loyalty", "point_value") or 0)) / 100
    return {"value": f"{value.normalize():f}", "share": int(state.setting("loyalty", "max_share") or 0),
            "return_days": int(state.setting("loyalty", "return_days") or 0),
            "expiry_months": int(state.setting("loyalty", "expiry_months") or 0)}


def personal_data(user) -> dict:
    account = Account.objects.filter(owner=user, kind=Kind.POINTS).first()
    return {"available": str(account.balance) if account else "0",
            "lots": [{"points": lot.points, "remaining": lot.remaining, "status": lot.status, "source": lot.source,
                      "created_at": lot.created_at.isoformat(),
                      "expires_at": lot.expires_at.isoformat() if lot.expires_at else None}
                     for lot in Lot.objects.filter(customer=user).order_by("id")]}


def uses_on_recurring(customer) -> bool:
    """Whether the customer's recurring orders pay with as many points as allowed."""
    return Choice.objects.filter(customer=customer, on_recurring=True).exists()
