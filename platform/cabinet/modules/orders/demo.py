"""Demo content of the orders module: a quantity discount and one confirmed order (with its invoice) for the
first demo customer, so a demo portal shows a discount in the cart and an order with a timeline."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from cabinet.modules.catalog import selectors as catalog_selectors

from . import services
from .models import DiscountRule, Order


@transaction.atomic
def seed_demo_content(vertical) -> None:
    User = get_user_model()
    if DiscountRule.objects.exists() or Order.objects.exists():
        return
    products = catalog_selectors.first_products_on_sale(2)
    rule = DiscountRule.objects.create(title="5 or more of one item", kind=DiscountRule.Kind.QUANTITY_BREAK,
                                       value=Decimal("10"), min_quantity=5, scope=DiscountRule.Scope.PRODUCTS)
    rule.products.set(products)
    customer = (User.objects.filter(email__iexact=vertical.demo_customers[0][1]).first()
                if vertical.demo_customers else None)
    owner = User.objects.filter(role="owner").order_by("pk").first()
    if not products or customer is None:
        return
    lines = services.lines_from_items([(product.pk, quantity) for product, quantity in zip(products, (6, 2), strict=False)])
    order = services.place_order(customer, lines, {
        "recipient_name": customer.full_name, "phone": "+380441234567", "delivery_method": "delivery",
        "address": "Main Street 5, office 3", "comment": "Please call before delivery."})
    services.change_status(order, Order.Status.CONFIRMED, owner)
