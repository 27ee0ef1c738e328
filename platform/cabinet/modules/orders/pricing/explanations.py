"""What a priced cart holds (applied discounts, priced lines) and how a discount is explained to the
customer, now and later from what an order stored (`DiscountFacts`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from babel.numbers import format_decimal
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cabinet.money import CURRENCIES, babel_locale, format_money

from .rules import ZERO, CartLine, PricingError, Rule, RuleKind, ValueType


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
