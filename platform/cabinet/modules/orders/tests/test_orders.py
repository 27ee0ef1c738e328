from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone
from django_tenants.utils import tenant_context

from cabinet.modules.catalog.models import Reservation
from cabinet.modules.catalog.selectors import available
from cabinet.modules.orders import pricing, selectors, services
from cabinet.modules.orders.cards import dashboard_card
from cabinet.modules.orders.models import CartLine, DiscountRule, Order, OrderStatusChange
from cabinet.portal.services import set_module_enabled

from .conftest import make_user, sign_in, user

pytestmark = pytest.mark.django_db
CUSTOMER = "customer@alpha.test"
CHECKOUT = {"recipient_name": "Ann", "phone": "+380501234567", "delivery_method": "delivery",
            "address": "Kyiv, Main street 1", "comment": "Ring twice"}


def quantity_break(**extra):
    rule = DiscountRule.objects.create(title="Five or more", kind="quantity_break", value=Decimal("10"),
                                       scope="products", min_quantity=5, **extra)
    return rule


class TestCart:
    @pytest.mark.parametrize("quantity", ["0", "1000", "-1", "two", "", None])
    def test_bad_quantities_change_nothing(self, alpha, shop, quantity):
        with tenant_context(alpha):
            customer = user(alpha, CUSTOMER)
            with pytest.raises(ValidationError) as caught:
                services.add_to_cart(customer, shop["tea"].pk, quantity)
            assert "quantity" in caught.value.message_dict
            assert CartLine.objects.count() == 0

    def test_unknown_inactive_and_other_currency_products_are_refused(self, alpha, shop):
        with tenant_context(alpha):
            customer = user(alpha, CUSTOMER)
            shop["mug"].is_active = False
            shop["mug"].save()
            for product in (999999, "x", shop["mug"].pk):
                with pytest.raises(ValidationError, match="not on sale"):
                    services.add_to_cart(customer, product, 1)
            services.add_to_cart(customer, shop["tea"].pk, 2)
            with pytest.raises(ValidationError, match="one order per currency"):
                services.add_to_cart(customer, shop["dollar"].pk, 1)
            services.add_to_cart(customer, shop["tea"].pk, 3)
            assert list(CartLine.objects.values_list("quantity", flat=True)) == [5]
            with pytest.raises(ValidationError, match="at most 999"):
                services.add_to_cart(customer, shop["tea"].pk, 995)
            with pytest.raises(ValidationError, match="not in your cart"):
                services.remove_from_cart(customer, shop["mug"].pk)

    def test_cart_page_shows_the_engine_price_and_explanation_htmx(self, alpha, alpha_client, shop):
        with tenant_context(alpha):
            rule = quantity_break()
            rule.products.add(shop["tea"])
        sign_in(alpha_client, alpha, CUSTOMER)
        alpha_client.post("/orders/cart/add/", {"product": shop["tea"].pk, "quantity": 4})
        response = alpha_client.post("/orders/cart/change/", {"product": shop["tea"].pk, "quantity": 5},
                                     HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        with tenant_context(alpha):
            expected = pricing.price_cart(
                [pricing.CartLine(shop["tea"].pk, None, 5, Decimal("10.00"))], "EUR",
                pricing.PricingContext(now=timezone.now(), is_first_order=True), [rule.to_rule()])
        assert response.context["priced"].total == expected.total == Decimal("45.00")
        text = response.content.decode()
        assert "5 or more of this item" in text and 'id="cart"' in text and "<html" not in text
        bad = alpha_client.post("/orders/cart/change/", {"product": shop["tea"].pk, "quantity": "0"},
                                HTTP_HX_REQUEST="true")
        assert "Choose from 1 to 999 units." in bad.content.decode()
        alpha_client.post("/orders/cart/remove/", {"product": shop["tea"].pk})
        assert alpha_client.get("/orders/cart/").context["rows"] == []


class TestCheckout:
    def test_happy_path_reserves_creates_and_empties_the_cart(self, alpha, alpha_client, shop):
        sign_in(alpha_client, alpha, CUSTOMER)
        alpha_client.post("/orders/cart/add/", {"product": shop["tea"].pk, "quantity": 3})
        form = alpha_client.get("/orders/checkout/").context["form"]
        assert form.initial["recipient_name"] == "alpha customer"
        response = alpha_client.post("/orders/checkout/", CHECKOUT)
        with tenant_context(alpha):
            order = Order.objects.get()
            assert response.status_code == 302 and response["Location"] == f"/orders/{order.pk}/"
            assert (order.status, order.total, order.currency) == ("new", Decimal("30.00"), "EUR")
            assert order.lines.get().quantity == 3
            assert list(order.status_changes.values_list("status", flat=True)) == ["new"]
            assert available(shop["tea"]) == 7
            assert CartLine.objects.count() == 0
        page = alpha_client.get(f"/orders/{order.pk}/")
        assert "Cancel the order" in page.content.decode()
        assert order in alpha_client.get("/orders/").context["orders"]

    def test_a_line_that_became_unavailable_saves_nothing(self, alpha, alpha_client, shop):
        sign_in(alpha_client, alpha, CUSTOMER)
        alpha_client.post("/orders/cart/add/", {"product": shop["tea"].pk, "quantity": 1})
        alpha_client.post("/orders/cart/add/", {"product": shop["mug"].pk, "quantity": 2})
        with tenant_context(alpha):
            from cabinet.modules.catalog import services as catalog_services
            catalog_services.reserve([(shop["mug"].pk, 1)], "someone-else")
        response = alpha_client.post("/orders/checkout/", CHECKOUT)
        assert response.status_code == 400
        assert "“Mug”: you asked for 2, 1 available." in response.content.decode()
        with tenant_context(alpha):
            assert Order.objects.count() == 0 and OrderStatusChange.objects.count() == 0
            assert Reservation.objects.exclude(reference="someone-else").count() == 0
            assert CartLine.objects.count() == 2

    @pytest.mark.parametrize("change", [{"recipient_name": ""}, {"phone": ""}, {"address": ""},
                                        {"delivery_method": "pickup"}, {"delivery_method": "teleport"}])
    def test_bad_checkout_data_is_refused(self, alpha, shop, change):
        with tenant_context(alpha):
            customer = user(alpha, CUSTOMER)
            services.add_to_cart(customer, shop["tea"].pk, 1)
            with pytest.raises(ValidationError):
                services.checkout(customer, {**CHECKOUT, **change})
            assert Order.objects.count() == 0 and Reservation.objects.count() == 0

    def test_pickup_reserves_at_the_pickup_point_and_first_order_counts(self, alpha, shop):
        with tenant_context(alpha):
            customer = user(alpha, CUSTOMER)
            DiscountRule.objects.create(title="Welcome", kind="first_order", value=Decimal("5"))
            services.add_to_cart(customer, shop["mug"].pk, 1)
            order = services.checkout(customer, {**CHECKOUT, "delivery_method": "pickup",
                                                 "pickup_warehouse": shop["pickup"].pk})
            assert Reservation.objects.get().warehouse == shop["pickup"]
            assert order.total == Decimal("14.25") and "first order" in " ".join(order.explanations)
            assert not services.is_first_order(customer)
            with pytest.raises(ValidationError, match="empty"):
                services.checkout(customer, CHECKOUT)

    def test_cancel_releases_and_staff_status_changes_consume(self, alpha, shop):
        with tenant_context(alpha):
            customer = user(alpha, CUSTOMER)
            owner = user(alpha, "owner@alpha.test")
            services.add_to_cart(customer, shop["tea"].pk, 2)
            order = services.checkout(customer, CHECKOUT)
            services.cancel(order, by=customer)
            assert available(shop["tea"]) == 10
            with pytest.raises(ValidationError):
                services.cancel(order, by=customer)
            services.add_to_cart(customer, shop["tea"].pk, 2)
            order = services.checkout(customer, CHECKOUT)
            with pytest.raises(ValidationError):
                services.change_status(order, "shipped", owner)
            for status in ("confirmed", "packed", "shipped", "delivered"):
                services.change_status(order, status, owner,
                                       tracking={"carrier": "Nova Poshta", "tracking_number": "20450000000000"})
            with pytest.raises(ValidationError, match="no longer be cancelled"):
                services.cancel(order, by=customer)
            assert shop["tea"].stock_levels.get().quantity == 8
            assert [(c.status, c.by) for c in order.status_changes.all()][-1] == ("delivered", owner)


class TestAccess:
    def test_customer_cannot_see_or_cancel_anothers_order(self, alpha, alpha_client, shop):
        other = make_user(alpha, "other@alpha.test")
        with tenant_context(alpha):
            services.add_to_cart(other, shop["tea"].pk, 1)
            order = services.checkout(other, CHECKOUT)
        sign_in(alpha_client, alpha, CUSTOMER)
        assert alpha_client.get(f"/orders/{order.pk}/").status_code == 404
        assert alpha_client.post(f"/orders/{order.pk}/cancel/").status_code == 404
        assert alpha_client.get("/orders/").context["orders"].count() == 0
        with tenant_context(alpha):
            assert Order.objects.get().status == "new"

    def test_tenant_isolation(self, alpha, beta, beta_client, shop):
        with tenant_context(alpha):
            customer = user(alpha, CUSTOMER)
            services.add_to_cart(customer, shop["tea"].pk, 1)
            order = services.checkout(customer, CHECKOUT)
        sign_in(beta_client, beta, "customer@bravo.test")
        assert beta_client.get(f"/orders/{order.pk}/").status_code == 404
        assert beta_client.get("/orders/").context["orders"].count() == 0
        assert beta_client.get("/orders/cart/").context["rows"] == []

    def test_module_off_is_404_and_anonymous_must_sign_in(self, alpha, alpha_client):
        assert alpha_client.get("/orders/cart/").status_code == 302
        sign_in(alpha_client, alpha, CUSTOMER)
        with tenant_context(alpha):
            set_module_enabled("orders", False)
        for url in ("/orders/", "/orders/cart/", "/orders/checkout/"):
            assert alpha_client.get(url).status_code == 404

    def test_dashboard_card_counts_open_orders_in_one_query(self, alpha, shop, django_assert_num_queries):
        with tenant_context(alpha):
            customer = user(alpha, CUSTOMER)
            services.add_to_cart(customer, shop["tea"].pk, 1)
            services.checkout(customer, CHECKOUT)
            request = RequestFactory().get("/")
            request.user = customer
            with django_assert_num_queries(1):
                card = dashboard_card(request)
            assert (card.title, card.value) == ("Open orders", "1")
            assert selectors.personal_data(customer)["orders"][0]["recipient_name"] == "Ann"
            services.erase_personal_data(customer)
            assert Order.objects.get().recipient_name == ""


def test_product_page_offers_the_cart_only_while_orders_is_on(alpha, alpha_client, shop):
    sign_in(alpha_client, alpha, CUSTOMER)
    page = alpha_client.get(f"/catalog/p/{shop['tea'].slug}/").content.decode()
    assert 'action="/orders/cart/add/"' in page
    response = alpha_client.post("/orders/cart/add/", {"product": shop["tea"].pk, "quantity": 2,
                                                       "next": f"/catalog/p/{shop['tea'].slug}/"})
    assert response.status_code == 302 and response["Location"] == f"/catalog/p/{shop['tea'].slug}/"
    with tenant_context(alpha):
        assert CartLine.objects.get().quantity == 2
        set_module_enabled("orders", False)
    page = alpha_client.get(f"/catalog/p/{shop['tea'].slug}/").content.decode()
    assert "/orders/cart/add/" not in page
    alpha_client.logout()
    with tenant_context(alpha):
        set_module_enabled("orders", True)
    page = alpha_client.get(f"/catalog/p/{shop['tea'].slug}/").content.decode()
    assert "Sign in to order" in page
