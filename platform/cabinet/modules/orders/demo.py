"""Demo content of the orders module: a quantity discount and confirmed orders (with their invoices) for the
first demo customer, so a demo portal shows a discount in the cart, an order with a timeline, and invoices in
every state: unpaid, paid, partly paid and overdue, printed with the business's legal details."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from cabinet.modules.catalog import selectors as catalog_selectors
from cabinet.portal.legal import save_legal_details
from cabinet.portal.selectors import legal_details

from . import services
from .models import DiscountRule, Invoice, Order

# Legal details the demo invoices print (the tax number, account and bank code pass the checks of portal.legal).
DEMO_LEGAL = {"legal_name": "{name} LLC", "tax_number": "UA41234567", "address": "Kyiv, Khreshchatyk 22, office 5",
              "bank_name": "Demo Bank JSC", "bank_account": "UA213223130000026007233566001", "bank_code": "300335"}
CHECKOUT = {"phone": "+380441234567", "delivery_method": "delivery", "address": "Main Street 5, office 3"}


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
    if not any(legal_details().values()):
        save_legal_details({**DEMO_LEGAL, "legal_name": DEMO_LEGAL["legal_name"].format(name=vertical.demo_name)})
    lines = services.lines_from_items([(product.pk, quantity) for product, quantity in zip(products, (6, 2), strict=False)])
    order = services.place_order(customer, lines, {**CHECKOUT, "recipient_name": customer.full_name,
                                                   "comment": "Please call before delivery."})
    services.change_status(order, Order.Status.CONFIRMED, owner)
    _invoices_in_every_state(customer, owner, products[0])


def _invoices_in_every_state(customer, owner, product) -> None:
    """Three more confirmed orders of one unit: one paid by bank transfer, one partly paid, one overdue (its due
    date set in the past, as if issued weeks ago); the first demo order stays unpaid."""
    invoices = []
    for _number in range(3):
        order = services.place_order(customer, services.lines_from_items([(product.pk, 1)]),
                                     {**CHECKOUT, "recipient_name": customer.full_name})
        services.change_status(order, Order.Status.CONFIRMED, owner)
        invoices.append(Invoice.objects.get(order=order))
    paid, partly, overdue = invoices
    today = services.local_today()
    services.record_bank_transfer(invoice=paid, amount=paid.total, reference="PP-1001", paid_on=today, by=owner)
    half = (partly.total / 2).quantize(Decimal("0.01"))
    services.record_bank_transfer(invoice=partly, amount=half, reference="PP-1002", paid_on=today, by=owner)
    Invoice.objects.filter(pk=overdue.pk).update(due_on=today - datetime.timedelta(days=10))
