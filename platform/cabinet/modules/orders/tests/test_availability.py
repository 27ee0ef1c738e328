"""The cart checks what is available (stock minus holds) when a line is added or raised, and says what is;
at checkout a line that became short is lowered to what is available or taken out right there, and the
checkout goes on with the details already typed."""

from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from cabinet.modules.catalog import services as catalog_services
from cabinet.modules.orders import services
from cabinet.modules.orders.models import CartLine, Order

from .conftest import make_user, sign_in, user

pytestmark = pytest.mark.django_db
CUSTOMER = "customer@alpha.test"
CHECKOUT = {"recipient_name": "Ann", "phone": "+380501234567", "delivery_method": "delivery",
            "address": "Kyiv, Main street 1", "comment": "Ring twice"}


def cart(tenant, email=CUSTOMER) -> dict[int, int]:
    with tenant_context(tenant):
        return dict(CartLine.objects.filter(cart__customer__email=email).values_list("product_id", "quantity"))


class TestAddAndChange:
    def test_adding_more_than_is_available_is_refused_and_says_how_many_are(self, alpha, alpha_client, shop):
        sign_in(alpha_client, alpha, CUSTOMER)
        response = alpha_client.post("/orders/cart/add/", {"product": shop["tea"].pk, "quantity": 11,
                                                           "next": "/catalog/p/sencha/"}, follow=True)
        assert "Only 10 of “Sencha” are available." in unescape(response.content.decode())
        assert cart(alpha) == {}
        alpha_client.post("/orders/cart/add/", {"product": shop["tea"].pk, "quantity": 8})
        refused = alpha_client.post("/orders/cart/add/", {"product": shop["tea"].pk, "quantity": 3},
                                    HTTP_HX_REQUEST="true")
        assert refused.status_code == 400
        assert "Only 10 of “Sencha” are available, and your cart already holds 8." in unescape(
            refused.content.decode())
        assert cart(alpha) == {shop["tea"].pk: 8}
        alpha_client.post("/orders/cart/add/", {"product": shop["tea"].pk, "quantity": 2})
        assert cart(alpha) == {shop["tea"].pk: 10}

    def test_holds_of_other_orders_count(self, alpha, shop):
        with tenant_context(alpha):
            catalog_services.reserve([(shop["mug"].pk, 1)], "order:elsewhere")
            customer = user(alpha, CUSTOMER)
            with pytest.raises(ValidationError, match="Only 1 of “Mug” is available."):
                services.add_to_cart(customer, shop["mug"].pk, 2)
            catalog_services.reserve([(shop["mug"].pk, 1)], "order:elsewhere-too")
            with pytest.raises(ValidationError, match="“Mug” is out of stock right now."):
                services.add_to_cart(customer, shop["mug"].pk, 1)
            assert not CartLine.objects.exists()

    def test_raising_a_line_past_what_is_available_keeps_its_units(self, alpha, alpha_client, shop):
        sign_in(alpha_client, alpha, CUSTOMER)
        alpha_client.post("/orders/cart/add/", {"product": shop["tea"].pk, "quantity": 4})
        response = alpha_client.post("/orders/cart/change/", {"product": shop["tea"].pk, "quantity": 12},
                                     HTTP_HX_REQUEST="true")
        assert "Only 10 of “Sencha” are available." in unescape(response.content.decode())
        assert cart(alpha) == {shop["tea"].pk: 4}
        alpha_client.post("/orders/cart/change/", {"product": shop["tea"].pk, "quantity": 10})
        assert cart(alpha) == {shop["tea"].pk: 10}

    def test_lowering_a_line_that_became_short_is_always_allowed(self, alpha, alpha_client, shop):
        sign_in(alpha_client, alpha, CUSTOMER)
        alpha_client.post("/orders/cart/add/", {"product": shop["tea"].pk, "quantity": 9})
        with tenant_context(alpha):
            catalog_services.reserve([(shop["tea"].pk, 5)], "order:elsewhere")
        page = unescape(alpha_client.get("/orders/cart/").content.decode())
        assert "Only 5 are available now." in page
        alpha_client.post("/orders/cart/change/", {"product": shop["tea"].pk, "quantity": 7})
        assert cart(alpha) == {shop["tea"].pk: 7}  # lower, though still more than is free


class TestCheckoutFix:
    def short_cart(self, alpha, alpha_client, shop):
        sign_in(alpha_client, alpha, CUSTOMER)
        alpha_client.post("/orders/cart/add/", {"product": shop["tea"].pk, "quantity": 6})
        alpha_client.post("/orders/cart/add/", {"product": shop["mug"].pk, "quantity": 1})
        with tenant_context(alpha):
            catalog_services.reserve([(shop["tea"].pk, 7)], "order:someone-else")

    def test_the_checkout_marks_the_short_line_and_lowers_it_keeping_the_details(self, alpha, alpha_client, shop):
        self.short_cart(alpha, alpha_client, shop)
        page = alpha_client.get("/orders/checkout/")
        text = unescape(page.content.decode())
        assert page.context["short"] == {shop["tea"].pk: 3}
        assert "Only 3 are available now." in text and 'name="fit"' in text and "Lower to 3" in text
        refused = alpha_client.post("/orders/checkout/", CHECKOUT)
        assert refused.status_code == 400 and "“Sencha”: you asked for 6, 3 available." in unescape(
            refused.content.decode())
        fixed = alpha_client.post("/orders/checkout/", {**CHECKOUT, "fit": shop["tea"].pk})
        assert fixed.status_code == 200 and cart(alpha) == {shop["tea"].pk: 3, shop["mug"].pk: 1}
        form = fixed.context["form"]
        assert (form["recipient_name"].value(), form["address"].value(), form["comment"].value()) == (
            "Ann", "Kyiv, Main street 1", "Ring twice")
        assert fixed.context["short"] == {} and "The line is lowered to 3 units." in unescape(fixed.content.decode())
        with tenant_context(alpha):
            assert not Order.objects.exists()  # a fix places nothing
        placed = alpha_client.post("/orders/checkout/", CHECKOUT)
        assert placed.status_code == 302
        with tenant_context(alpha):
            order = Order.objects.get()
            assert sorted(order.lines.values_list("quantity", flat=True)) == [1, 3]

    def test_a_line_can_be_taken_out_and_the_last_one_leads_back_to_the_cart(self, alpha, alpha_client, shop):
        self.short_cart(alpha, alpha_client, shop)
        response = alpha_client.post("/orders/checkout/", {**CHECKOUT, "drop": shop["tea"].pk})
        assert response.status_code == 200 and cart(alpha) == {shop["mug"].pk: 1}
        response = alpha_client.post("/orders/checkout/", {**CHECKOUT, "drop": shop["mug"].pk})
        assert response.status_code == 302 and response["Location"] == "/orders/cart/" and cart(alpha) == {}

    def test_at_a_pickup_point_the_fix_uses_what_that_point_has(self, alpha, alpha_client, shop):
        sign_in(alpha_client, alpha, CUSTOMER)
        alpha_client.post("/orders/cart/add/", {"product": shop["mug"].pk, "quantity": 2})  # 1 central + 1 pickup
        pickup = {**CHECKOUT, "delivery_method": "pickup", "pickup_warehouse": shop["pickup"].pk}
        refused = alpha_client.post("/orders/checkout/", pickup)
        assert refused.status_code == 400 and refused.context["short"] == {shop["mug"].pk: 1}
        alpha_client.post("/orders/checkout/", {**pickup, "fit": shop["mug"].pk})
        assert cart(alpha) == {shop["mug"].pk: 1}
        assert alpha_client.post("/orders/checkout/", pickup).status_code == 302

    def test_nothing_available_takes_the_line_out(self, alpha, shop):
        with tenant_context(alpha):
            customer = user(alpha, CUSTOMER)
            services.add_to_cart(customer, shop["mug"].pk, 2)
            catalog_services.reserve([(shop["mug"].pk, 2)], "order:someone-else")
            assert services.fit_to_available(customer, shop["mug"].pk) == 0
            assert not CartLine.objects.exists()

    @pytest.mark.parametrize("value", ["", "abc", "999999", "-1"])
    def test_a_bad_fix_changes_nothing(self, alpha, alpha_client, shop, value):
        self.short_cart(alpha, alpha_client, shop)
        for action in ("fit", "drop"):
            response = alpha_client.post("/orders/checkout/", {**CHECKOUT, action: value})
            assert response.status_code == 200
            assert "This product is not in your cart." in unescape(response.content.decode())
        assert cart(alpha) == {shop["tea"].pk: 6, shop["mug"].pk: 1}

    def test_a_customer_fixes_only_their_own_cart(self, alpha, alpha_client, shop):
        other = make_user(alpha, "other@alpha.test")
        with tenant_context(alpha):
            services.add_to_cart(other, shop["tea"].pk, 5)
        self.short_cart(alpha, alpha_client, shop)
        alpha_client.post("/orders/checkout/", {**CHECKOUT, "fit": shop["tea"].pk})
        assert cart(alpha, "other@alpha.test") == {shop["tea"].pk: 5}
        assert cart(alpha) == {shop["tea"].pk: 3, shop["mug"].pk: 1}
