"""The catalog as a CSV file: the import (checked row by row, applied only when asked) and the export."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cabinet import csv_io
from cabinet.money import CURRENCIES

from ..models import Category, Product, Reservation, Warehouse
from .products import ProductData, parse_price, save_category, save_product
from .stock import _reserved_at, set_stock

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
    from ..selectors import export_rows

    safe_rows = ([csv_io.safe_cell(cell) if index in (0, 1, 2, 6) else cell for index, cell in enumerate(row)]
                 for row in export_rows())
    return csv_io.write_csv(EXPORT_HEADER, safe_rows)
