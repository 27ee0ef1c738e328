"""The discount engine: a pure function from a cart, a moment and a set of rules to a priced cart.

No database, no request: the orders app maps its DiscountRule rows to `Rule`, the cart to `CartLine`s,
and calls `price_cart`. The portal and the API use the same call, so the same cart gets the same price
everywhere. The order in which rules combine and where amounts are rounded is described in docs/pricing.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.numbers import format_decimal
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cabinet.money import CURRENCIES, babel_locale, format_money

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal("0.00")
# Collects one field error: field name, message.
AddError = Callable[[str, str], None]


class RuleKind(StrEnum):
    QUANTITY_BREAK = "quantity_break"
    CATEGORY_SHARE = "category_share"
    CART_THRESHOLD = "cart_threshold"
    FIRST_ORDER = "first_order"
    CUSTOMER_GROUP = "customer_group"
    TIME_WINDOW = "time_window"
    # A condition another module keeps ("member of club X"), found through the registry: the rule names it
    # as "<condition key>:<value>" and the context carries the ones the customer meets.
    CONDITION = "condition"


class ValueType(StrEnum):
    PERCENT = "percent"
    FIXED = "fixed"


class Scope(StrEnum):
    CART = "cart"
    PRODUCTS = "products"
    CATEGORIES = "categories"


class Combine(StrEnum):
    BEST = "best"
    STACK = "stack"


# Kinds that discount each matching line, and kinds that discount the cart as a whole.
LINE_KINDS = frozenset({RuleKind.QUANTITY_BREAK, RuleKind.CATEGORY_SHARE, RuleKind.CUSTOMER_GROUP,
                        RuleKind.TIME_WINDOW, RuleKind.CONDITION})
CART_KINDS = frozenset({RuleKind.CART_THRESHOLD, RuleKind.FIRST_ORDER})
ALLOWED_SCOPES: dict[str, frozenset[Scope]] = {
    RuleKind.QUANTITY_BREAK: frozenset({Scope.PRODUCTS, Scope.CATEGORIES}),
    RuleKind.CATEGORY_SHARE: frozenset({Scope.CATEGORIES}),
    RuleKind.CART_THRESHOLD: frozenset({Scope.CART}),
    RuleKind.FIRST_ORDER: frozenset({Scope.CART}),
    RuleKind.CUSTOMER_GROUP: frozenset({Scope.CART, Scope.PRODUCTS, Scope.CATEGORIES}),
    RuleKind.TIME_WINDOW: frozenset({Scope.CART, Scope.PRODUCTS, Scope.CATEGORIES}),
    RuleKind.CONDITION: frozenset({Scope.CART, Scope.PRODUCTS, Scope.CATEGORIES}),
}
# A fixed amount off only makes sense for the cart as a whole; line kinds take a percentage.
FIXED_ALLOWED = CART_KINDS


class PricingError(ValueError):
    """The cart, the currency or the moment given to the engine is not usable."""


class InvalidRuleError(PricingError):
    """An active rule fails `validate_rule`; `errors` maps each such rule id to its field errors."""

    def __init__(self, errors: dict[int, dict[str, list[str]]]) -> None:
        self.errors = errors
        super().__init__(f"invalid discount rules: {errors}")


@dataclass(frozen=True)
class CartLine:
    product_id: int
    category_id: int | None
    quantity: int
    unit_price: Decimal

    def __post_init__(self) -> None:
        if isinstance(self.quantity, bool) or not isinstance(self.quantity, int) or self.quantity <= 0:
            raise PricingError(f"quantity must be a whole number above 0, got {self.quantity!r}")
        if not isinstance(self.unit_price, Decimal) or not self.unit_price.is_finite() or self.unit_price < 0:
            raise PricingError(f"unit price must be a Decimal of 0 or more, got {self.unit_price!r}")


@dataclass(frozen=True)
class PricingContext:
    now: datetime
    customer_groups: frozenset[str] = frozenset()
    is_first_order: bool = False
    # The conditions of other modules the customer meets, each "<condition key>:<value>".
    conditions: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.now.tzinfo is None or self.now.utcoffset() is None:
            raise PricingError("the moment of pricing must be timezone-aware")
        object.__setattr__(self, "customer_groups", frozenset(self.customer_groups))
        object.__setattr__(self, "conditions", frozenset(self.conditions))


@dataclass(frozen=True)
class Rule:
    """One discount rule. Fields after `active` belong to particular kinds (see `validate_rule`).

    Kinds, scopes, value types and combine modes are plain strings (the `RuleKind`, `Scope`, `ValueType`
    and `Combine` values) so that a rule read from a form or a database row can be validated as it is.
    """

    id: int
    title: str
    kind: str
    value: Decimal
    value_type: str = ValueType.PERCENT
    scope: str = Scope.CART
    product_ids: frozenset[int] = frozenset()
    category_ids: frozenset[int] = frozenset()
    combine: str = Combine.BEST
    # Lower numbers come first; the id breaks ties, so the order never depends on the input list.
    priority: int = 0
    active: bool = True
    # Fixed amounts and thresholds are money: the currency they are in. The rule applies only to carts
    # in that currency.
    currency: str | None = None
    # quantity_break: the number of units of one line from which the discount applies.
    min_quantity: int | None = None
    # cart_threshold: the subtotal (after line discounts) from which the discount applies.
    threshold: Decimal | None = None
    # customer_group: the group a customer must belong to.
    customer_group: str | None = None
    # time_window: inclusive start, exclusive end (aware), weekdays (0 = Monday) and a daily time range
    # [daily_start, daily_end) read in `time_zone`; a range that ends before it starts runs past midnight.
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    weekdays: frozenset[int] = frozenset()
    daily_start: time | None = None
    daily_end: time | None = None
    time_zone: str = "UTC"
    # condition: the condition the customer must meet, "<condition key>:<value>" ("clubs.member:3").
    condition: str | None = None

    @property
    def sort_key(self) -> tuple[int, int]:
        return (self.priority, self.id)

    @property
    def is_line_rule(self) -> bool:
        return self.kind in LINE_KINDS


@dataclass(frozen=True)
class DiscountFacts:
    """What it takes to explain one given discount later, in any language, without its rule (which may be
    changed or deleted by then): an order stores these (`to_json`) and renders `text` when it is read."""

    kind: str
    value_type: str
    value: Decimal
    currency: str
    amount: Decimal
    title: str = ""
    min_quantity: int | None = None
    threshold: Decimal | None = None
    rule_id: int | None = None

    @property
    def text(self) -> str:
        """The explanation in the active language: "−10 %: 5 or more of this item"."""
        return _explain(self)

    @property
    def amount_text(self) -> str:
        return format_money(-self.amount, self.currency)

    def __str__(self) -> str:
        return _("%(explanation)s (%(amount)s)") % {"explanation": self.text, "amount": self.amount_text}

    def to_json(self) -> dict[str, object]:
        """Plain JSON: amounts as decimal strings (never floats)."""
        data: dict[str, object] = {"kind": self.kind, "value_type": self.value_type, "value": str(self.value),
                                   "currency": self.currency, "amount": str(self.amount)}
        if self.title:
            data["title"] = self.title
        if self.min_quantity is not None:
            data["min_quantity"] = self.min_quantity
        if self.threshold is not None:
            data["threshold"] = str(self.threshold)
        if self.rule_id is not None:
            data["rule_id"] = self.rule_id
        return data

    @classmethod
    def from_json(cls, data: object) -> DiscountFacts:
        """The facts stored by `to_json`; PricingError when `data` is not such a record."""
        if not isinstance(data, dict):
            raise PricingError(f"not a stored discount: {data!r}")
        try:
            facts = cls(
                kind=str(data["kind"]), value_type=str(data["value_type"]), value=_stored_decimal(data["value"]),
                currency=str(data["currency"]), amount=_stored_decimal(data["amount"]),
                title=str(data.get("title") or ""),
                min_quantity=int(data["min_quantity"]) if data.get("min_quantity") is not None else None,
                threshold=_stored_decimal(data["threshold"]) if data.get("threshold") is not None else None,
                rule_id=int(data["rule_id"]) if data.get("rule_id") is not None else None)
        except (KeyError, TypeError, ValueError) as error:
            raise PricingError(f"not a stored discount: {data!r}") from error
        if facts.kind not in set(RuleKind) or facts.value_type not in set(ValueType) \
                or facts.currency not in CURRENCIES:
            raise PricingError(f"not a stored discount: {data!r}")
        return facts


def _stored_decimal(value: object) -> Decimal:
    if isinstance(value, (float, bool)) or not isinstance(value, (str, int)):
        raise ValueError(f"not a stored amount: {value!r}")
    try:
        number = Decimal(value)
    except InvalidOperation as error:
        raise ValueError(f"not a stored amount: {value!r}") from error
    if not number.is_finite():
        raise ValueError(f"not a stored amount: {value!r}")
    return number


@dataclass(frozen=True)
class AppliedDiscount:
    rule: Rule
    amount: Decimal
    currency: str

    @property
    def rule_id(self) -> int:
        return self.rule.id

    @property
    def facts(self) -> DiscountFacts:
        rule = self.rule
        return DiscountFacts(kind=rule.kind, value_type=rule.value_type, value=rule.value, currency=self.currency,
                             amount=self.amount, title=rule.title, min_quantity=rule.min_quantity,
                             threshold=rule.threshold, rule_id=rule.id)

    @property
    def explanation(self) -> str:
        """What the customer reads, in the active language: "−10 %: 5 or more of this item"."""
        return self.facts.text


@dataclass(frozen=True)
class PricedLine:
    line: CartLine
    undiscounted: Decimal
    discounts: tuple[AppliedDiscount, ...]
    total: Decimal

    @property
    def discount(self) -> Decimal:
        return self.undiscounted - self.total


@dataclass(frozen=True)
class PricedCart:
    currency: str
    lines: tuple[PricedLine, ...]
    # Sum of quantity × unit price of every line.
    undiscounted: Decimal
    # Sum of line totals: after line discounts, before cart discounts.
    subtotal: Decimal
    cart_discounts: tuple[AppliedDiscount, ...]
    total_discount: Decimal
    total: Decimal


@dataclass(frozen=True)
class Explanation:
    """One line shown to the customer: which discount, on which product (None: the whole cart), how much.
    `facts` is what an order stores to explain it again later."""

    product_id: int | None
    rule_id: int
    text: str
    amount: Decimal
    currency: str = field(repr=False)
    facts: DiscountFacts | None = field(default=None, repr=False, compare=False)

    @property
    def amount_text(self) -> str:
        return format_money(-self.amount, self.currency)

    def __str__(self) -> str:
        return _("%(explanation)s (%(amount)s)") % {"explanation": self.text, "amount": self.amount_text}


# ---------------------------------------------------------------------------------------------- pricing

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


# ------------------------------------------------------------------------------------------ explanations

def _plain_number(value: Decimal) -> str:
    """A percentage's number as the active language writes numbers (CLDR): "12.5", "12,5"."""
    return format_decimal(value, locale=babel_locale())


def _explain(facts: DiscountFacts) -> str:
    currency = facts.currency
    if facts.value_type == ValueType.PERCENT:
        discount = _("−%(percent)s %%") % {"percent": _plain_number(facts.value)}
    else:
        discount = format_money(-facts.value, currency)
    if facts.kind == RuleKind.QUANTITY_BREAK:
        count = facts.min_quantity or 0
        return ngettext("%(discount)s: %(count)s or more of this item",
                        "%(discount)s: %(count)s or more of this item", count) % {
            "discount": discount, "count": count}
    if facts.kind == RuleKind.CATEGORY_SHARE:
        return _("%(discount)s on this category: %(title)s") % {"discount": discount, "title": facts.title}
    if facts.kind == RuleKind.CART_THRESHOLD:
        return _("%(discount)s: order of %(threshold)s or more") % {
            "discount": discount, "threshold": format_money(facts.threshold or ZERO, currency)}
    if facts.kind == RuleKind.FIRST_ORDER:
        return _("%(discount)s: your first order") % {"discount": discount}
    if facts.kind == RuleKind.CUSTOMER_GROUP:
        return _("%(discount)s for your customer group: %(title)s") % {"discount": discount, "title": facts.title}
    if facts.kind == RuleKind.CONDITION:
        return _("%(discount)s, your special offer: %(title)s") % {"discount": discount, "title": facts.title}
    return _("%(discount)s, limited time: %(title)s") % {"discount": discount, "title": facts.title}


# ---------------------------------------------------------------------------------------------- validation

def validate_rule(rule: Rule) -> dict[str, list[str]]:
    """Field errors of `rule` (field name → messages in the active language); empty when it is usable."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not rule.title.strip():
        add("title", _("Give the rule a title."))
    if rule.kind not in set(RuleKind):
        add("kind", _("Unknown kind of discount."))
    if rule.combine not in set(Combine):
        add("combine", _("Choose whether the rule competes with others or stacks on top."))
    if rule.value_type not in set(ValueType):
        add("value_type", _("Choose a percentage or a fixed amount."))
    _validate_value(rule, add)
    _validate_scope(rule, add)
    _validate_currency(rule, add)
    _validate_kind_fields(rule, add)
    return errors


def _has_cents_at_most(value: Decimal) -> bool:
    exponent = value.as_tuple().exponent
    return isinstance(exponent, int) and exponent >= -2


def _validate_value(rule: Rule, add: AddError) -> None:
    if not isinstance(rule.value, Decimal) or not rule.value.is_finite():
        add("value", _("Enter a number."))
        return
    if rule.value_type == ValueType.PERCENT:
        if not Decimal(0) < rule.value <= HUNDRED:
            add("value", _("A percentage must be above 0 and at most 100."))
        elif not _has_cents_at_most(rule.value):
            add("value", _("Use at most two decimal places."))
    elif rule.value_type == ValueType.FIXED:
        if rule.value <= 0:
            add("value", _("A fixed amount must be above 0."))
        elif not _has_cents_at_most(rule.value):
            add("value", _("Use at most two decimal places."))
        if rule.kind in LINE_KINDS:
            add("value_type", _("This kind of discount takes a percentage."))


def _validate_scope(rule: Rule, add: AddError) -> None:
    if rule.scope not in set(Scope):
        add("scope", _("Unknown scope."))
        return
    allowed = ALLOWED_SCOPES.get(rule.kind)
    if allowed is not None and rule.scope not in allowed:
        add("scope", _("This kind of discount cannot apply to this scope."))
    if rule.scope == Scope.PRODUCTS and not rule.product_ids:
        add("product_ids", _("Choose at least one product."))
    if rule.scope == Scope.CATEGORIES and not rule.category_ids:
        add("category_ids", _("Choose at least one category."))
    if rule.scope != Scope.PRODUCTS and rule.product_ids:
        add("product_ids", _("Products are chosen only for a rule on products."))
    if rule.scope != Scope.CATEGORIES and rule.category_ids:
        add("category_ids", _("Categories are chosen only for a rule on categories."))


def _validate_currency(rule: Rule, add: AddError) -> None:
    needs_currency = rule.value_type == ValueType.FIXED or rule.kind == RuleKind.CART_THRESHOLD
    if rule.currency is not None and rule.currency not in CURRENCIES:
        add("currency", _("Unsupported currency."))
    elif needs_currency and rule.currency is None:
        add("currency", _("Choose the currency of the amount."))


def _validate_kind_fields(rule: Rule, add: AddError) -> None:
    kind = rule.kind
    if kind == RuleKind.QUANTITY_BREAK:
        if isinstance(rule.min_quantity, bool) or not isinstance(rule.min_quantity, int) or rule.min_quantity < 1:
            add("min_quantity", _("Enter the number of items from which the discount applies (1 or more)."))
    elif rule.min_quantity is not None:
        add("min_quantity", _("Only a quantity break has a minimum quantity."))

    if kind == RuleKind.CART_THRESHOLD:
        if not isinstance(rule.threshold, Decimal) or not rule.threshold.is_finite() or rule.threshold <= 0:
            add("threshold", _("Enter the order sum from which the discount applies (above 0)."))
        elif not _has_cents_at_most(rule.threshold):
            add("threshold", _("Use at most two decimal places."))
    elif rule.threshold is not None:
        add("threshold", _("Only a cart total discount has a threshold."))

    if kind == RuleKind.CUSTOMER_GROUP:
        if not (rule.customer_group or "").strip():
            add("customer_group", _("Enter the customer group."))
    elif rule.customer_group is not None:
        add("customer_group", _("Only a customer group discount has a group."))

    if kind == RuleKind.CONDITION:
        key, colon, value = (rule.condition or "").partition(":")
        if not (key.strip() and colon and value.strip()):
            add("condition", _("Choose the condition the customer must meet."))
    elif rule.condition is not None:
        add("condition", _("Only a special condition discount has a condition."))

    timed = (rule.starts_at, rule.ends_at, rule.daily_start, rule.daily_end)
    if kind == RuleKind.TIME_WINDOW:
        _validate_time_window(rule, add)
    elif any(v is not None for v in timed) or rule.weekdays:
        add("starts_at", _("Only a time window discount has dates, weekdays and hours."))


def _validate_time_window(rule: Rule, add: AddError) -> None:
    naive = False
    for name, moment in (("starts_at", rule.starts_at), ("ends_at", rule.ends_at)):
        if moment is not None and (moment.tzinfo is None or moment.utcoffset() is None):
            add(name, _("Enter a date and time with a time zone."))
            naive = True
    # Naive and aware moments cannot be compared; the error above already says what to fix.
    if not naive and rule.starts_at and rule.ends_at and rule.ends_at <= rule.starts_at:
        add("ends_at", _("The end must be after the start."))
    if any(not isinstance(d, int) or isinstance(d, bool) or not 0 <= d <= 6 for d in rule.weekdays):
        add("weekdays", _("Weekdays are numbers from 0 (Monday) to 6 (Sunday)."))
    if (rule.daily_start is None) != (rule.daily_end is None):
        add("daily_end", _("Give both the start and the end of the daily hours, or neither."))
    elif rule.daily_start is not None and rule.daily_start == rule.daily_end:
        add("daily_end", _("The daily hours must not start and end at the same time."))
    try:
        ZoneInfo(rule.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        add("time_zone", _("Unknown time zone."))
    if not (rule.starts_at or rule.ends_at or rule.weekdays or rule.daily_start):
        add("starts_at", _("Give the time window a start, an end, weekdays or daily hours."))


