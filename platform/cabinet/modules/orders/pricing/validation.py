"""Whether a discount rule is usable: field errors in the active language, one list per field."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext as _

from cabinet.money import CURRENCIES

from .rules import ALLOWED_SCOPES, HUNDRED, LINE_KINDS, AddError, Combine, Rule, RuleKind, Scope, ValueType


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
