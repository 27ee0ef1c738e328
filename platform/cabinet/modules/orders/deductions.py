"""What other modules take off what a customer owes for an order (bonus points), asked through the registry
(`cabinet.registry.checkout_deductions`), so the orders module never imports them.

The order keeps its goods' prices and discounts as before (`subtotal`, `discount`); `deducted` is the sum of
the deductions and `total` stays what the customer owes: subtotal − discount − deducted. Without a deduction
nothing changes. The cart, checkout, the API and recurring orders all come through `quote_deductions`, and the
transaction that places an order applies them (`apply_deductions`), so a deduction that can no longer be made
(points spent meanwhile) refuses the order with its message and nothing is saved."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string

from cabinet import registry
from cabinet.registry import CheckoutDeduction, DeductionQuote

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Deductions:
    quotes: list[DeductionQuote]
    total: Decimal  # what the deductions take off, together
    owed: Decimal  # what the customer owes after them



def _enabled() -> list[CheckoutDeduction]:
    from cabinet.portal.selectors import portal_state

    state = portal_state()
    return [d for d in registry.checkout_deductions() if state.is_enabled(d.module)]


def known_keys() -> list[str]:
    return [d.key for d in _enabled()]


def quote_deductions(*, customer, currency: str, amount: Decimal, channel: str,
                     requested: Mapping[str, object] | None = None) -> Deductions:
    """The deductions of the switched-on modules for an order of `amount` (its total after discounts), each
    taking off at most what is still owed. `requested` (the API's `deductions`) maps a key to what the customer
    asked for; an unknown key or a bad value raises ValidationError (field "deductions")."""
    found = _enabled()
    asked = dict(requested or {})
    unknown = sorted(set(asked) - {d.key for d in found})
    if unknown:
        raise ValidationError({"deductions": [f"{key}: unknown" for key in unknown]}, code="invalid")
    quotes: list[DeductionQuote] = []
    owed = Decimal(amount)
    for deduction in found:
        if owed <= 0:
            break
        value = asked.get(deduction.key)
        try:
            quote = import_string(deduction.quote)(
                customer=customer, currency=currency, amount=owed, channel=channel,
                requested=None if value is None and deduction.key not in asked else str(value))
        except ValidationError as error:
            raise ValidationError({"deductions": error.messages}, code="invalid") from error
        if quote is None or quote.amount <= 0:
            continue
        if quote.amount > owed:  # a module's mistake must never make the order negative
            logger.error("checkout deduction %s offered %s of %s", deduction.key, quote.amount, owed)
            continue
        quotes.append(quote)
        owed -= quote.amount
    return Deductions(quotes=quotes, total=Decimal(amount) - owed, owed=owed)


def apply_deductions(*, customer, order, deductions: Deductions) -> None:
    """Inside the transaction that places `order`: the order keeps each deduction, and its module makes it (may
    raise ValidationError, and the order is not placed)."""
    from .deduction_models import OrderDeduction

    by_key = {d.key: d for d in registry.checkout_deductions()}
    OrderDeduction.objects.bulk_create([OrderDeduction(order=order, key=q.key, amount=q.amount, facts=q.facts)
                                        for q in deductions.quotes])
    for quote in deductions.quotes:
        import_string(by_key[quote.key].apply)(customer=customer, order=order, quote=quote)


def explanations(order) -> list[str]:
    """The deductions of an order in the active language ("−300,00 ₽: 300 points")."""
    by_key = {d.key: d for d in registry.checkout_deductions()}
    texts = []
    for record in order.deductions.all():
        deduction = by_key.get(record.key)
        if deduction is None:
            continue
        try:
            texts.append(str(import_string(deduction.explain)(record.facts or {})))
        except Exception:  # an unreadable record must not break the order's page
            logger.exception("unreadable deduction %s", record.pk)
    return texts


def cart_context(*, customer, priced) -> dict:
    """For the cart and checkout pages: what the deductions take off now (`deductions`, their `owed`) and each
    switched-on deduction's own block (`deduction_blocks`: its template and quote)."""
    if priced is None:
        return {"deductions": [], "owed": None, "deduction_blocks": []}
    result = quote_deductions(customer=customer, currency=priced.currency, amount=priced.total, channel="portal")
    quoted = {q.key: q for q in result.quotes}
    return {"deductions": result.quotes, "owed": result.owed,
            "deduction_blocks": [{"template": d.cart_template, "deduction": quoted.get(d.key)}
                                 for d in _enabled() if d.cart_template]}
