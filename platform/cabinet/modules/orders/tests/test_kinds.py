"""Kinds of catalog items (goods, service, digital) and the status flow of each kind of order: services are
not stocked or delivered and go new → confirmed → done; digital items are delivered on confirmation; goods
for pickup go ready for pickup → collected and are never shipped; a cart that mixes kinds follows its goods."""

from decimal import Decimal
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from cabinet.modules.catalog import services as catalog_services
from cabinet.modules.catalog.models import Product, Reservation, StockLevel
from cabinet.modules.catalog.selectors import available
from cabinet.modules.orders import flows, services
from cabinet.modules.orders.models import Order, OrderStatusChange

from .conftest import make_product, sign_in, user

pytestmark = pytest.mark.django_db
CUSTOMER = "customer@alpha.test"
OWNER = "owner@alpha.test"
QUEUE = "/manage/orders/"
CONTACT = {"recipient_name": "Ann", "phone": "+380501234567"}
DELIVERY = {**CONTACT, "delivery_method": "delivery", "address": "Kyiv, Main street 1"}


@pytest.fixture
def kinds(alpha, shop):
    with tenant_context(alpha):
        massage = make_product("Massage, 60 min", price="65.00", sku="SPA-60", kind="service")
        ebook = make_product("Tea guide (PDF)", price="5.00", sku="BOOK-1", kind="digital")
    return {**shop, "massage": massage, "ebook": ebook}


def place(tenant, items, data=None, email=CUSTOMER):
    with tenant_context(tenant):
        lines = services.lines_from_items([(product.pk, quantity) for product, quantity in items])
        return services.place_order(user(tenant, email), lines, data or DELIVERY)


def history(order) -> list[str]:
    return list(OrderStatusChange.objects.filter(order=order).order_by("at", "id").values_list("status", flat=True))


class TestFlows:
    def test_the_flow_follows_what_the_order_holds(self):
        assert flows.flow_for(["goods"], "delivery") == "delivery"
        assert flows.flow_for(["goods", "service", "digital"], "pickup") == "pickup"
        assert flows.flow_for(["service", "digital"], "none") == "service"
        assert flows.flow_for(["digital", "digital"], "none") == "digital"
        assert flows.next_statuses("pickup", "confirmed") == ("ready",)
        assert flows.next_statuses("service", "done") == () and flows.next_statuses("digital", "new") == ("confirmed",)
        assert not flows.is_step("service", "shipped") and flows.is_step("pickup", "cancelled")

    def test_a_service_order_has_no_stock_no_delivery_and_its_own_steps(self, alpha, kinds):
        order = place(alpha, [(kinds["massage"], 2)], {**DELIVERY, "delivery_method": "pickup",
                                                       "pickup_warehouse": kinds["pickup"].pk})
        with tenant_context(alpha):
            owner = user(alpha, OWNER)
            assert (order.flow, order.delivery_method, order.address, order.pickup_warehouse_id) == (
                "service", "none", "", None)
            assert not Reservation.objects.filter(reference=order.reservation_reference).exists()
            for wrong in ("packed", "shipped", "ready", "collected", "delivered"):
                with pytest.raises(ValidationError, match="not a step of this order"):
                    services.change_status(order, wrong, owner)
            services.change_status(order, "confirmed", owner)
            assert Order.objects.get(pk=order.pk).invoice.total == Decimal("130.00")
            services.change_status(order, "done", owner)
            assert history(order) == ["new", "confirmed", "done"]
            with pytest.raises(ValidationError, match="no longer be cancelled"):
                services.cancel(order, by=owner, as_staff=True)

    def test_a_service_needs_only_a_name_and_a_phone(self, alpha, kinds):
        with tenant_context(alpha):
            customer = user(alpha, CUSTOMER)
            lines = services.lines_from_items([(kinds["massage"].pk, 1)])
            with pytest.raises(ValidationError) as caught:
                services.place_order(customer, lines, {"recipient_name": "", "phone": ""})
            assert set(caught.value.message_dict) == {"recipient_name", "phone"}
            assert Order.objects.count() == 0
            order = services.place_order(customer, lines, CONTACT)
            assert order.flow == "service" and order.number == 1

    def test_a_digital_item_is_delivered_when_the_order_is_confirmed(self, alpha, kinds):
        order = place(alpha, [(kinds["ebook"], 1)], CONTACT)
        with tenant_context(alpha):
            owner = user(alpha, OWNER)
            assert order.flow == "digital"
            services.change_status(order, "confirmed", owner)
            order.refresh_from_db()
            assert order.status == "delivered" and history(order) == ["new", "confirmed", "delivered"]
            assert OrderStatusChange.objects.filter(order=order, status="delivered").get().by == owner
            with pytest.raises(ValidationError):
                services.cancel(order, by=order.customer)

    def test_pickup_goods_are_made_ready_and_collected_never_shipped(self, alpha, kinds):
        order = place(alpha, [(kinds["mug"], 1)], {**CONTACT, "delivery_method": "pickup",
                                                   "pickup_warehouse": kinds["pickup"].pk})
        with tenant_context(alpha):
            owner = user(alpha, OWNER)
            assert order.flow == "pickup"
            services.change_status(order, "confirmed", owner)
            for wrong in ("packed", "shipped", "delivered"):
                with pytest.raises(ValidationError, match="not a step"):
                    services.change_status(order, wrong, owner, tracking={"carrier": "DHL", "tracking_number": "123"})
            services.change_status(order, "ready", owner)
            # the goods wait at the pickup point: still held, not yet out of stock
            assert StockLevel.objects.get(product=kinds["mug"], warehouse=kinds["pickup"]).quantity == 1
            assert Order.objects.get(pk=order.pk).can_be_cancelled is False
            assert Order.objects.get(pk=order.pk).staff_can_cancel is True
            services.change_status(order, "collected", owner)
            assert StockLevel.objects.get(product=kinds["mug"], warehouse=kinds["pickup"]).quantity == 0
            assert history(order) == ["new", "confirmed", "ready", "collected"]

    def test_staff_cancel_a_pickup_order_nobody_collects(self, alpha, kinds):
        order = place(alpha, [(kinds["mug"], 1)], {**CONTACT, "delivery_method": "pickup",
                                                   "pickup_warehouse": kinds["pickup"].pk})
        with tenant_context(alpha):
            owner, customer = user(alpha, OWNER), user(alpha, CUSTOMER)
            services.change_status(order, "confirmed", owner)
            services.change_status(order, "ready", owner)
            with pytest.raises(ValidationError):
                services.cancel(order, by=customer)  # the customer can no longer
            services.change_status(order, "cancelled", owner)
            assert available(kinds["mug"]) == 2 and history(order)[-1] == "cancelled"

    def test_a_mixed_cart_follows_its_goods(self, alpha, kinds):
        order = place(alpha, [(kinds["tea"], 2), (kinds["massage"], 1), (kinds["ebook"], 1)])
        with tenant_context(alpha):
            owner = user(alpha, OWNER)
            assert order.flow == "delivery" and order.address == "Kyiv, Main street 1"
            assert sorted(order.lines.values_list("kind", flat=True)) == ["digital", "goods", "service"]
            # only the goods are reserved, and they are what leaves the warehouse
            assert list(Reservation.objects.filter(reference=order.reservation_reference)
                        .values_list("product_id", "quantity")) == [(kinds["tea"].pk, 2)]
            for status in ("confirmed", "packed"):
                services.change_status(order, status, owner)
            services.change_status(order, "shipped", owner, tracking={"carrier": "Nova Poshta",
                                                                      "tracking_number": "20450000000000"})
            assert StockLevel.objects.get(product=kinds["tea"]).quantity == 8

    def test_goods_still_need_a_delivery_address(self, alpha, kinds):
        with tenant_context(alpha):
            lines = services.lines_from_items([(kinds["tea"].pk, 1), (kinds["massage"].pk, 1)])
            with pytest.raises(ValidationError) as caught:
                services.place_order(user(alpha, CUSTOMER), lines, CONTACT)
            assert "address" in caught.value.message_dict
            assert Order.objects.count() == 0 and Reservation.objects.count() == 0

    def test_services_are_never_out_of_stock_in_the_cart(self, alpha, kinds):
        with tenant_context(alpha):
            customer = user(alpha, CUSTOMER)
            services.add_to_cart(customer, kinds["massage"].pk, 40)
            services.change_quantity(customer, kinds["massage"].pk, 999)
            assert services.fit_to_available(customer, kinds["massage"].pk) == 999


class TestQueue:
    def test_bulk_changes_move_each_order_along_its_own_flow(self, alpha, alpha_client, kinds):
        goods = place(alpha, [(kinds["tea"], 1)])
        service = place(alpha, [(kinds["massage"], 1)], CONTACT)
        pickup = place(alpha, [(kinds["mug"], 1)], {**CONTACT, "delivery_method": "pickup",
                                                    "pickup_warehouse": kinds["pickup"].pk})
        sign_in(alpha_client, alpha, OWNER)
        ids = [goods.pk, service.pk, pickup.pk]
        alpha_client.post(f"{QUEUE}bulk/", {"orders": ids, "status": "confirmed"})
        response = alpha_client.post(f"{QUEUE}bulk/", {"orders": ids, "status": "packed"}, follow=True)
        text = unescape(response.content.decode())
        assert f"Packed: #{goods.number}." in text
        assert f"#{service.number}: “Packed” is not a step of this order (services: new → confirmed → done)." in text
        assert f"#{pickup.number}: “Packed” is not a step of this order" in text
        alpha_client.post(f"{QUEUE}bulk/", {"orders": ids, "status": "done"})
        alpha_client.post(f"{QUEUE}bulk/", {"orders": ids, "status": "ready"})
        with tenant_context(alpha):
            assert dict(Order.objects.filter(pk__in=ids).values_list("pk", "status")) == {
                goods.pk: "packed", service.pk: "done", pickup.pk: "ready"}
        # shipping is not offered in bulk: each parcel needs its tracking
        queue = alpha_client.get(QUEUE)
        assert [value for value, _label in queue.context["bulk_form"].fields["status"].choices].count("shipped") == 0
        tabs = {tab["label"]: tab["count"] for tab in queue.context["tabs"]}
        assert tabs["Packed"] == 1 and tabs["Done"] == 1 and tabs["Ready for pickup"] == 1 and "Collected" not in tabs
        assert [o.pk for o in alpha_client.get(QUEUE + "?flow=service").context["page"].object_list] == [service.pk]

    def test_the_order_page_offers_the_next_step_of_its_flow(self, alpha, alpha_client, kinds):
        service = place(alpha, [(kinds["massage"], 1)], CONTACT)
        sign_in(alpha_client, alpha, OWNER)
        alpha_client.post(f"{QUEUE}{service.pk}/status/", {"status": "confirmed"})
        page = alpha_client.get(f"{QUEUE}{service.pk}/")
        assert page.context["actions"] == [("done", "Mark done")]
        text = unescape(page.content.decode())
        assert "Reserved goods" not in text and "Delivery address" not in text
        assert "Services: New → <strong>Confirmed</strong> → Done" in text


class TestPortalAndApi:
    def test_the_customer_sees_the_steps_and_no_delivery_for_a_service(self, alpha, alpha_client, kinds):
        order = place(alpha, [(kinds["massage"], 1)], CONTACT)
        sign_in(alpha_client, alpha, CUSTOMER)
        text = unescape(alpha_client.get(f"/orders/{order.pk}/").content.decode())
        assert "<strong>New</strong> → Confirmed → Done" in text and "Receiving" not in text and "Contact" in text
        api = alpha_client.get(f"/api/v1/orders/{order.pk}/").json()
        assert (api["flow"], api["number"], api["delivery_method"], api["lines"][0]["kind"]) == (
            "service", order.number, "none", "service")

    def test_checkout_of_services_asks_no_address(self, alpha, alpha_client, kinds):
        sign_in(alpha_client, alpha, CUSTOMER)
        alpha_client.post("/orders/cart/add/", {"product": kinds["massage"].pk, "quantity": 1})
        form = alpha_client.get("/orders/checkout/").context["form"]
        assert "address" not in form.fields and "delivery_method" not in form.fields
        response = alpha_client.post("/orders/checkout/", {**CONTACT, "address": "ignored"})
        with tenant_context(alpha):
            order = Order.objects.get()
        assert response.status_code == 302 and (order.flow, order.address) == ("service", "")

    def test_catalog_and_api_show_services_without_stock(self, alpha, alpha_client, kinds):
        text = unescape(alpha_client.get("/catalog/p/massage-60-min/").content.decode())
        assert "A service: book it any time" in text and "Out of stock" not in text
        in_stock = [p.pk for p in alpha_client.get("/catalog/?in_stock=1").context["page"].object_list]
        assert kinds["massage"].pk in in_stock and kinds["ebook"].pk in in_stock
        listed = {p["sku"]: p for p in alpha_client.get("/api/v1/catalog/products/?page_size=200").json()["results"]}
        assert (listed["SPA-60"]["kind"], listed["SPA-60"]["available"], listed["SPA-60"]["warehouses"]) == (
            "service", None, [])
        assert listed["TEA-1"]["kind"] == "goods" and listed["TEA-1"]["available"] == 10


class TestCatalogKinds:
    def test_services_keep_no_stock(self, alpha, kinds):
        with tenant_context(alpha):
            with pytest.raises(ValidationError, match="no stock"):
                catalog_services.set_stock(kinds["massage"], kinds["central"], 5)
            assert not StockLevel.objects.filter(product=kinds["massage"]).exists()

    def test_goods_held_for_orders_stay_goods(self, alpha, kinds):
        place(alpha, [(kinds["tea"], 1)])
        with tenant_context(alpha):
            tea = Product.objects.get(pk=kinds["tea"].pk)
            data = catalog_services.ProductData(name=tea.name, price="10.00", currency="EUR", sku="TEA-1",
                                                kind="service")
            with pytest.raises(ValidationError) as caught:
                catalog_services.save_product(tea, data)
            assert "kind" in caught.value.message_dict
            assert Product.objects.get(pk=tea.pk).kind == "goods"
            data.kind = "bogus"
            with pytest.raises(ValidationError):
                catalog_services.save_product(None, data)

    def test_the_product_form_sets_the_kind(self, alpha, alpha_client, kinds):
        sign_in(alpha_client, alpha, OWNER)
        response = alpha_client.post("/manage/catalog/products/new/", {
            "name": "Sauna evening", "kind": "service", "price": "40", "currency": "EUR", "is_active": "on"})
        assert response.status_code == 302
        with tenant_context(alpha):
            sauna = Product.objects.get(name="Sauna evening")
        assert sauna.kind == "service"
        page = unescape(alpha_client.get(f"/manage/catalog/products/{sauna.pk}/").content.decode())
        assert "no stock is kept and nothing is delivered" in page


def test_resort_demo_sells_its_spa_as_services():
    from verticals import VERTICALS

    kinds = {sku: kind for _category, _name, sku, _price, _currency, _units, kind in VERTICALS["resort"].demo_products}
    assert kinds["SPA-60"] == kinds["SPA-SAUNA"] == "service" and kinds["SHOP-ROBE"] == "goods"
    assert {product[6] for product in VERTICALS["clinic"].demo_products} <= {"service", "digital"}
    # services and digital items keep no stock
    assert all(product[5] == 0 for vertical in VERTICALS.values() for product in vertical.demo_products
               if product[6] != "goods")


@pytest.mark.parametrize("vertical_key", ["resort", "wholesale", "franchise"])
def test_demo_discount_rule_is_one_the_engine_reads_and_the_demo_order_shows_it(beta, vertical_key, caplog):
    """A demo business must not start with a rule the engine skips (and logs) on every cart."""
    from cabinet.modules.catalog.models import Product as CatalogProduct
    from cabinet.modules.orders import pricing
    from cabinet.modules.orders.models import DiscountRule
    from verticals import VERTICALS, seed_demo_content

    with tenant_context(beta):
        CatalogProduct.objects.all().delete()
        DiscountRule.objects.all().delete()
        seed_demo_content(VERTICALS[vertical_key])
        [rule] = DiscountRule.objects.all()
        assert pricing.validate_rule(rule.to_rule()) == {}
        assert services.active_rules() and "skipped" not in caplog.text
        order = Order.objects.order_by("pk").first()
        assert order is not None and order.discount > 0
