"""Order numbers are gapless per business from 1 (a refused checkout takes none), and shipped goods carry
their carrier and tracking, which staff enter when marking the order shipped and the customer follows."""

from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from cabinet.modules.catalog import services as catalog_services
from cabinet.modules.orders import selectors, services
from cabinet.modules.orders.models import Order, OrderCounter, OrderStatusChange

from .conftest import make_product, make_user, make_warehouse, sign_in, user

pytestmark = pytest.mark.django_db
CUSTOMER = "customer@alpha.test"
OWNER = "owner@alpha.test"
QUEUE = "/manage/orders/"
DELIVERY = {"recipient_name": "Ann", "phone": "+380501234567", "delivery_method": "delivery",
            "address": "Kyiv, Main street 1"}
NOVA = {"carrier": "Nova Poshta", "tracking_number": "20450000000000"}


def place(tenant, items, email=CUSTOMER):
    with tenant_context(tenant):
        lines = services.lines_from_items([(product.pk, quantity) for product, quantity in items])
        return services.place_order(user(tenant, email), lines, DELIVERY)


def packed(tenant, order):
    with tenant_context(tenant):
        owner = user(tenant, OWNER)
        for status in ("confirmed", "packed"):
            services.change_status(order, status, owner)
    return order


class TestNumbers:
    def test_a_refused_checkout_takes_no_number(self, alpha, alpha_client, shop):
        sign_in(alpha_client, alpha, CUSTOMER)
        alpha_client.post("/orders/cart/add/", {"product": shop["mug"].pk, "quantity": 2})
        with tenant_context(alpha):
            catalog_services.reserve([(shop["mug"].pk, 1)], "someone-else")
        refused = alpha_client.post("/orders/checkout/", DELIVERY)
        assert refused.status_code == 400
        with tenant_context(alpha):
            assert not OrderCounter.objects.filter(last_number__gt=0).exists()
            catalog_services.release("someone-else")
        placed = alpha_client.post("/orders/checkout/", DELIVERY, follow=True)
        with tenant_context(alpha):
            order = Order.objects.get()
        assert order.number == 1 and order.sequence_number == 1
        assert "Thank you! Your order #1 is placed." in unescape(placed.content.decode())
        assert "Order #1" in unescape(alpha_client.get("/orders/").content.decode())

    def test_numbers_run_on_without_gaps_and_each_business_starts_at_one(self, alpha, beta, shop):
        numbers = [place(alpha, [(shop["tea"], 1)]).number for _n in range(3)]
        with tenant_context(alpha), pytest.raises(ValidationError):
            services.place_order(user(alpha, CUSTOMER), services.lines_from_items([(shop["tea"].pk, 1)]),
                                 {**DELIVERY, "address": ""})
        numbers.append(place(alpha, [(shop["tea"], 1)]).number)
        assert numbers == [1, 2, 3, 4]
        with tenant_context(beta):
            coffee = make_product("Coffee", price="7.00", stock={make_warehouse("Bravo store"): 5})
        assert place(beta, [(coffee, 1)], email="customer@bravo.test").number == 1
        with tenant_context(alpha):
            assert OrderCounter.objects.get().last_number == 4

    def test_staff_find_an_order_by_its_number(self, alpha, alpha_client, shop):
        orders = [place(alpha, [(shop["tea"], 1)]) for _n in range(2)]
        sign_in(alpha_client, alpha, OWNER)
        found = alpha_client.get(f"{QUEUE}?q=%23{orders[1].number}").context["page"].object_list
        assert [o.pk for o in found] == [orders[1].pk]
        with tenant_context(alpha):
            assert list(Order.objects.filter(selectors.by_number(orders[0].number))) == [orders[0]]

    def test_orders_placed_before_numbering_keep_their_id_as_number(self, alpha, shop):
        old = place(alpha, [(shop["tea"], 1)])
        with tenant_context(alpha):
            Order.objects.filter(pk=old.pk).update(sequence_number=None)
            old.refresh_from_db()
            assert old.number == old.pk and list(Order.objects.filter(selectors.by_number(old.pk))) == [old]


class TestTracking:
    def test_staff_enter_the_carrier_and_tracking_when_shipping(self, alpha, alpha_client, shop):
        order = packed(alpha, place(alpha, [(shop["tea"], 2)]))
        sign_in(alpha_client, alpha, OWNER)
        page = unescape(alpha_client.get(f"{QUEUE}{order.pk}/").content.decode())
        assert "Ship the order" in page and 'list="known-carriers"' in page
        response = alpha_client.post(f"{QUEUE}{order.pk}/status/", {"status": "shipped", **NOVA}, follow=True)
        assert f"Order #{order.number} is now shipped." in unescape(response.content.decode())
        with tenant_context(alpha):
            order.refresh_from_db()
        assert (order.status, order.carrier, order.tracking_number) == ("shipped", "Nova Poshta", "20450000000000")
        assert order.tracking_link == "https://novaposhta.ua/tracking/?cargo_number=20450000000000"

    @pytest.mark.parametrize(("data", "field"), [
        ({}, "carrier"),
        ({"carrier": "Nova Poshta"}, "tracking_number"),
        ({"carrier": "Nova Poshta", "tracking_number": "<script>"}, "tracking_number"),
        ({"carrier": "Nova Poshta", "tracking_number": "1"}, "tracking_number"),
        ({"carrier": "Courier", "tracking_url": "javascript:alert(1)"}, "tracking_url"),
        ({"carrier": "Courier", "tracking_url": "ftp://parcels.example/1"}, "tracking_url"),
        ({"carrier": "x" * 101, "tracking_number": "12345"}, "carrier"),
    ])
    def test_bad_tracking_is_refused_and_changes_nothing(self, alpha, alpha_client, shop, data, field):
        order = packed(alpha, place(alpha, [(shop["tea"], 2)]))
        sign_in(alpha_client, alpha, OWNER)
        response = alpha_client.post(f"{QUEUE}{order.pk}/status/", {"status": "shipped", **data})
        assert response.status_code == 400 and field in response.context["shipping_form"].errors
        with tenant_context(alpha):
            order.refresh_from_db()
            assert (order.status, order.carrier, order.tracking_url) == ("packed", "", "")
            assert not OrderStatusChange.objects.filter(order=order, status="shipped").exists()
            assert shop["tea"].stock_levels.get().quantity == 10  # nothing left the warehouse
            with pytest.raises(ValidationError) as caught:
                services.change_status(order, "shipped", user(alpha, OWNER), tracking=data)
            assert field in caught.value.message_dict

    def test_a_link_of_an_unknown_carrier_is_kept_as_given(self, alpha, shop):
        order = packed(alpha, place(alpha, [(shop["tea"], 1)]))
        with tenant_context(alpha):
            services.change_status(order, "shipped", user(alpha, OWNER), tracking={
                "carrier": "  City   courier ", "tracking_url": "https://track.example/parcel?id=7&x=1"})
            order.refresh_from_db()
        assert (order.carrier, order.tracking_number) == ("City courier", "")
        assert order.tracking_link == "https://track.example/parcel?id=7&x=1"

    def test_the_customer_follows_the_parcel_and_no_one_else_sees_it(self, alpha, alpha_client, shop):
        order = packed(alpha, place(alpha, [(shop["tea"], 1)]))
        with tenant_context(alpha):
            services.change_status(order, "shipped", user(alpha, OWNER), tracking=NOVA)
        sign_in(alpha_client, alpha, CUSTOMER)
        page = unescape(alpha_client.get(f"/orders/{order.pk}/").content.decode())
        assert 'href="https://novaposhta.ua/tracking/?cargo_number=20450000000000"' in page
        assert "Shipped with Nova Poshta, tracking number 20450000000000." in page
        api = alpha_client.get(f"/api/v1/orders/{order.pk}/").json()
        assert api["tracking"] == {"carrier": "Nova Poshta", "number": "20450000000000",
                                   "url": "https://novaposhta.ua/tracking/?cargo_number=20450000000000"}
        assert alpha_client.get("/api/v1/orders/").json()["results"][0]["tracking"]["carrier"] == "Nova Poshta"
        make_user(alpha, "other@alpha.test")
        sign_in(alpha_client, alpha, "other@alpha.test")
        assert alpha_client.get(f"/orders/{order.pk}/").status_code == 404
        assert alpha_client.get(f"/api/v1/orders/{order.pk}/").status_code == 404

    def test_orders_not_yet_shipped_carry_no_tracking(self, alpha, alpha_client, shop):
        order = place(alpha, [(shop["tea"], 1)])
        sign_in(alpha_client, alpha, CUSTOMER)
        assert alpha_client.get(f"/api/v1/orders/{order.pk}/").json()["tracking"] is None
        assert "Track the parcel" not in alpha_client.get(f"/orders/{order.pk}/").content.decode()
