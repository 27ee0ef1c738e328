"""Writes of the catalog, one file per subject: products with their categories and photos, warehouses with
stock and reservations, favourites, the CSV import and export. Everything other code calls is named here, so
callers write `services.reserve(...)` whatever file it lives in."""

from .favourites import (
    erase_personal_data,
    toggle_favourite,
)
from .products import (
    MAX_ATTRIBUTES,
    MAX_PRICE,
    ProductData,
    add_image,
    check_image,
    delete_category,
    delete_image,
    delete_product,
    parse_attributes,
    parse_price,
    save_category,
    save_product,
)
from .spreadsheets import (
    EXPORT_HEADER,
    IMPORT_COLUMNS,
    IMPORT_REQUIRED,
    export_products_csv,
    import_products,
)
from .stock import (
    REFERENCE_MAX,
    NotEnoughStock,
    consume,
    expire_reservations,
    hold_until_released,
    release,
    reservation_expiry,
    reserve,
    save_warehouse,
    set_stock,
)

__all__ = [
    "EXPORT_HEADER",
    "IMPORT_COLUMNS",
    "IMPORT_REQUIRED",
    "MAX_ATTRIBUTES",
    "MAX_PRICE",
    "NotEnoughStock",
    "ProductData",
    "REFERENCE_MAX",
    "add_image",
    "check_image",
    "consume",
    "delete_category",
    "delete_image",
    "delete_product",
    "erase_personal_data",
    "expire_reservations",
    "export_products_csv",
    "hold_until_released",
    "import_products",
    "parse_attributes",
    "parse_price",
    "release",
    "reservation_expiry",
    "reserve",
    "save_category",
    "save_product",
    "save_warehouse",
    "set_stock",
    "toggle_favourite",
]
