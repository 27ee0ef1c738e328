"""Reads of the referral programme: the customer's friends (masked), each purchase's commission with its status,
totals by status; for the business, the top referrers and the commission credited. Amounts are formatted in the
reader's language by the ledger's rules (money by CLDR, points counted)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cabinet.ledger.models import Account, Kind
from cabinet.ledger.selectors import format_amount
from cabinet.modules.orders import selectors as orders
from cabinet.portal.selectors import portal_state

from .models import Commission, Referral, ReferralCode

Status = Commission.Status
LEDGER_KIND = {"money": Kind.MONEY, "commission": Kind.COMMISSION, "points": Kind.POINTS}


def masked_name(user) -> str:
    """"Anna P." → "An*** P.": enough for the referrer to recognise a friend, not a name to pass around."""
    if not user.is_active and not user.email and not user.phone:
        return _("Deleted customer")
    words = (user.full_name or "").split()
    if words:
        first = words[0]
        shown = first[:2] + "***" if len(first) > 2 else first[:1] + "***"
        return " ".join([shown, *(word[:1] + "." for word in words[1:2])])
    if user.email:
        local, _at, domain = user.email.partition("@")
        return f"{local[:1]}***@{domain}"
    if user.phone:
        return f"{user.phone[:4]}***{user.phone[-2:]}"
    return _("customer")


def amount_text(amount: Decimal, reward: str, currency: str) -> str:
    return format_amount(amount, Account(kind=LEDGER_KIND.get(reward, Kind.MONEY), currency=currency), signed=False)


def limit_text(commission: Commission) -> str:
    return {"friend_cap": _("the cap per friend was reached"),
            "month_cap": _("the monthly cap was reached"),
            "period_over": _("after the programme's months")}.get(commission.limited_by, "")


def code_of(customer) -> ReferralCode | None:
    return ReferralCode.objects.filter(customer=customer).first()


def referrer_of(friend) -> Referral | None:
    return Referral.objects.select_related("referrer").filter(friend=friend).first()


def friends(*, referrer) -> list[dict[str, Any]]:
    """The people the customer brought, newest first, each with purchases and what they brought (per unit)."""
    rows = (Referral.objects.filter(referrer=referrer).select_related("friend")
            .annotate(purchases=Count("commissions", filter=~Q(commissions__status=Status.CANCELLED))))
    sums: dict[int, dict[tuple[str, str], Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in (Commission.objects.filter(referral__referrer=referrer, status__in=(Status.PENDING, Status.AVAILABLE))
                .values("referral_id", "reward", "currency").annotate(total=Sum("amount"))):
        sums[row["referral_id"]][(row["reward"], row["currency"])] += row["total"]
    return [{"name": masked_name(r.friend), "joined": r.created_at, "via": r.get_via_display(),
             "purchases": r.purchases,
             "earned": ", ".join(amount_text(v, reward, cur) for (reward, cur), v in sorted(sums[r.pk].items()))}
            for r in rows]


def commissions(*, referrer) -> QuerySet[Commission]:
    return (Commission.objects.filter(referral__referrer=referrer).select_related("referral__friend")
            .order_by("-paid_at", "-id"))


def explain(items) -> list[dict[str, Any]]:
    return [{"commission": c, "friend": masked_name(c.referral.friend), "status": c.status,
             "status_label": c.get_status_display(), "purchase": amount_text(c.purchase, "money", c.purchase_currency),
             "amount": amount_text(c.amount, c.reward, c.currency), "rate": f"{c.rate.normalize():f}",
             "limit": limit_text(c)} for c in items]


@dataclass(frozen=True)
class Totals:
    pending: list[str] = field(default_factory=list)
    credited: list[str] = field(default_factory=list)
    taken_back: list[str] = field(default_factory=list)


def totals(rows: QuerySet[Commission]) -> Totals:
    found: dict[str, list[str]] = {"pending": [], "available": [], "reversed": []}
    for row in (rows.filter(status__in=(Status.PENDING, Status.AVAILABLE, Status.REVERSED))
                .values("status", "reward", "currency").annotate(total=Sum("amount")).order_by("reward", "currency")):
        found[row["status"]].append(amount_text(row["total"], row["reward"], row["currency"]))
    return Totals(pending=found["pending"], credited=found["available"], taken_back=found["reversed"])


def customer_totals(*, referrer) -> Totals:
    return totals(Commission.objects.filter(referral__referrer=referrer))


def friend_count(*, referrer) -> int:
    return Referral.objects.filter(referrer=referrer).count()


def top_referrers(*, limit: int = 20) -> list[dict[str, Any]]:
    """The customers who brought the most friends, each with what was credited and is pending (per unit)."""
    top = list(Referral.objects.values("referrer_id").annotate(friends=Count("pk")).order_by("-friends",
                                                                                           "referrer_id")[:limit])
    ids = [row["referrer_id"] for row in top]
    people = get_user_model().objects.in_bulk(ids)
    sums: dict[tuple[int, str], list[str]] = defaultdict(list)
    for row in (Commission.objects.filter(referral__referrer_id__in=ids, status__in=(Status.PENDING, Status.AVAILABLE))
                .values("referral__referrer_id", "status", "reward", "currency").annotate(total=Sum("amount"))
                .order_by("reward", "currency")):
        sums[(row["referral__referrer_id"], row["status"])].append(
            amount_text(row["total"], row["reward"], row["currency"]))
    return [{"customer": people[row["referrer_id"]], "friends": row["friends"],
             "credited": ", ".join(sums[(row["referrer_id"], Status.AVAILABLE)]),
             "pending": ", ".join(sums[(row["referrer_id"], Status.PENDING)])}
            for row in top if row["referrer_id"] in people]


def business_totals() -> Totals:
    return totals(Commission.objects.all())


def to_recover() -> QuerySet[Commission]:
    """Credited commissions of refunded orders the referrer had already spent: for the staff to settle."""
    return Commission.objects.filter(recovery_due=True).select_related("referral__referrer", "referral__friend")


def programme() -> dict[str, Any]:
    """The business's terms, for the customer's page."""
    state = portal_state()

    def value(name: str) -> Any:
        return state.setting("referrals", name)

    return {"reward": value("reward"), "percent": value("percent"), "cap_per_friend": value("cap_per_friend"),
            "cap_per_month": value("cap_per_month"), "months": value("months"), "return_days": value("return_days"),
            "code_days": value("code_days")}


def can_enter_code(customer, *, now=None) -> bool:
    """A new customer without orders, within the business's days after registering, not yet brought."""
    now = now or timezone.now()
    days = int(programme()["code_days"] or 0)
    return (customer.date_joined >= now - timedelta(days=days) and not Referral.objects.filter(friend=customer).exists()
            and not orders.customer_orders(customer).exists())


def code_exists(code: str) -> bool:
    return ReferralCode.objects.filter(code=code, customer__is_active=True).exists()


def referral_count() -> int:
    return Referral.objects.count()
