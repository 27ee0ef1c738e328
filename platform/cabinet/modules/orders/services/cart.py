"""The customer's cart: add, change and remove lines. Goods are checked against what is available now
(stock minus holds), so the cart never promises more than the catalog can give; the checkout reserves."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cabinet.modules.catalog import selectors as catalog_selectors
from cabinet.modules.catalog.selectors import available, available_units

from ..models import MAX_QUANTITY, Cart, CartLine

if TYPE_CHECKING:
    from cabinet.modules.catalog.models import Product  # annotations only; the data comes from its selectors

# --- Cart --------------------------------------------------------------------------------------------------

def get_cart(customer) -> Cart:
    cart, _created = Cart.objects.get_or_create(customer=customer)
    return cart


def quantity_from(value: Any) -> int:
    """A line's units from user input, 1 to MAX_QUANTITY; ValidationError otherwise."""
    try:
        quantity = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({"quantity": _("Enter a whole number of units.")}) from None
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationError({"quantity": _("Choose from 1 to %(max)s units.") % {"max": MAX_QUANTITY}})
    return quantity


def _product_on_sale(product_id: Any) -> Product:
    try:
        product = catalog_selectors.product_on_sale(int(product_id))
    except (TypeError, ValueError):
        product = None
    if product is None:
        raise ValidationError({"product": _("This product is not on sale.")})
    return product


@transaction.atomic
def add_to_cart(customer, product_id: Any, quantity: Any = 1) -> CartLine:
    """Adds units of a product on sale; a product already in the cart gets the units on top."""
    quantity = quantity_from(quantity)
    product = _product_on_sale(product_id)
    cart = Cart.objects.select_for_update().get(pk=get_cart(customer).pk)
    currencies = set(cart.lines.exclude(product=product).values_list("product__currency", flat=True))
    if currencies and product.currency not in currencies:
        raise ValidationError({"product": _(
            "Your cart holds prices in %(cart)s and this product is priced in %(product)s; "
            "place one order per currency.") % {"cart": ", ".join(sorted(currencies)), "product": product.currency}})
    line = cart.lines.filter(product=product).first()
    in_cart = line.quantity if line else 0
    if in_cart + quantity > MAX_QUANTITY:
        raise ValidationError({"quantity": _("A cart line holds at most %(max)s units.") % {"max": MAX_QUANTITY}})
    _check_available(product, in_cart + quantity, in_cart=in_cart)
    if line is None:
        line = CartLine.objects.create(cart=cart, product=product, quantity=quantity)
    else:
        line.quantity += quantity
        line.save(update_fields=["quantity"])
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())
    return line


def change_quantity(customer, product_id: Any, quantity: Any) -> CartLine:
    """Sets a line's units; more goods than are available now are refused and the line keeps its units."""
    quantity = quantity_from(quantity)
    line = _cart_line(customer, product_id)
    if quantity > line.quantity:  # lowering a line that is short already is always allowed
        _check_available(line.product, quantity)
    line.quantity = quantity
    line.save(update_fields=["quantity"])
    return line


def fit_to_available(customer, product_id: Any, *, warehouse_id: int | None = None) -> int:
    """Lowers a line of goods to what is available now (at one pickup point when given), or removes it when
    nothing is; the units left (0: removed). For the checkout, where a line that became short is fixed on
    the spot."""
    line = _cart_line(customer, product_id)
    if not line.product.has_stock:
        return line.quantity
    free = available_units([line.product_id], warehouse_id=warehouse_id).get(line.product_id, 0)
    left = min(free, line.quantity)
    if left <= 0:
        line.delete()
        return 0
    if left != line.quantity:
        line.quantity = left
        line.save(update_fields=["quantity"])
    return left


def _check_available(product: Product, wanted: int, *, in_cart: int = 0) -> None:
    """ValidationError naming what is available when fewer than `wanted` units of goods are (services and
    digital items are not counted). Nothing is reserved: the checkout does that."""
    if not product.has_stock:
        return
    free = available(product)
    if wanted <= free:
        return
    if free <= 0:
        message = _("“%(name)s” is out of stock right now.") % {"name": product.name}
    elif in_cart:
        message = ngettext(
            "Only %(available)s of “%(name)s” is available, and your cart already holds %(in_cart)s.",
            "Only %(available)s of “%(name)s” are available, and your cart already holds %(in_cart)s.",
            free) % {"available": free, "name": product.name, "in_cart": in_cart}
    else:
        message = ngettext("Only %(available)s of “%(name)s” is available.",
                           "Only %(available)s of “%(name)s” are available.", free) % {
            "available": free, "name": product.name}
    raise ValidationError({"quantity": message}, code="unavailable")


def remove_from_cart(customer, product_id: Any) -> None:
    _cart_line(customer, product_id).delete()


def _cart_line(customer, product_id: Any) -> CartLine:
    try:
        line = CartLine.objects.filter(cart__customer=customer, product_id=int(product_id)).first()
    except (TypeError, ValueError):
        line = None
    if line is None:
        raise ValidationError({"product": _("This product is not in your cart.")})
    return line
