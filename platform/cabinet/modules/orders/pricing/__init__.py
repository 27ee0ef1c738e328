"""The discount engine: a pure function from a cart, a moment and a set of rules to a priced cart.

No database, no request: the orders app maps its DiscountRule rows to `Rule`, the cart to `CartLine`s,
and calls `price_cart`. The portal and the API use the same call, so the same cart gets the same price
everywhere. The order in which rules combine and where amounts are rounded is described in docs/pricing.md.

By subject: `rules` (what the engine reads), `engine` (`price_cart`, `explain`), `explanations` (what a
priced cart holds and how a discount reads), `validation` (`validate_rule`).
"""

from .engine import (
    explain,
    is_in_time_window,
    price_cart,
)
from .explanations import (
    AppliedDiscount,
    DiscountFacts,
    Explanation,
    PricedCart,
    PricedLine,
)
from .rules import (
    ALLOWED_SCOPES,
    CART_KINDS,
    CENT,
    FIXED_ALLOWED,
    HUNDRED,
    LINE_KINDS,
    ZERO,
    AddError,
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
from .validation import (
    validate_rule,
)

__all__ = [
    "ALLOWED_SCOPES",
    "AddError",
    "CART_KINDS",
    "CENT",
    "CartLine",
    "Combine",
    "FIXED_ALLOWED",
    "HUNDRED",
    "InvalidRuleError",
    "LINE_KINDS",
    "PricingContext",
    "PricingError",
    "Rule",
    "RuleKind",
    "Scope",
    "ValueType",
    "ZERO",
    "AppliedDiscount",
    "DiscountFacts",
    "Explanation",
    "PricedCart",
    "PricedLine",
    "validate_rule",
    "explain",
    "is_in_time_window",
    "price_cart",
]
