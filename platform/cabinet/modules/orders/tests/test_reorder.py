"""'Repeat this order': the order's lines go into the cart, re-checked for sale, stock, price and currency."""

from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from cabinet.modules.catalog import services as catalog_services
from cabinet.modules.catalog.models import Product
from cabinet.modules.orders import services
from cabinet.modules.orders.models import CartLine
from cabinet.portal.services import set_module_enabled

from .conftest import make_user, sign_in, user

pytestmark = pytest.mark.django_db
CUSTOMER = "customer@alpha.test"
CHECKOUT = {"recipient_name": "Ann", "phone": "+380501234567", "delivery_method": "delivery",
            "address": "Kyiv, Main street 1"}


def place(tenant, email, items):
    """An order of `email` in `tenant` for [(product, quantity)], placed like checkout does."""
    with tenant_context(tenant):
        customer = user(tenant, email)
        lines = services.lines_from_items([(product.pk, quantity) for product, quantity in items])
        return services.place_order(customer, lines, CHECKOUT)


def cart_of(tenant, email) -> dict[str, int]:
    with tenant_context(tenant):
        return dict(CartLine.objects.filter(cart__customer__email=email)
                    .values_list("product__name", "quantity"))


def repeat(client, order):
    """Clicks "Repeat this order"; returns the cart page it lands on and the messages shown there."""
    response = client.post(f"/orders/{order.pk}/repeat/", follow=True)
    assert response.redirect_chain == [("/orders/cart/", 302)]
    return response, [str(message) for message in response.context["messages"]]


class TestRepeat:
    def test_order_page_offers_the_button(self, alpha, alpha_client, shop):
        order = place(alpha, CUSTOMER, [(shop["tea"], 2)])
        sign_in(alpha_client, alpha, CUSTOMER)
        page = alpha_client.get(f"/orders/{order.pk}/").content.decode()
        assert "Repeat this order" in page and f"/orders/{order.pk}/repeat/" in page
        assert f"/orders/{order.pk}/repeat-automatically/" in page
        assert alpha_client.get(f"/orders/{order.pk}/repeat/").status_code == 405

    def test_unchanged_order_goes_into_the_cart_on_top_of_what_is_there(self, alpha, alpha_client, shop):
        order = place(alpha, CUSTOMER, [(shop["tea"], 2), (shop["mug"], 1)])
        with tenant_context(alpha):
            services.add_to_cart(user(alpha, CUSTOMER), shop["tea"].pk, 1)
        sign_in(alpha_client, alpha, CUSTOMER)
        response, shown = repeat(alpha_client, order)
        assert shown == ["All items are in your cart at the same prices."]
        assert "All items are in your cart at the same prices." in response.content.decode()
        assert cart_of(alpha, CUSTOMER) == {"Sencha": 3, "Mug": 1}
        assert response.context["priced"].total == Decimal("45.00")

    def test_a_new_price_is_reported_in_money_format(self, alpha, alpha_client, shop):
        order = place(alpha, CUSTOMER, [(shop["tea"], 2), (shop["mug"], 1)])
        with tenant_context(alpha):
            Product.objects.filter(pk=shop["tea"].pk).update(price=Decimal("12.00"))
        sign_in(alpha_client, alpha, CUSTOMER)
        response, shown = repeat(alpha_client, order)
        assert "Sencha: €10.00 → €12.00" in shown
        assert not any("Mug" in message for message in shown)
        assert cart_of(alpha, CUSTOMER) == {"Sencha": 2, "Mug": 1}
        assert "Sencha: €10.00 → €12.00" in response.content.decode()

    def test_a_product_no_longer_on_sale_is_left_out(self, alpha, alpha_client, shop):
        order = place(alpha, CUSTOMER, [(shop["tea"], 2), (shop["mug"], 1)])
        with tenant_context(alpha):
            Product.objects.filter(pk=shop["mug"].pk).update(is_active=False)
        sign_in(alpha_client, alpha, CUSTOMER)
        _response, shown = repeat(alpha_client, order)
        assert "Mug is no longer on sale; left out." in shown
        assert cart_of(alpha, CUSTOMER) == {"Sencha": 2}

    def test_stock_short_gives_what_is_available_or_leaves_the_line_out(self, alpha, alpha_client, shop):
        order = place(alpha, CUSTOMER, [(shop["tea"], 5), (shop["mug"], 2)])  # holds 5 of 10 and both mugs
        with tenant_context(alpha):
            catalog_services.set_stock(shop["tea"], shop["central"], 7)  # 7 − 5 held = 2 available
            services.add_to_cart(user(alpha, CUSTOMER), shop["tea"].pk, 1)  # the cart's unit counts too
        sign_in(alpha_client, alpha, CUSTOMER)
        _response, shown = repeat(alpha_client, order)
        assert "Sencha: only 1 of 5 available; 1 added." in shown
        assert "Mug: none available now; left out." in shown
        assert cart_of(alpha, CUSTOMER) == {"Sencha": 2}

    def test_another_currency_than_the_cart_is_left_out_with_the_reason(self, alpha, shop):
        order = place(alpha, CUSTOMER, [(shop["tea"], 1)])
        with tenant_context(alpha):
            customer = user(alpha, CUSTOMER)
            services.add_to_cart(customer, shop["dollar"].pk, 1)
            changes = services.repeat_order(customer, order)
        assert [change.kind for change in changes] == [services.Change.Kind.LEFT_OUT]
        assert "one order per currency" in changes[0].message and changes[0].message.startswith("Sencha")
        assert cart_of(alpha, CUSTOMER) == {"Import": 1}

    def test_nothing_available_says_so(self, alpha, alpha_client, shop):
        order = place(alpha, CUSTOMER, [(shop["mug"], 1)])
        with tenant_context(alpha):
            Product.objects.filter(pk=shop["mug"].pk).update(is_active=False)
        sign_in(alpha_client, alpha, CUSTOMER)
        _response, shown = repeat(alpha_client, order)
        assert shown[0] == f"Nothing from order #{order.number} could go into your cart:"
        assert cart_of(alpha, CUSTOMER) == {}


class TestRepeatIsolation:
    def test_another_customers_order_is_404_and_changes_nothing(self, alpha, alpha_client, shop):
        order = place(alpha, CUSTOMER, [(shop["tea"], 1)])
        make_user(alpha, "other@alpha.test")
        sign_in(alpha_client, alpha, "other@alpha.test")
        assert alpha_client.post(f"/orders/{order.pk}/repeat/").status_code == 404
        assert alpha_client.get(f"/orders/{order.pk}/repeat-automatically/").status_code == 404
        assert cart_of(alpha, "other@alpha.test") == {}

    def test_another_tenants_order_is_404(self, alpha, beta, beta_client, shop):
        order = place(alpha, CUSTOMER, [(shop["tea"], 1)])
        sign_in(beta_client, beta, "customer@bravo.test")
        assert beta_client.post(f"/orders/{order.pk}/repeat/").status_code == 404
        assert cart_of(beta, "customer@bravo.test") == {}

    def test_module_off_is_404_and_anonymous_must_sign_in(self, alpha, alpha_client, shop):
        order = place(alpha, CUSTOMER, [(shop["tea"], 1)])
        assert alpha_client.post(f"/orders/{order.pk}/repeat/").status_code == 302
        sign_in(alpha_client, alpha, CUSTOMER)
        with tenant_context(alpha):
            set_module_enabled("orders", False)
        assert alpha_client.post(f"/orders/{order.pk}/repeat/").status_code == 404
        assert cart_of(alpha, CUSTOMER) == {}
