"""The business's discount rules, saved only when the pricing engine can read them."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cabinet.modules.orders import pricing

from ..models import DiscountRule

# Field names of the engine's rule that differ from the model's.
_RULE_FIELD_NAMES = {"product_ids": "products", "category_ids": "categories"}


def engine_rule_errors(data: dict[str, Any], pk: int | None = None) -> dict[str, list[str]]:
    """What the pricing engine refuses in a discount rule given as model field values (products and
    categories as iterables of rows or ids), keyed by model field name. Empty when the rule is usable."""
    try:
        rule = pricing.Rule(
            # A missing value reaches the engine as it is: `validate_rule` names it beside its field.
            id=pk or 0, title=data.get("title") or "", kind=data.get("kind") or "",
            value=data.get("value"),  # type: ignore[arg-type]
            value_type=data.get("value_type") or "", scope=data.get("scope") or "",
            product_ids=frozenset(getattr(p, "pk", p) for p in data.get("products") or ()),
            category_ids=frozenset(getattr(c, "pk", c) for c in data.get("categories") or ()),
            combine=data.get("combine") or "", priority=data.get("priority") or 0,
            active=bool(data.get("active")), currency=data.get("currency") or None,
            min_quantity=data.get("min_quantity"), threshold=data.get("threshold"),
            customer_group=(data.get("customer_group") or "").strip() or None,
            starts_at=data.get("starts_at"), ends_at=data.get("ends_at"),
            weekdays=frozenset(data.get("weekdays") or ()), daily_start=data.get("daily_start"),
            daily_end=data.get("daily_end"), time_zone=data.get("time_zone") or "UTC",
            condition=(data.get("condition") or "").strip() or None)
    except TypeError:  # an unhashable weekday or product id: the form never sends one
        return {"__all__": [_("The rule could not be read.")]}
    return {_RULE_FIELD_NAMES.get(name, name): messages
            for name, messages in pricing.validate_rule(rule).items()}


def save_discount_rule(rule: DiscountRule, *, products: Any = (), categories: Any = ()) -> DiscountRule:
    """Saves a rule (new or changed, its fields already set) with its products and categories, after the
    pricing engine accepted it; ValidationError by field otherwise, and nothing is saved."""
    data = {field.name: getattr(rule, field.name) for field in DiscountRule._meta.concrete_fields}
    data.update(products=list(products), categories=list(categories))
    errors = engine_rule_errors(data, rule.pk)
    if errors:
        raise ValidationError(errors)
    rule.customer_group = (rule.customer_group or "").strip()
    rule.condition = (rule.condition or "").strip()
    rule.time_zone = rule.time_zone or "UTC"
    rule.weekdays = sorted(rule.weekdays or [])
    with transaction.atomic():
        rule.save()
        rule.products.set(data["products"])
        rule.categories.set(data["categories"])
    return rule


def set_discount_rule_active(rule: DiscountRule, active: bool) -> DiscountRule:
    """Switches a rule on or off. A rule the engine can no longer read (e.g. its products were deleted)
    is not switched on: the message says what to fix."""
    if active:
        errors = pricing.validate_rule(rule.to_rule())
        if errors:
            raise ValidationError(_("Edit the rule first: %(problems)s") % {
                "problems": " ".join(m for messages in errors.values() for m in messages)})
    rule.active = active
    rule.save(update_fields=["active"])
    return rule


def delete_discount_rule(rule: DiscountRule) -> None:
    """Orders keep the discount texts they were placed with, so a rule can go at any time."""
    rule.delete()
