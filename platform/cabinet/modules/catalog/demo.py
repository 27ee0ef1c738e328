"""Demo content of the catalog: the vertical's demo products, goods in a central warehouse and a pickup point,
services and digital items without stock."""

from django.db import transaction

from . import services
from .models import Category, Product


@transaction.atomic
def seed_demo_content(vertical) -> None:
    if Product.objects.exists() or not vertical.demo_products:
        return
    central = services.save_warehouse(name="Central warehouse", address="Industrial St 12")
    pickup = services.save_warehouse(name="Pickup point: city centre", address="Main Square 1", is_pickup_point=True)
    categories: dict[str, Category] = {}
    for position, (category_name, name, sku, price, currency, units, kind) in enumerate(vertical.demo_products):
        if category_name not in categories:
            categories[category_name] = services.save_category(name=category_name, position=len(categories))
        product = services.save_product(None, services.ProductData(
            name=name, price=price, currency=currency, category=categories[category_name], sku=sku, kind=kind,
            description=f"{name}. Demo product number {position + 1}."))
        if product.has_stock:  # services and digital items keep no stock
            # Most of the stock sits in the warehouse; a quarter waits at the pickup point.
            services.set_stock(product, central, units - units // 4)
            services.set_stock(product, pickup, units // 4)
