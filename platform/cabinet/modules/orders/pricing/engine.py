"""Pricing a cart: the active rules checked, applied to each line and then to the cart, in the order
docs/pricing.md describes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from cabinet.money import CURRENCIES

from .explanations import AppliedDiscount, Explanation, PricedCart, PricedLine
from .rules import (
    CENT,
    HUNDRED,
    ZERO,
    CartLine,
    Combine,
    InvalidRuleError,
    PricingContext,
    PricingError,
    Rule,
    RuleKind,
    Scope,
    ValueType,
)
from .validation import validate_rule


def price_cart(lines: Sequence[CartLine], currency: str, context: PricingContext,
               rules: Iterable[Rule]) -> PricedCart:
    """Price `lines` in `currency` at `context.now` with the active `rules` (any order; see docs/pricing.md)."""
    if currency not in CURRENCIES:
        raise PricingError(f"unsupported currency: {currency!r}")
    active = _checked_active_rules(rules)
    applicable = [r for r in active if r.currency in (None, currency) and _applies_to_customer(r, context)]
    line_rules = [r for r in applicable if r.is_line_rule]

    priced_lines = tuple(_price_line(line, currency, line_rules) for line in lines)
    undiscounted = sum((p.undiscounted for p in priced_lines), ZERO)
    subtotal = sum((p.total for p in priced_lines), ZERO)

    cart_rules = [r for r in applicable if not r.is_line_rule and _cart_rule_reached(r, subtotal)]
    cart_discounts = _apply_cart_rules(subtotal, currency, cart_rules)
    total = subtotal - sum((d.amount for d in cart_discounts), ZERO)
    return PricedCart(currency=currency, lines=priced_lines, undiscounted=undiscounted, subtotal=subtotal,
                      cart_discounts=cart_discounts, total_discount=undiscounted - total, total=total)


def explain(priced: PricedCart) -> list[Explanation]:
    """The discount lines shown to the customer, line discounts first (in cart order), then the cart's."""
    shown = [Explanation(p.line.product_id, d.rule_id, d.explanation, d.amount, priced.currency, d.facts)
             for p in priced.lines for d in p.discounts]
    shown += [Explanation(None, d.rule_id, d.explanation, d.amount, priced.currency, d.facts)
              for d in priced.cart_discounts]
    return shown


def _checked_active_rules(rules: Iterable[Rule]) -> list[Rule]:
    active = [r for r in rules if r.active]
    errors = {r.id: e for r in active if (e := validate_rule(r))}
    if errors:
        raise InvalidRuleError(errors)
    ids = [r.id for r in active]
    if len(ids) != len(set(ids)):
        raise PricingError("rule ids must be unique")
    return sorted(active, key=lambda r: r.sort_key)


def _applies_to_customer(rule: Rule, context: PricingContext) -> bool:
    if rule.kind == RuleKind.FIRST_ORDER:
        return context.is_first_order
    if rule.kind == RuleKind.CUSTOMER_GROUP:
        return rule.customer_group in context.customer_groups
    if rule.kind == RuleKind.TIME_WINDOW:
        return is_in_time_window(rule, context.now)
    if rule.kind == RuleKind.CONDITION:
        return rule.condition in context.conditions
    return True


def is_in_time_window(rule: Rule, now: datetime) -> bool:
    """Inclusive start, exclusive end; weekdays and hours read in the rule's time zone. A daily range that
    runs past midnight belongs to the weekday it started on (Friday 22:00–02:00 covers Saturday 01:00)."""
    if rule.starts_at is not None and now < rule.starts_at:
        return False
    if rule.ends_at is not None and now >= rule.ends_at:
        return False
    local = now.astimezone(ZoneInfo(rule.time_zone))
    weekday, clock = local.weekday(), local.time()
    if rule.daily_start is not None and rule.daily_end is not None:
        if rule.daily_start < rule.daily_end:
            if not rule.daily_start <= clock < rule.daily_end:
                return False
        elif clock < rule.daily_end:
            weekday = (weekday - 1) % 7  # the part after midnight of yesterday's range
        elif clock < rule.daily_start:
            return False
    return not rule.weekdays or weekday in rule.weekdays


def _matches_line(rule: Rule, line: CartLine) -> bool:
    if rule.scope == Scope.PRODUCTS and line.product_id not in rule.product_ids:
        return False
    if rule.scope == Scope.CATEGORIES and line.category_id not in rule.category_ids:
        return False
    if rule.kind == RuleKind.QUANTITY_BREAK:
        return line.quantity >= (rule.min_quantity or 0)
    return True


def _cart_rule_reached(rule: Rule, subtotal: Decimal) -> bool:
    if rule.kind == RuleKind.CART_THRESHOLD:
        return rule.threshold is not None and subtotal >= rule.threshold
    return True


def _discount_on(rule: Rule, base: Decimal) -> Decimal:
    """The rule's discount on `base`, rounded to 0.01 half up, never more than `base`."""
    if rule.value_type == ValueType.PERCENT:
        amount = (base * rule.value / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
    else:
        amount = rule.value.quantize(CENT, rounding=ROUND_HALF_UP)
    return min(amount, base)


def _combine(base: Decimal, currency: str, best: list[Rule], stack: list[Rule]) -> tuple[AppliedDiscount, ...]:
    """The best "best" rule on `base` (the largest discount; the first in order on a tie), then each
    "stack" rule in the given order on what is left."""
    applied: list[AppliedDiscount] = []
    remaining = base
    if best:
        # The largest discount wins; on a tie the earlier rule (priority, then id) does.
        ranked = max((_discount_on(r, base), -i, r) for i, r in enumerate(best))
        stack = [ranked[2], *stack]
    for rule in stack:
        amount = _discount_on(rule, remaining)
        if amount > 0:
            applied.append(AppliedDiscount(rule, amount, currency))
            remaining -= amount
    return tuple(applied)


def _price_line(line: CartLine, currency: str, rules: list[Rule]) -> PricedLine:
    undiscounted = (line.unit_price * line.quantity).quantize(CENT, rounding=ROUND_HALF_UP)
    matching = [r for r in rules if _matches_line(r, line)]
    discounts = _combine(undiscounted, currency, [r for r in matching if r.combine == Combine.BEST],
                         [r for r in matching if r.combine == Combine.STACK])
    total = undiscounted - sum((d.amount for d in discounts), ZERO)
    return PricedLine(line=line, undiscounted=undiscounted, discounts=discounts, total=total)


def _apply_cart_rules(subtotal: Decimal, currency: str, rules: list[Rule]) -> tuple[AppliedDiscount, ...]:
    stack = [r for r in rules if r.combine == Combine.STACK]
    # Percentages before fixed amounts, so a fixed amount is never scaled down by a later percentage.
    stack.sort(key=lambda r: r.value_type != ValueType.PERCENT)
    return _combine(subtotal, currency, [r for r in rules if r.combine == Combine.BEST], stack)
