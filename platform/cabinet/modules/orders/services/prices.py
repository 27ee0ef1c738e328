"""Prices of lines: the pricing engine with the business's rules and the customer's context. The cart
page, checkout, the API quote, repeat and recurring orders all price here."""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from cabinet import registry
from cabinet.accounts.selectors import customer_group_keys
from cabinet.modules.catalog import selectors as catalog_selectors
from cabinet.modules.orders import pricing

from ..models import MAX_QUANTITY, Cart, CartLine, DiscountRule, Order
from .cart import get_cart, quantity_from

logger = logging.getLogger(__name__)


# --- Prices ------------------------------------------------------------------------------------------------

def active_rules() -> list[pricing.Rule]:
    """The business's active rules as engine rules. A rule the engine cannot read is left out and logged:
    a broken rule must not stop customers from buying (the manage form refuses such rules)."""
    rules = []
    for row in DiscountRule.objects.filter(active=True).prefetch_related("products", "categories"):
        rule = row.to_rule()
        errors = pricing.validate_rule(rule)
        if errors:
            logger.warning("discount rule %s skipped: %s", row.pk, errors)
            continue
        rules.append(rule)
    return rules


def is_first_order(customer) -> bool:
    return not Order.objects.filter(customer=customer).exclude(status=Order.Status.CANCELLED).exists()


def customer_conditions(customer) -> frozenset[str]:
    """The conditions of other modules the customer meets ("clubs.member:3"), asked through the registry;
    a switched-off module's conditions are met by nobody, and one that fails is logged and left out."""
    from cabinet.portal.selectors import portal_state

    found: set[str] = set()
    if customer is None or not getattr(customer, "pk", None):
        return frozenset()
    state = portal_state()
    for key, condition in registry.pricing_conditions().items():
        if not state.is_enabled(condition.module):
            continue
        try:
            values = import_string(condition.values)(customer)
        except Exception:  # a broken condition must not stop customers from buying
            logger.exception("pricing condition %s failed", key)
            continue
        found.update(f"{key}:{value}" for value in values)
    return frozenset(found)


def condition_choices() -> list[tuple[str, str]]:
    """What the rule editor offers for a special condition: "<key>:<value>" with its label, of the modules
    that are on."""
    from cabinet.portal.selectors import portal_state

    state = portal_state()
    choices: list[tuple[str, str]] = []
    for key, condition in registry.pricing_conditions().items():
        if state.is_enabled(condition.module):
            choices += [(f"{key}:{value}", f"{condition.label}: {label}")
                        for value, label in import_string(condition.choices)()]
    return choices


@dataclass(frozen=True)
class PricedCartLines:
    lines: list[CartLine]  # with their products; unsaved lines when priced from items
    priced: pricing.PricedCart | None  # None for an empty cart


def price_lines(customer, lines: list[CartLine], *, now: datetime | None = None) -> PricedCartLines:
    """Prices lines (products selected) with the pricing engine. The cart page, checkout, the API quote and
    recurring orders all come here, so one cart has one price wherever it is asked."""
    if not lines:
        return PricedCartLines(lines=[], priced=None)
    currency = lines[0].product.currency
    engine_lines = [pricing.CartLine(product_id=line.product_id, category_id=line.product.category_id,
                                     quantity=line.quantity, unit_price=line.product.price) for line in lines]
    context = pricing.PricingContext(now=now or timezone.now(), customer_groups=customer_group_keys(customer),
                                     is_first_order=is_first_order(customer),
                                     conditions=customer_conditions(customer))
    return PricedCartLines(lines=lines, priced=pricing.price_cart(engine_lines, currency, context, active_rules()))


def price_for(customer, cart: Cart | None = None, *, now: datetime | None = None) -> PricedCartLines:
    """Prices the customer's cart."""
    cart = cart or get_cart(customer)
    return price_lines(customer, list(cart.lines.select_related("product").order_by("added_at", "id")), now=now)


def lines_from_items(items: Any) -> list[CartLine]:
    """Unsaved cart lines for [(product_id, quantity), ...] or [{"product": id, "quantity": n}, ...] sent by a
    client: each product on sale, each quantity in range, no product twice, one currency. ValidationError
    names every bad item."""
    if not isinstance(items, (list, tuple)) or not items:
        raise ValidationError({"lines": [_("Send at least one line.")]})
    if len(items) > 200:
        raise ValidationError({"lines": [_("Send at most 200 lines in one order.")]})
    wanted: list[tuple[Any, Any]] = []
    for item in items:
        if isinstance(item, dict):
            wanted.append((item.get("product"), item.get("quantity")))
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            wanted.append((item[0], item[1]))
        else:
            wanted.append((None, None))
    ids = {int(pid) for pid, _q in wanted if isinstance(pid, int) or (isinstance(pid, str) and pid.isdigit())}
    products = catalog_selectors.products_on_sale(ids)
    errors: list[str] = []
    lines: list[CartLine] = []
    seen: set[int] = set()
    for position, (product_id, quantity) in enumerate(wanted, start=1):
        try:
            product = products.get(int(product_id))
        except (TypeError, ValueError):
            product = None
        if product is None:
            errors.append(_("Line %(n)s: this product is not on sale.") % {"n": position})
            continue
        if product.pk in seen:
            errors.append(_("Line %(n)s: “%(name)s” is already in an earlier line.") % {
                "n": position, "name": product.name})
            continue
        seen.add(product.pk)
        try:
            count = quantity_from(quantity)
        except ValidationError:
            errors.append(_("Line %(n)s: choose from 1 to %(max)s units.") % {"n": position, "max": MAX_QUANTITY})
            continue
        lines.append(CartLine(product=product, quantity=count))
    currencies = {line.product.currency for line in lines}
    if len(currencies) > 1:
        errors.append(_("All lines must be priced in one currency; place one order per currency."))
    if errors:
        raise ValidationError({"lines": errors})
    return lines
