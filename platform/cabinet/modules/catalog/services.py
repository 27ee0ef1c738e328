"""Writes of the catalog: products, categories, warehouses, images, stock, reservations, favourites.

Stock is changed and reserved only here, inside transactions that lock the StockLevel rows involved
(in id order, so two buyers never wait on each other in a circle)."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cabinet import csv_io, images
from cabinet.money import CURRENCIES
from cabinet.slugs import unique_slug

from .models import Category, Favourite, Product, ProductImage, Reservation, StockLevel, Warehouse

MAX_PRICE = Decimal("9999999999.99")
MAX_ATTRIBUTES = 50
REFERENCE_MAX = int(Reservation._meta.get_field("reference").max_length or 0)

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
        from .selectors import category_with_descendants

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


# --- Warehouses and stock ----------------------------------------------------------------------------------

def save_warehouse(warehouse: Warehouse | None = None, *, name: str, address: str = "",
                   is_pickup_point: bool = False, is_active: bool = True) -> Warehouse:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Name the warehouse.")]})
    if _others(Warehouse.objects.filter(name__iexact=name), warehouse).exists():
        raise ValidationError({"name": [_("Another warehouse already has this name.")]})
    warehouse = warehouse or Warehouse()
    warehouse.name, warehouse.address = name[:120], (address or "").strip()[:300]
    warehouse.is_pickup_point, warehouse.is_active = is_pickup_point, is_active
    warehouse.save()
    return warehouse


def _reserved_at(product_id: int, warehouse_id: int) -> int:
    return Reservation.objects.filter(product_id=product_id, warehouse_id=warehouse_id,
                                      status=Reservation.Status.ACTIVE).aggregate(total=Sum("quantity"))["total"] or 0


@transaction.atomic
def set_stock(product: Product, warehouse: Warehouse, quantity: Any) -> StockLevel:
    """Sets how many units lie in a warehouse. It cannot go below what is reserved there. Only goods have
    stock."""
    if not product.has_stock:
        raise ValidationError({"quantity": [_("%(kind)s have no stock: they are never counted or reserved.") % {
            "kind": _plural_kind(product.kind)}]})
    try:
        quantity = int(str(quantity).strip())
    except (TypeError, ValueError):
        raise ValidationError({"quantity": [_("Enter a whole number of units.")]}) from None
    if quantity < 0 or quantity > 2_000_000_000:
        raise ValidationError({"quantity": [_("Enter a number from 0 up.")]})
    StockLevel.objects.get_or_create(product=product, warehouse=warehouse)
    level = StockLevel.objects.select_for_update().get(product=product, warehouse=warehouse)
    reserved = _reserved_at(product.pk, warehouse.pk)
    if quantity < reserved:
        raise ValidationError({"quantity": [
            _("%(reserved)s units are reserved at %(warehouse)s; set at least %(reserved)s.") % {
                "reserved": reserved, "warehouse": warehouse.name}]})
    level.quantity = quantity
    level.save(update_fields=["quantity"])
    return level


def _plural_kind(kind: str) -> str:
    plurals: dict[str, str] = {Product.Kind.SERVICE: _("Services"), Product.Kind.DIGITAL: _("Digital items")}
    return plurals.get(kind, pgettext("many items", "Goods"))


# --- Reservations ------------------------------------------------------------------------------------------

class NotEnoughStock(ValidationError):
    """A reservation that cannot be made in full. `.lines` says per product what was asked and what is
    available: [{"product_id", "name", "requested", "available"}]."""

    def __init__(self, lines: list[dict[str, Any]]):
        self.lines = lines
        super().__init__([line["message"] for line in lines])


def reservation_expiry(minutes: int | None = None) -> datetime:
    """When a reservation made now should lapse, from the module's "reservation_minutes" setting."""
    if minutes is None:
        from cabinet.portal.selectors import portal_state

        minutes = portal_state().setting("catalog", "reservation_minutes") or 60
    return timezone.now() + timedelta(minutes=int(minutes))


def _normalise_items(items: Iterable[tuple[int, int]]) -> dict[int, int]:
    wanted: dict[int, int] = {}
    for item in items:
        try:
            product_id, quantity = int(item[0]), int(item[1])
        except (TypeError, ValueError, IndexError):
            raise ValidationError(_("Each line needs a product and a whole number of units.")) from None
        if quantity <= 0:
            raise ValidationError(_("Each line needs at least one unit."))
        wanted[product_id] = wanted.get(product_id, 0) + quantity
    if not wanted:
        raise ValidationError(_("There is nothing to reserve."))
    return wanted


def _plan(quantity: int, places: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Takes `quantity` from places [(warehouse_id, available)]: one warehouse that has it all if there is
    one (the one with most, so small remainders stay spread), otherwise the largest first."""
    places = sorted((p for p in places if p[1] > 0), key=lambda p: (-p[1], p[0]))
    if places and places[0][1] >= quantity:
        return [(places[0][0], quantity)]
    plan, left = [], quantity
    for warehouse_id, free in places:
        take = min(free, left)
        plan.append((warehouse_id, take))
        left -= take
        if not left:
            break
    return plan


def reserve(items: Iterable[tuple[int, int]], reference: str, expires_at: datetime | None = None, *,
            warehouse_id: int | None = None) -> list[Reservation]:
    """Reserves every line or nothing. `items` are (product_id, quantity); `warehouse_id` limits the
    reservation to one place (pickup). Raises NotEnoughStock naming each short line and what is available."""
    reference = (reference or "").strip()
    if not reference or len(reference) > REFERENCE_MAX:
        raise ValidationError(_("A reservation needs a reference of up to %(max)s characters.") % {"max": REFERENCE_MAX})
    wanted = _normalise_items(items)
    with transaction.atomic():
        levels = StockLevel.objects.filter(product_id__in=wanted, warehouse__is_active=True)
        if warehouse_id is not None:
            levels = levels.filter(warehouse_id=warehouse_id)
        # Locks first; what others reserved is read after the locks are ours, so it is current.
        locked = list(levels.select_for_update(of=("self",)).order_by("id"))
        reserved: dict[tuple[int, int], int] = defaultdict(int)
        for row in (Reservation.objects.filter(product_id__in=wanted, status=Reservation.Status.ACTIVE)
                    .values("product_id", "warehouse_id").annotate(total=Sum("quantity"))):
            reserved[(row["product_id"], row["warehouse_id"])] = row["total"]
        places: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for level in locked:
            places[level.product_id].append(
                (level.warehouse_id, level.quantity - reserved[(level.product_id, level.warehouse_id)]))
        products = {p.pk: p for p in Product.objects.filter(pk__in=wanted).only("pk", "name", "is_active")}
        shortages, plans = [], {}
        for product_id, quantity in wanted.items():
            product = products.get(product_id)
            if product is None or not product.is_active:
                shortages.append({"product_id": product_id, "name": product.name if product else "",
                                  "requested": quantity, "available": 0,
                                  "message": _("“%(name)s” is no longer sold.") % {
                                      "name": product.name if product else f"#{product_id}"}})
                continue
            free = sum(max(free, 0) for _place, free in places[product_id])
            if free < quantity:
                shortages.append({"product_id": product_id, "name": product.name, "requested": quantity,
                                  "available": free,
                                  "message": _("“%(name)s”: you asked for %(requested)s, %(available)s available.") % {
                                      "name": product.name, "requested": quantity, "available": free}})
                continue
            plans[product_id] = _plan(quantity, places[product_id])
        if shortages:
            raise NotEnoughStock(shortages)
        now = timezone.now()
        return Reservation.objects.bulk_create([
            Reservation(product_id=product_id, warehouse_id=place, quantity=take, reference=reference,
                        expires_at=expires_at, created_at=now)
            for product_id, plan in plans.items() for place, take in plan])


def release(reference: str) -> int:
    """Returns the reference's active reservations to sale; how many were released."""
    return Reservation.objects.filter(reference=reference, status=Reservation.Status.ACTIVE).update(
        status=Reservation.Status.RELEASED)


def hold_until_released(reference: str) -> int:
    """The reference's active reservations no longer lapse (a confirmed order keeps its goods until it is
    fulfilled or cancelled); how many."""
    return Reservation.objects.filter(reference=reference, status=Reservation.Status.ACTIVE).update(expires_at=None)


@transaction.atomic
def consume(reference: str) -> int:
    """The goods leave the warehouse: stock goes down by the reserved units, the reservations are marked
    consumed. Returns the units taken."""
    reservations = list(Reservation.objects.select_for_update().filter(
        reference=reference, status=Reservation.Status.ACTIVE).order_by("id"))
    if not reservations:
        raise ValidationError(_("Nothing is reserved under “%(reference)s”.") % {"reference": reference})
    taken: dict[tuple[int, int], int] = defaultdict(int)
    for reservation in reservations:
        taken[(reservation.product_id, reservation.warehouse_id)] += reservation.quantity
    pairs = list(taken)
    levels = StockLevel.objects.select_for_update().filter(product_id__in={p for p, _w in pairs},
                                                           warehouse_id__in={w for _p, w in pairs}).order_by("id")
    by_place = {(level.product_id, level.warehouse_id): level for level in levels}
    for place, units in taken.items():
        level = by_place.get(place)
        if level is None or level.quantity < units:  # set_stock never lets this happen; refuse, never go below 0
            raise ValidationError(_("The stock is lower than what is reserved; check the warehouse quantities."))
        level.quantity -= units
        level.save(update_fields=["quantity"])
    Reservation.objects.filter(pk__in=[r.pk for r in reservations]).update(status=Reservation.Status.CONSUMED)
    return sum(taken.values())


def expire_reservations(now: datetime | None = None) -> int:
    """Releases active reservations whose time ran out; how many."""
    now = now or timezone.now()
    return Reservation.objects.filter(status=Reservation.Status.ACTIVE, expires_at__lt=now).update(
        status=Reservation.Status.RELEASED)


# --- Favourites ----------------------------------------------------------------------------------------------

def toggle_favourite(customer, product: Product) -> bool:
    """Adds or removes the product from the customer's favourites; True when it is a favourite now."""
    deleted, _rows = Favourite.objects.filter(customer=customer, product=product).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            Favourite.objects.create(customer=customer, product=product)
    except IntegrityError:  # a double click added it meanwhile
        pass
    return True


def erase_personal_data(user) -> None:
    Favourite.objects.filter(customer=user).delete()


# --- CSV import ----------------------------------------------------------------------------------------------

IMPORT_COLUMNS = {"sku": "sku", "name": "name", "category": "category", "price": "price", "currency": "currency",
                  "quantity": "quantity", "warehouse": "warehouse", "kind": "kind"}
IMPORT_REQUIRED = ("sku", "name", "price", "currency")
EXPORT_HEADER = list(dict.fromkeys(IMPORT_COLUMNS.values()))


def _unquote_formula(value: str) -> str:
    """The export protects formula-like cells with a leading apostrophe; the import takes it off again."""
    return value[1:] if value.startswith("'") and value[1:2] in csv_io.FORMULA_STARTS else value


def _same_product(first: dict[str, str], row: dict[str, str], warehouse_name: str) -> bool:
    """A SKU may repeat to give stock in another warehouse (as the export writes it) when the product's
    own columns say the same as its first row."""
    same = all(first.get(key, "") == row.get(key, "") for key in ("name", "category", "price", "currency", "kind"))
    return same and bool(warehouse_name) and bool(first.get("warehouse"))


def _kind_from_csv(text: str) -> str | None:
    """A kind from the file: the code (goods, service, digital) or its name in English, Russian or
    Ukrainian, any case; empty is goods. None when it is none of them."""
    from django.utils import translation

    wanted = text.strip().casefold()
    if not wanted:
        return Product.Kind.GOODS
    for value, label in Product.Kind.choices:
        names = {value}
        for language in ("en", "ru", "uk"):
            with translation.override(language):
                names.add(str(label).casefold())
        if wanted in {name.casefold() for name in names}:
            return value
    return None


def _row_problems(row: dict[str, str], *, existing: dict[str, Product],
                  warehouses: dict[str, Warehouse], first_row_of: dict[str, int],
                  first_rows: dict[str, dict[str, str]], places_seen: dict[tuple[str, str], int]) -> tuple[list, dict]:
    """Every problem of one import row, and what to apply when there is none."""
    problems: list[Any] = []
    sku, name = row.get("sku", ""), row.get("name", "")
    quantity_text, warehouse_name = row.get("quantity", ""), row.get("warehouse", "")
    currency, category = row.get("currency", "").upper(), row.get("category", "")
    price = quantity = warehouse = None
    if not sku:
        problems.append(_("No SKU in this row."))
    elif len(sku) > 64:
        problems.append(_("Keep the SKU under 64 characters."))
    elif sku in first_row_of and not _same_product(first_rows[sku], row, warehouse_name):
        problems.append(_("The SKU is already in row %(row)s of this file.") % {"row": first_row_of[sku]})
    elif (sku, warehouse_name.lower()) in places_seen:
        problems.append(_("This SKU and warehouse are already in row %(row)s of this file.") % {
            "row": places_seen[(sku, warehouse_name.lower())]})
    if not name:
        problems.append(_("No name in this row."))
    elif len(name) > 200:
        problems.append(_("Keep the name under 200 characters."))
    try:
        price = parse_price(row.get("price", ""))
    except ValueError as problem:
        problems.append(problem)
    if currency not in CURRENCIES:
        problems.append(_("Unknown currency “%(currency)s”: use one of %(codes)s.") % {
            "currency": row.get("currency", ""), "codes": ", ".join(CURRENCIES)})
    if len(category) > 120:
        problems.append(_("Keep the category name under 120 characters."))
    kind = _kind_from_csv(row.get("kind", ""))
    product = existing.get(sku)
    if kind is None:
        problems.append(_("Unknown kind “%(kind)s”: use goods, service or digital.") % {"kind": row.get("kind", "")})
    elif kind != Product.Kind.GOODS:
        if quantity_text or warehouse_name:
            problems.append(_("Services and digital items have no stock: leave quantity and warehouse empty."))
        if product is not None and product.kind == Product.Kind.GOODS and Reservation.objects.filter(
                product=product, status=Reservation.Status.ACTIVE).exists():
            problems.append(_("Goods of this product are reserved for orders; it can become a service or a "
                              "digital item once those orders are shipped, collected or cancelled."))
    if (quantity_text or warehouse_name) and kind in (Product.Kind.GOODS, None):
        if not quantity_text.isdigit():
            problems.append(_("The quantity must be a whole number from 0 up."))
        elif len(quantity_text) > 10 or int(quantity_text) > 2_000_000_000:
            problems.append(_("Enter a number from 0 up."))
        else:
            quantity = int(quantity_text)
        if warehouse_name.lower() not in warehouses:
            problems.append(_("Name the warehouse for the quantity.") if not warehouse_name else
                            _("No warehouse is called “%(name)s”.") % {"name": warehouse_name})
        else:
            warehouse = warehouses[warehouse_name.lower()]
        if quantity is not None and warehouse is not None and product is not None:
            reserved = _reserved_at(product.pk, warehouse.pk)
            if quantity < reserved:
                problems.append(_("%(reserved)s units are reserved at %(warehouse)s; set at least %(reserved)s.") % {
                    "reserved": reserved, "warehouse": warehouse.name})
    planned = {"sku": sku, "name": name, "category": category, "price": price, "currency": currency,
               "kind": kind, "quantity": quantity, "warehouse": warehouse}
    return problems, planned


def import_products(file: Any, *, apply_valid_rows: bool = False) -> csv_io.CsvReport:
    """Creates or updates products by SKU from a CSV file (sku,name,category,price,currency,quantity,
    warehouse,kind; kind, quantity and warehouse optional) and sets stock. Every row is checked first, for
    every problem it has; a file with any bad row changes nothing unless `apply_valid_rows` is given.
    Unknown categories are created; warehouses must exist."""
    report = csv_io.CsvReport()
    rows = csv_io.read_rows(file, report, columns=IMPORT_COLUMNS, required=IMPORT_REQUIRED)
    if rows is None:
        return report
    report.rows = len(rows)
    existing = {p.sku or "": p for p in Product.objects.filter(sku__in=[r.get("sku", "") for _l, r in rows if r.get("sku")])}
    warehouses = {w.name.lower(): w for w in Warehouse.objects.all()}
    first_row_of: dict[str, int] = {}
    first_rows: dict[str, dict[str, str]] = {}
    places_seen: dict[tuple[str, str], int] = {}
    planned: list[dict[str, Any]] = []
    for line, row in rows:
        row = {key: _unquote_formula(value) for key, value in row.items()}
        sku, name, warehouse_name = row.get("sku", ""), row.get("name", ""), row.get("warehouse", "")
        problems, plan = _row_problems(row, existing=existing, warehouses=warehouses,
                                       first_row_of=first_row_of, first_rows=first_rows, places_seen=places_seen)
        if sku and sku not in first_row_of:
            first_row_of[sku], first_rows[sku] = line, row
        if sku and warehouse_name:
            places_seen.setdefault((sku, warehouse_name.lower()), line)
        if report.check_row(line, " · ".join(v for v in (sku, name) if v), problems):
            planned.append(plan)
    if report.row_errors and not apply_valid_rows:
        return report
    with transaction.atomic():
        categories = {c.name.lower(): c for c in Category.objects.all()}
        for item in planned:
            category = None
            if item["category"]:
                category = categories.get(item["category"].lower())
                if category is None:
                    category = categories[item["category"].lower()] = save_category(name=item["category"])
            product = existing.get(item["sku"])
            data = ProductData(name=item["name"], price=item["price"], currency=item["currency"], category=category,
                               sku=item["sku"], kind=item["kind"], description=product.description if product else "",
                               attributes=product.attributes if product else {},
                               is_active=product.is_active if product else True)
            saved = save_product(product, data)
            report.updated += product is not None
            report.created += product is None
            existing[item["sku"]] = saved
            if item["warehouse"] is not None:
                set_stock(saved, item["warehouse"], item["quantity"])
    report.applied = True
    return report


def export_products_csv() -> str:
    from .selectors import export_rows

    safe_rows = ([csv_io.safe_cell(cell) if index in (0, 1, 2, 6) else cell for index, cell in enumerate(row)]
                 for row in export_rows())
    return csv_io.write_csv(EXPORT_HEADER, safe_rows)


