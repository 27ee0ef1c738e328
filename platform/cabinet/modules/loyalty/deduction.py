"""Bonus points as a checkout deduction (cabinet.registry.CheckoutDeduction): the orders module asks what the
points take off an order, applies it in the transaction that places the order, and explains what it kept."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cabinet.money import MINUS, format_money
from cabinet.registry import DeductionQuote

from . import services
from .models import Choice

KEY = "loyalty.points"


def explain(facts: dict) -> str:
    """"−300,00 ₽ paid with 300 points"."""
    points = int(facts.get("points") or 0)
    return _("%(amount)s paid with %(points)s") % {
        "amount": f"{MINUS}{format_money(Decimal(str(facts.get('amount') or '0')), facts.get('currency') or 'EUR')}",
        "points": ngettext("%(count)s point", "%(count)s points", points) % {"count": points}}


def _stored(customer, channel: str) -> int | str | None:
    choice = Choice.objects.filter(customer=customer).first()
    if choice is None:
        return None
    if channel == "recurring":
        return services.MAX if choice.on_recurring else None
    if channel == "portal":
        return services.MAX if choice.use_all else choice.points
    return None


def quote(*, customer, currency: str, amount: Decimal, channel: str, requested: str | None) -> DeductionQuote | None:
    if customer is None or not getattr(customer, "pk", None):
        return None
    strict = requested is not None
    wanted = services.parse_request(requested) if strict else _stored(customer, channel)
    points, money = services.plan(customer=customer, amount=amount, requested=wanted, strict=strict)
    if points <= 0:
        return None
    facts = {"points": points, "amount": str(money), "currency": currency, "value": str(services.point_value())}
    return DeductionQuote(key=KEY, amount=money, facts=facts, text=explain(facts))


def apply(*, customer, order, quote: DeductionQuote) -> None:
    services.spend(customer=customer, order=order, points=int(quote.facts["points"]), amount=quote.amount)
    if order.placed_via == "portal":  # a number chosen for this cart is used up; "as many as allowed" stays
        Choice.objects.filter(customer=customer, use_all=False).update(points=0)
