"""What the discount engine reads: the kinds of rules and their fields, the cart's lines and the moment of
pricing, and the errors it raises."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal
from enum import StrEnum

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
