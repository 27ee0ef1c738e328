"""Reads of the catalog. Available = stock in warehouses in use − active reservations there, never below 0."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest

from .models import Category, Favourite, Product, Reservation, StockLevel, Warehouse


def _sum_subquery(queryset: QuerySet, group_by: str, field: str = "quantity") -> Coalesce:
    summed = queryset.order_by().values(group_by).annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(summed, output_field=IntegerField()), Value(0))


def active_reservations() -> QuerySet[Reservation]:
    return Reservation.objects.filter(status=Reservation.Status.ACTIVE)


def with_availability(products: QuerySet[Product]) -> QuerySet[Any]:  # Any: products with annotations
    """Adds `stock`, `reserved` and `available` (totals over warehouses in use) to each product, in the
    same query as the products themselves."""
    stock = _sum_subquery(StockLevel.objects.filter(product=OuterRef("pk"), warehouse__is_active=True), "product")
    reserved = _sum_subquery(active_reservations().filter(product=OuterRef("pk"), warehouse__is_active=True),
                             "product")
    return products.annotate(stock=stock, reserved=reserved).annotate(
        available=Greatest(F("stock") - F("reserved"), Value(0)))


def stock_levels_with_availability(levels: QuerySet[StockLevel] | None = None) -> QuerySet[Any]:  # annotated
    """Stock levels with `reserved` and `available` per warehouse, in one query."""
    levels = StockLevel.objects.all() if levels is None else levels
    reserved = _sum_subquery(active_reservations().filter(product=OuterRef("product_id"),
                                                          warehouse=OuterRef("warehouse_id")), "product")
    return (levels.select_related("warehouse").annotate(reserved=reserved)
            .annotate(available=Greatest(F("quantity") - F("reserved"), Value(0)))
            .order_by("warehouse__name", "warehouse_id"))


def available(product: Product | int) -> int:
    """What can be reserved of a product right now, over all warehouses in use."""
    pk = product if isinstance(product, int) else product.pk
    found = with_availability(Product.objects.filter(pk=pk)).values_list("available", flat=True).first()
    return int(found or 0)


def available_units(product_ids: list[int], *, warehouse_id: int | None = None) -> dict[int, int]:
    """What can be reserved now of each product (stock minus active holds), over every warehouse in use or
    at one (a pickup point), in one query. Not a reservation; products without stock there are left out."""
    levels = StockLevel.objects.filter(product_id__in=product_ids, warehouse__is_active=True)
    if warehouse_id is not None:
        levels = levels.filter(warehouse_id=warehouse_id)
    found: dict[int, int] = {}
    for product_id, free in stock_levels_with_availability(levels).values_list("product_id", "available"):
        found[product_id] = found.get(product_id, 0) + int(free or 0)
    return found


@dataclass(frozen=True)
class PlaceAvailability:
    warehouse: Warehouse
    stock: int
    reserved: int
    available: int


def availability_by_warehouse(product: Product | int) -> list[PlaceAvailability]:
    """Per warehouse in use that holds the product: stock, reserved, available (one query)."""
    pk = product if isinstance(product, int) else product.pk
    levels = stock_levels_with_availability(StockLevel.objects.filter(product_id=pk, warehouse__is_active=True))
    return [PlaceAvailability(level.warehouse, level.quantity, level.reserved, level.available) for level in levels]


def _prefetch_places() -> Prefetch:
    return Prefetch("stock_levels", to_attr="places",
                    queryset=stock_levels_with_availability(StockLevel.objects.filter(warehouse__is_active=True)))


# --- Customer-facing lists ------------------------------------------------------------------------------

@dataclass
class ProductFilters:
    q: str = ""
    category: Category | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    in_stock: bool = False


def category_with_descendants(category: Category) -> list[int]:
    """Ids of the category and every category below it (categories are few; one query)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Category.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, queue = [], [category.pk]
    while queue:
        current = queue.pop()
        if current in found:
            continue
        found.append(current)
        queue.extend(children.get(current, []))
    return found


def search_products(filters: ProductFilters, *, active_only: bool = True) -> QuerySet[Product]:
    products = Product.objects.select_related("category")
    if active_only:
        products = products.filter(is_active=True)
    q = filters.q.strip()
    if q:
        products = products.filter(Q(name__icontains=q) | Q(sku__icontains=q) | Q(description__icontains=q))
    if filters.category is not None:
        products = products.filter(category_id__in=category_with_descendants(filters.category))
    if filters.price_min is not None:
        products = products.filter(price__gte=filters.price_min)
    if filters.price_max is not None:
        products = products.filter(price__lte=filters.price_max)
    products = with_availability(products)
    if filters.in_stock:  # services and digital items are never out of stock
        products = products.filter(Q(available__gt=0) | ~Q(kind=Product.Kind.GOODS))
    return products.order_by("name", "id")


def with_first_image(products: QuerySet[Product]) -> QuerySet[Product]:
    from .models import ProductImage

    first = ProductImage.objects.filter(product=OuterRef("pk")).order_by("position", "id")
    return products.annotate(first_image_id=Subquery(first.values("pk")[:1]),
                             first_image_alt=Subquery(first.values("alt_text")[:1]))


def with_favourite_flag(products: QuerySet[Product], user) -> QuerySet[Product]:
    if not getattr(user, "is_authenticated", False):
        return products.annotate(is_favourite=Value(False))
    return products.annotate(is_favourite=Exists(Favourite.objects.filter(customer=user, product=OuterRef("pk"))))


def visible_categories() -> QuerySet[Category]:
    return Category.objects.all()


def category_by_slug(slug: str) -> Category | None:
    return Category.objects.filter(slug=slug).first() if slug else None


def product_page(slug: str, user) -> Product | None:
    """An active product for its page, with availability and the favourite flag, or None."""
    products = with_favourite_flag(with_availability(Product.objects.filter(slug=slug, is_active=True)), user)
    return products.select_related("category").prefetch_related("images").first()


def product_image(pk: int, *, include_inactive: bool = False):
    from .models import ProductImage

    images = ProductImage.objects.select_related("product")
    if not include_inactive:
        images = images.filter(product__is_active=True)
    return images.filter(pk=pk).first()


def favourite_products(user) -> QuerySet[Product]:
    products = Product.objects.filter(favourites__customer=user, is_active=True).select_related("category")
    products = with_first_image(with_availability(products)).annotate(is_favourite=Value(True))
    return products.order_by("-favourites__created_at", "-id")


def catalog_counts(user) -> tuple[int, int]:
    """(products on sale, the user's favourites among them) in one query."""
    products = Product.objects.filter(is_active=True)
    if not getattr(user, "is_authenticated", False):
        return products.count(), 0
    counts = products.aggregate(products=Count("pk", distinct=True),
                                favourites=Count("favourites", filter=Q(favourites__customer=user), distinct=True))
    return counts["products"], counts["favourites"]


def staff_product_figures() -> dict[str, int]:
    """Products on sale and in the catalog altogether, for the owner's overview: one query."""
    return Product.objects.aggregate(on_sale=Count("pk", filter=Q(is_active=True)), total=Count("pk"))


def has_products() -> bool:
    return Product.objects.exists()


def favourite_count(user) -> int:
    return Favourite.objects.filter(customer=user, product__is_active=True).count()


# --- API -------------------------------------------------------------------------------------------------

def api_products(*, q: str = "", category: str = "", in_stock: bool = False) -> QuerySet[Product]:
    """Products of the API with totals and places (one query plus one for the places)."""
    filters = ProductFilters(q=q, in_stock=in_stock)
    if category:
        found = (Category.objects.filter(pk=int(category)).first() if category.isdigit() and len(category) < 10
                 else category_by_slug(category))
        if found is None:
            return Product.objects.none()
        filters.category = found
    return search_products(filters).prefetch_related(_prefetch_places(), "images")


# --- Manage area ---------------------------------------------------------------------------------------

def staff_products(q: str = "") -> QuerySet[Product]:
    return search_products(ProductFilters(q=q), active_only=False)


def staff_product(pk: int) -> Product | None:
    return Product.objects.select_related("category").prefetch_related("images").filter(pk=pk).first()


def stock_table(product: Product) -> list[dict[str, Any]]:
    """Every warehouse in use with this product's quantity, reserved and available there (two queries)."""
    levels = {level.warehouse_id: level for level in stock_levels_with_availability(
        StockLevel.objects.filter(product=product))}
    rows = []
    for warehouse in Warehouse.objects.filter(is_active=True):
        level = levels.get(warehouse.pk)
        rows.append({"warehouse": warehouse, "quantity": level.quantity if level else 0,
                     "reserved": level.reserved if level else 0, "available": level.available if level else 0})
    return rows


def active_reservation_list() -> QuerySet[Reservation]:
    return active_reservations().select_related("product", "warehouse").order_by("expires_at", "created_at", "id")


def export_rows() -> list[list[str]]:
    """Rows of the CSV export, the same columns the import reads: one row per product and warehouse
    (a product without stock, and every service or digital item, gets one row without quantity)."""
    rows = []
    products = Product.objects.select_related("category").prefetch_related(
        Prefetch("stock_levels", queryset=StockLevel.objects.select_related("warehouse").order_by("warehouse__name")))
    for product in products.order_by("name", "id"):
        base = [product.sku or "", product.name, product.category.name if product.category else "",
                f"{product.price:.2f}", product.currency]
        levels = list(product.stock_levels.all()) if product.has_stock else []
        if not levels:
            rows.append([*base, "", "", product.kind])
        rows.extend([*base, str(level.quantity), level.warehouse.name, product.kind] for level in levels)
    return rows


def personal_data(user) -> dict[str, Any]:
    """For "Export my data": the customer's favourites."""
    favourites = Favourite.objects.filter(customer=user).select_related("product").order_by("created_at", "id")
    return {"catalog_favourites": [{"product": f.product.name, "sku": f.product.sku or "",
                                    "added_at": f.created_at.isoformat()} for f in favourites]}


# --- What other modules read of the catalog (orders: carts, checkout, discount rules) -----------------------
# They go through these and never import catalog.models (DESIGN.md: modules meet in services and selectors).

ProductKind = Product.Kind
ReservationStatus = Reservation.Status


def products_by_name() -> QuerySet[Product]:
    return Product.objects.order_by("name")


def categories_by_name() -> QuerySet[Category]:
    return Category.objects.order_by("name")


def product_on_sale(pk: int) -> Product | None:
    return Product.objects.filter(pk=pk, is_active=True).first()


def products_on_sale(ids: Iterable[int]) -> dict[int, Product]:
    return Product.objects.filter(pk__in=list(ids), is_active=True).in_bulk()


def first_products_on_sale(count: int) -> list[Product]:
    return list(Product.objects.filter(is_active=True).order_by("pk")[:count])


def pickup_points() -> QuerySet[Warehouse]:
    return Warehouse.objects.filter(is_active=True, is_pickup_point=True).order_by("name")


def pickup_point(pk: int) -> Warehouse | None:
    return pickup_points().filter(pk=pk).first()


def has_active_reservation(reference: str) -> bool:
    return Reservation.objects.filter(reference=reference, status=Reservation.Status.ACTIVE).exists()


def reservations_of(reference: str) -> list[Reservation]:
    return list(Reservation.objects.filter(reference=reference))


def active_reservations_of(reference: str) -> QuerySet[Reservation]:
    return Reservation.objects.filter(reference=reference, status=Reservation.Status.ACTIVE)


def available_by_id(product_ids: Iterable[int]) -> dict[int, int]:
    """Units on sale now of each product (products that do not exist are left out)."""
    found = with_availability(Product.objects.filter(pk__in=list(product_ids))).values_list("pk", "available")
    return dict(found)


def unexpired_reservations(now: datetime) -> QuerySet[Reservation]:
    """Active reservations that have not run out at `now` (filter by reference, or use as a subquery)."""
    return Reservation.objects.filter(status=Reservation.Status.ACTIVE).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gte=now))


def reservations_with_places(reference: str) -> list[Reservation]:
    """A reference's reservations of any status, oldest first, with product and warehouse."""
    return list(Reservation.objects.filter(reference=reference).select_related("product", "warehouse").order_by("id"))
