"""Products, their categories and photos: what a business sells, with every problem reported per field."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cabinet import images
from cabinet.money import CURRENCIES
from cabinet.slugs import unique_slug

from ..models import Category, Product, ProductImage, Reservation

MAX_PRICE = Decimal("9999999999.99")
MAX_ATTRIBUTES = 50


def _others(queryset: QuerySet, instance: Model | None) -> QuerySet:
    """`queryset` without `instance` (the row being edited), for "another one already has this" checks."""
    return queryset.exclude(pk=instance.pk) if instance is not None and instance.pk else queryset


def parse_price(value: Any) -> Decimal:
    """A price from user input ("12.50", "12,50", "1 200"); ValueError with a message if it is not one."""
    if isinstance(value, float):
        raise TypeError("money is never a float")
    text = str(value if value is not None else "").strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        price = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("Enter a price like 12.50.")) from None
    if not price.is_finite() or price < 0:
        raise ValueError(_("The price cannot be negative."))
    if price > MAX_PRICE or price.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError(_("Enter a price with at most two decimal places, below 10 000 000 000."))
    return price.quantize(Decimal("0.01"))


def parse_attributes(text: str) -> dict[str, str]:
    """"Name: value" lines into a dict; a line without a colon is refused with its number."""
    attributes: dict[str, str] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        name, colon, value = line.partition(":")
        if not colon or not name.strip() or not value.strip():
            raise ValueError(_("Line %(line)s: write “name: value”.") % {"line": number})
        attributes[name.strip()[:100]] = value.strip()[:500]
    if len(attributes) > MAX_ATTRIBUTES:
        raise ValueError(_("Up to %(max)s attributes, please.") % {"max": MAX_ATTRIBUTES})
    return attributes


# --- Categories ------------------------------------------------------------------------------------------

@transaction.atomic
def save_category(category: Category | None = None, *, name: str, parent: Category | None = None,
                  position: int = 0, slug: str = "") -> Category:
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Name the category.")]
    elif len(name) > 120:
        errors["name"] = [_("Keep the name under 120 characters.")]
    if category is not None and parent is not None:
        from ..selectors import category_with_descendants

        if parent.pk in category_with_descendants(category):
            errors["parent"] = [_("A category cannot sit inside itself or inside its own subcategory.")]
    slug = (slug or "").strip()
    if slug and _others(Category.objects.filter(slug=slug), category).exists():
        errors["slug"] = [_("Another category already has this address name.")]
    if errors:
        raise ValidationError(errors)
    category = category or Category()
    category.name, category.parent, category.position = name, parent, max(int(position or 0), 0)
    category.slug = slug or unique_slug(name, Category.objects.all(), exclude_pk=category.pk, fallback="category")
    category.save()
    return category


def delete_category(category: Category) -> None:
    if category.products.exists():
        raise ValidationError(_("This category still has products. Move them to another category first."))
    if category.children.exists():
        raise ValidationError(_("This category has subcategories. Move or delete them first."))
    category.delete()


# --- Products ---------------------------------------------------------------------------------------------

@dataclass
class ProductData:
    name: str
    price: Any
    currency: str
    category: Category | None = None
    sku: str = ""
    description: str = ""
    attributes: dict[str, str] | None = None
    is_active: bool = True
    slug: str = ""
    kind: str = Product.Kind.GOODS


@transaction.atomic
def save_product(product: Product | None, data: ProductData) -> Product:
    """Creates (product=None) or updates a product; every problem is reported per field, nothing saved.
    A product with goods reserved for orders stays goods until those orders are done."""
    errors: dict[str, list[str]] = {}
    if data.kind not in Product.Kind.values:
        errors["kind"] = [_("Choose goods, a service or a digital item.")]
    elif product is not None and product.pk and data.kind != Product.Kind.GOODS and product.kind == Product.Kind.GOODS \
            and Reservation.objects.filter(product=product, status=Reservation.Status.ACTIVE).exists():
        errors["kind"] = [_("Goods of this product are reserved for orders; it can become a service or a digital "
                            "item once those orders are shipped, collected or cancelled.")]
    name = (data.name or "").strip()
    if not name:
        errors["name"] = [_("Name the product.")]
    elif len(name) > 200:
        errors["name"] = [_("Keep the name under 200 characters.")]
    price = None
    try:
        price = parse_price(data.price)
    except ValueError as problem:
        errors["price"] = [str(problem)]
    if data.currency not in CURRENCIES:
        errors["currency"] = [_("Choose one of: %(codes)s.") % {"codes": ", ".join(CURRENCIES)}]
    sku = (data.sku or "").strip() or None
    pk = product.pk if product else None
    if sku and len(sku) > 64:
        errors["sku"] = [_("Keep the SKU under 64 characters.")]
    elif sku and _others(Product.objects.filter(sku=sku), product).exists():
        errors["sku"] = [_("Another product already has this SKU.")]
    slug = (data.slug or "").strip()
    if slug and _others(Product.objects.filter(slug=slug), product).exists():
        errors["slug"] = [_("Another product already has this address name.")]
    if errors:
        raise ValidationError(errors)
    assert price is not None  # a price that did not parse is an error above
    product = product or Product()
    product.name, product.price, product.currency = name, price, data.currency
    product.category, product.sku = data.category, sku
    product.description = (data.description or "").strip()
    product.attributes = dict(data.attributes or {})
    product.is_active = data.is_active
    product.kind = data.kind
    product.slug = slug or product.slug or unique_slug(name, Product.objects.all(), exclude_pk=pk, fallback="product")
    product.updated_at = timezone.now()
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError:  # a concurrent save took the SKU or slug meanwhile
        raise ValidationError({"sku": [_("Another product already has this SKU.")]}) from None
    return product


def delete_product(product: Product) -> None:
    if product.reservations.exists():
        raise ValidationError(_("This product has reservations. Take it off sale instead of deleting it."))
    names = [image.image.name for image in product.images.all() if image.image.name]
    product.delete()
    _delete_files_on_commit(names)


def _delete_files_on_commit(names: Iterable[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        transaction.on_commit(functools.partial(default_storage.delete, name))


def check_image(file) -> None:
    """Only real photos (JPEG, PNG, GIF, WebP) within the product photo's bytes and pixels."""
    try:
        images.check_image(file, images.PRODUCT_PHOTO)
    except ValidationError as error:
        raise ValidationError({"image": error.messages}) from None


def add_image(product: Product, file, *, alt_text: str = "") -> ProductImage:
    check_image(file)
    last = product.images.order_by("-position").values_list("position", flat=True).first()
    return ProductImage.objects.create(product=product, image=file, alt_text=(alt_text or "").strip()[:200],
                                       position=(last or 0) + 1)


def delete_image(image: ProductImage) -> None:
    name = image.image.name
    image.delete()
    if name:
        _delete_files_on_commit([name])
