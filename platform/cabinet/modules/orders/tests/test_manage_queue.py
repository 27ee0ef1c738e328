"""The staff's order queue: access, filters, bulk and single status changes, the order page, hold expiry."""

from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from cabinet.modules.catalog import services as catalog_services
from cabinet.modules.catalog.models import Reservation
from cabinet.modules.catalog.selectors import available
from cabinet.modules.orders import selectors, services
from cabinet.modules.orders.models import Invoice, Order, OrderStatusChange
from cabinet.portal.services import set_module_enabled, update_module_settings

from .conftest import make_product, make_user, make_warehouse, sign_in, user

pytestmark = pytest.mark.django_db
CUSTOMER = "customer@alpha.test"
OWNER = "owner@alpha.test"
QUEUE = "/manage/orders/"
DELIVERY = {"recipient_name": "Ann Recipient", "phone": "+380501234567", "delivery_method": "delivery",
            "address": "Kyiv, Main street 1"}


def place(tenant, email, items, **extra):
    """An order of the customer `email` for [(product, quantity)], placed through the real service."""
    with tenant_context(tenant):
        customer = user(tenant, email)
        lines = services.lines_from_items([(product.pk, quantity) for product, quantity in items])
        return services.place_order(customer, lines, {**DELIVERY, **extra.pop("data", {})}, **extra)


def page_text(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def staff(alpha):
    return {"operator": make_user(alpha, "operator@alpha.test", role="operator", full_name="Olga Operator"),
            "manager": make_user(alpha, "manager@alpha.test", role="manager", full_name="Max Manager"),
            "editor": make_user(alpha, "editor@alpha.test", role="editor")}


class TestAccess:
    def test_anonymous_goes_to_the_staff_login(self, alpha, alpha_client, shop):
        order = place(alpha, CUSTOMER, [(shop["tea"], 1)])
        for url in (QUEUE, f"{QUEUE}{order.pk}/"):
            response = alpha_client.get(url)
            assert response.status_code == 302 and "/login" in response["Location"]
        response = alpha_client.post(f"{QUEUE}bulk/", {"orders": [order.pk], "status": "confirmed"})
        assert response.status_code == 302 and "/login" in response["Location"]
        with tenant_context(alpha):
            assert Order.objects.get(pk=order.pk).status == Order.Status.NEW

    def test_customers_and_editors_are_refused(self, alpha, alpha_client, shop, staff):
        order = place(alpha, CUSTOMER, [(shop["tea"], 1)])
        for email in (CUSTOMER, "editor@alpha.test"):
            sign_in(alpha_client, alpha, email)
            assert alpha_client.get(QUEUE).status_code == 403
            assert alpha_client.get(f"{QUEUE}{order.pk}/").status_code == 403
            assert alpha_client.post(f"{QUEUE}{order.pk}/status/", {"status": "confirmed"}).status_code == 403
        with tenant_context(alpha):
            assert Order.objects.get(pk=order.pk).status == Order.Status.NEW

    def test_operator_works_the_queue_but_not_the_discounts(self, alpha, alpha_client, shop, staff):
        order = place(alpha, CUSTOMER, [(shop["tea"], 1)])
        sign_in(alpha_client, alpha, "operator@alpha.test")
        response = alpha_client.get(QUEUE)
        assert response.status_code == 200 and f"#{order.number}" in page_text(response)
        assert 'href="/manage/orders/"' in page_text(response)
        assert 'href="/manage/orders/discounts/"' not in page_text(response)
        assert alpha_client.get(f"{QUEUE}{order.pk}/").status_code == 200
        assert alpha_client.get(f"{QUEUE}discounts/").status_code == 403
        sign_in(alpha_client, alpha, "manager@alpha.test")
        assert 'href="/manage/orders/discounts/"' in page_text(alpha_client.get(QUEUE))
        assert alpha_client.get(f"{QUEUE}discounts/").status_code == 200

    def test_module_off_answers_404(self, alpha, alpha_client, shop):
        order = place(alpha, CUSTOMER, [(shop["tea"], 1)])
        sign_in(alpha_client, alpha, OWNER)
        with tenant_context(alpha):
            set_module_enabled("orders", False)
        for url in (QUEUE, f"{QUEUE}{order.pk}/", f"{QUEUE}discounts/"):
            assert alpha_client.get(url).status_code == 404
        assert alpha_client.post(f"{QUEUE}bulk/", {"orders": [order.pk], "status": "confirmed"}).status_code == 404
        with tenant_context(alpha):
            assert Order.objects.get(pk=order.pk).status == Order.Status.NEW


class TestQueue:
    @pytest.fixture
    def orders(self, alpha, shop):
        second = make_user(alpha, "boris@alpha.test", full_name="Boris Buyer", phone="+380671112233")
        with time_machine.travel(timezone.now() - timedelta(days=10)):
            old = place(alpha, CUSTOMER, [(shop["tea"], 1)])
        api = place(alpha, second.email, [(shop["tea"], 2)], placed_via=Order.Channel.API)
        confirmed = place(alpha, CUSTOMER, [(shop["tea"], 1)])
        with tenant_context(alpha):
            services.change_status(confirmed, Order.Status.CONFIRMED, by=user(alpha, OWNER))
        return {"old": old, "api": api, "confirmed": confirmed}

    def shown(self, client, query=""):
        response = client.get(QUEUE + query)
        assert response.status_code == 200
        return response, [order.pk for order in response.context["page"].object_list]

    def test_newest_first_with_counts_per_status(self, alpha, alpha_client, orders):
        sign_in(alpha_client, alpha, OWNER)
        response, shown = self.shown(alpha_client)
        assert shown == [orders["confirmed"].pk, orders["api"].pk, orders["old"].pk]
        tabs = {tab["label"]: tab["count"] for tab in response.context["tabs"]}
        assert tabs["All"] == 3 and tabs["New"] == 2 and tabs["Confirmed"] == 1 and tabs["Cancelled"] == 0
        # the steps of other kinds of order show only once an order is in them
        assert "Shipped" not in tabs and "Ready for pickup" not in tabs and "Done" not in tabs
        text = page_text(response)
        assert "Boris Buyer" in text and "boris@alpha.test" in text

    def test_each_filter(self, alpha, alpha_client, orders):
        sign_in(alpha_client, alpha, OWNER)
        today = timezone.localdate()
        assert self.shown(alpha_client, "?status=confirmed")[1] == [orders["confirmed"].pk]
        assert self.shown(alpha_client, "?placed_via=api")[1] == [orders["api"].pk]
        assert self.shown(alpha_client, f"?placed_from={today - timedelta(days=1)}")[1] == [
            orders["confirmed"].pk, orders["api"].pk]
        assert self.shown(alpha_client, f"?placed_to={today - timedelta(days=1)}")[1] == [orders["old"].pk]
        for query in ("Boris", "BORIS@alpha", "+38067111", f"%23{orders['api'].number}"):
            assert self.shown(alpha_client, f"?q={query}")[1] == [orders["api"].pk], query
        response, shown = self.shown(alpha_client, "?q=Boris&status=new")
        assert shown == [orders["api"].pk]
        # The tabs count within the other filters, and keep them in their links.
        tabs = {tab["label"]: tab for tab in response.context["tabs"]}
        assert tabs["All"]["count"] == 1 and "q=Boris" in tabs["Confirmed"]["url"]
        assert "status=confirmed" in tabs["Confirmed"]["url"]

    @pytest.mark.parametrize("query, notice", [
        ("?status=lost", "“Status” is ignored"),
        ("?placed_from=2024-13-45", "“Placed from” is ignored"),
        ("?placed_to=yesterday", "“Placed until” is ignored"),
        ("?placed_via=fax", "“Placed via” is ignored"),
        ("?q=" + "x" * 101, "“Customer” is ignored"),
        ("?placed_from=2030-01-02&placed_to=2030-01-01", "The end date is before the start date."),
        ("?page=abc", None),
        ("?page=999", None),
    ])
    def test_bad_filters_are_ignored_with_a_notice(self, alpha, alpha_client, orders, query, notice):
        sign_in(alpha_client, alpha, OWNER)
        response, shown = self.shown(alpha_client, query)
        if "placed_from=2030" in query:
            # The wrong end is dropped; the valid start still applies.
            assert shown == []
        else:
            assert len(shown) == 3
        if notice:
            assert notice in page_text(response)

    def test_query_count_does_not_grow_with_orders(self, alpha, alpha_client, shop, django_assert_max_num_queries):
        sign_in(alpha_client, alpha, OWNER)
        place(alpha, CUSTOMER, [(shop["tea"], 1)])
        alpha_client.get(QUEUE)  # the domain and the portal's state are cached from now on
        with CaptureQueriesContext(connection) as few:
            assert alpha_client.get(QUEUE + "?status=new").status_code == 200
        for _round in range(6):
            place(alpha, CUSTOMER, [(shop["tea"], 1)])
        with django_assert_max_num_queries(14), CaptureQueriesContext(connection) as many:
            response = alpha_client.get(QUEUE + "?status=new")
        assert len(response.context["page"].object_list) == 7
        assert len(many.captured_queries) == len(few.captured_queries)


class TestStatusChanges:
    def test_bulk_change_reports_each_order_and_records_who_and_when(self, alpha, alpha_client, shop, staff):
        first = place(alpha, CUSTOMER, [(shop["tea"], 1)])
        second = place(alpha, CUSTOMER, [(shop["tea"], 2)])
        done = place(alpha, CUSTOMER, [(shop["tea"], 1)])
        with tenant_context(alpha):
            services.change_status(done, Order.Status.CONFIRMED, by=user(alpha, OWNER))
        sign_in(alpha_client, alpha, "operator@alpha.test")
        before = timezone.now()
        response = alpha_client.post(f"{QUEUE}bulk/", {
            "orders": [first.pk, second.pk, done.pk, 999999, "x"], "status": "confirmed",
            "query": "status=new&page=2"}, follow=True)
        assert response.redirect_chain[-1][0] == f"{QUEUE}?status=new"
        text = page_text(response)
        assert f"Confirmed: #{first.number}, #{second.number}." in text
        assert f"#{done.number}: An order that is confirmed cannot become confirmed." in text
        assert "#999999: There is no such order." in text
        with tenant_context(alpha):
            assert set(Order.objects.filter(status="confirmed").values_list("pk", flat=True)) == {
                first.pk, second.pk, done.pk}
            change = OrderStatusChange.objects.get(order=first, status="confirmed")
            assert change.by == staff["operator"] and change.at >= before
            assert OrderStatusChange.objects.filter(order=done, status="confirmed").count() == 1
            # Confirmed orders hold their goods with no time limit.
            assert not Reservation.objects.filter(reference=first.reservation_reference,
                                                  expires_at__isnull=False).exists()

    def test_bulk_service_refuses_a_wrong_move_per_order(self, alpha, shop):
        new = place(alpha, CUSTOMER, [(shop["tea"], 1)])
        with tenant_context(alpha):
            owner = user(alpha, OWNER)
            results = services.bulk_change_status([new.pk], Order.Status.PACKED, by=owner)
            assert [str(r) for r in results] == [f"#{new.number}: An order that is new cannot become packed."]
            assert not results[0].changed and Order.objects.get(pk=new.pk).status == "new"
            # shipping needs each parcel's tracking: never in bulk
            for status, ids in (("new", [new.pk]), ("teleported", [new.pk]), ("shipped", [new.pk]), ("packed", []),
                                ("packed", ["a"]), ("packed", list(range(1, 202)))):
                with pytest.raises(ValidationError):
                    services.bulk_change_status(ids, status, by=owner)

    @pytest.mark.parametrize("data", [{}, {"status": "lost"}, {"status": "new"}, {"orders": ["1"]}])
    def test_bad_bulk_posts_change_nothing(self, alpha, alpha_client, shop, data):
        order = place(alpha, CUSTOMER, [(shop["tea"], 1)])
        sign_in(alpha_client, alpha, OWNER)
        response = alpha_client.post(f"{QUEUE}bulk/", {**data, "query": "q=%"}, follow=True)
        assert response.status_code == 200 and response.context["messages"]
        with tenant_context(alpha):
            assert Order.objects.get(pk=order.pk).status == Order.Status.NEW
            assert OrderStatusChange.objects.count() == 1

    def test_whole_path_from_the_order_page(self, alpha, alpha_client, shop):
        order = place(alpha, CUSTOMER, [(shop["tea"], 3)])
        owner = sign_in(alpha_client, alpha, OWNER)
        url = f"{QUEUE}{order.pk}/"
        text = page_text(alpha_client.get(url))
        assert "The goods are held until" in text and 'value="confirmed"' in text and "Cancel the order" in text
        wrong = alpha_client.post(f"{url}status/", {"status": "shipped"}, follow=True)
        assert "An order that is new cannot become shipped." in page_text(wrong)
        assert alpha_client.post(f"{url}status/", {"status": "whatever"}).status_code == 302
        for status in ("confirmed", "packed", "shipped", "delivered"):
            response = alpha_client.post(f"{url}status/", {"status": status, "carrier": "DHL",
                                                           "tracking_number": "JD014600006281230704"}, follow=True)
            assert f"Order #{order.number} is now {status}." in page_text(response)
        with tenant_context(alpha):
            assert list(Order.objects.get(pk=order.pk).status_changes.values_list("status", "by")) == [
                ("new", order.customer_id), ("confirmed", owner.pk), ("packed", owner.pk), ("shipped", owner.pk),
                ("delivered", owner.pk)]
            assert shop["tea"].stock_levels.get().quantity == 7  # shipping took the goods out of stock
        text = page_text(alpha_client.get(url))
        assert "The goods have left the warehouse." in text and "Cancel the order" not in text
        assert "the customer" in text and owner.display_name in text

    def test_cancel_from_the_queue_returns_the_goods_to_sale(self, alpha, alpha_client, shop):
        order = place(alpha, CUSTOMER, [(shop["tea"], 4)])
        with tenant_context(alpha):
            assert available(shop["tea"]) == 6
        sign_in(alpha_client, alpha, OWNER)
        alpha_client.post(f"{QUEUE}bulk/", {"orders": [order.pk], "status": "cancelled"})
        with tenant_context(alpha):
            assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
            assert available(shop["tea"]) == 10
        again = alpha_client.post(f"{QUEUE}{order.pk}/status/", {"status": "cancelled"}, follow=True)
        assert "can no longer be cancelled" in page_text(again)

    def test_order_page_shows_lines_discounts_receiving_and_invoice(self, alpha, alpha_client, shop):
        order = place(alpha, CUSTOMER, [(shop["mug"], 1)],
                      data={"delivery_method": "pickup", "pickup_warehouse": shop["pickup"].pk, "address": "",
                            "comment": "Call before"})
        sign_in(alpha_client, alpha, OWNER)
        text = page_text(alpha_client.get(f"{QUEUE}{order.pk}/"))
        assert "Mug" in text and "MUG-1" in text and "Podil pickup" in text and "Call before" in text
        assert "Invoice" not in text
        with tenant_context(alpha):
            Invoice.objects.create(order=order, number=7, currency=order.currency, total=order.total,
                                   due_on=timezone.localdate())
            number = Invoice.objects.get(order=order).display_number
        assert "Invoice: " in page_text(alpha_client.get(f"{QUEUE}{order.pk}/"))
        assert number in page_text(alpha_client.get(f"{QUEUE}{order.pk}/"))


class TestTenantIsolation:
    def test_alpha_staff_never_sees_bravo_orders(self, alpha, beta, alpha_client, beta_client):
        with tenant_context(beta):
            warehouse = make_warehouse("Bravo store")
            crate = make_product("Bravo crate", price="9.00", stock={warehouse: 5})
        bravo_order = place(beta, "customer@bravo.test", [(crate, 1)], data={"recipient_name": "Bravo Person"})
        sign_in(alpha_client, alpha, OWNER)
        response = alpha_client.get(QUEUE)
        assert list(response.context["page"].object_list) == [] and "Bravo Person" not in page_text(response)
        assert alpha_client.get(f"{QUEUE}{bravo_order.pk}/").status_code == 404
        assert alpha_client.post(f"{QUEUE}{bravo_order.pk}/status/", {"status": "confirmed"}).status_code == 404
        alpha_client.post(f"{QUEUE}bulk/", {"orders": [bravo_order.pk], "status": "confirmed"})
        with tenant_context(beta):
            assert Order.objects.get(pk=bravo_order.pk).status == Order.Status.NEW
        sign_in(beta_client, beta, "owner@bravo.test")
        text = page_text(beta_client.get(QUEUE))
        assert "Bravo Person" in text and "customer@bravo.test" in text
        assert "customer@bravo.test" not in page_text(response)


class TestHoldExpiry:
    """Unconfirmed orders hold their goods for the catalog's "reservation_minutes"; then beat returns them."""

    def lapse(self, alpha, shop, quantity):
        start = timezone.now()
        with tenant_context(alpha):
            update_module_settings("catalog", {"reservation_minutes": 30})
        with time_machine.travel(start, tick=False):
            order = place(alpha, CUSTOMER, [(shop["tea"], quantity)])
            with tenant_context(alpha):
                assert available(shop["tea"]) == 10 - quantity
                hold = Reservation.objects.get(reference=order.reservation_reference)
                assert hold.expires_at == start + timedelta(minutes=30)
        return order, start + timedelta(minutes=31)

    def test_lapsed_hold_goes_back_on_sale_and_confirming_reserves_again(self, alpha, alpha_client, shop):
        order, later = self.lapse(alpha, shop, 4)
        sign_in(alpha_client, alpha, OWNER)
        with time_machine.travel(later - timedelta(minutes=2), tick=False):
            text = page_text(alpha_client.get(QUEUE))
            assert "held until" in text and "hold lapsed" not in text
        with time_machine.travel(later, tick=False):
            with tenant_context(alpha):
                assert catalog_services.expire_reservations() == 1
                assert available(shop["tea"]) == 10
                assert selectors.hold_state(Order.objects.get(pk=order.pk)).state == "lapsed"
            response = alpha_client.get(QUEUE + "?hold_lapsed=1")
            assert [o.pk for o in response.context["page"].object_list] == [order.pk]
            assert "hold lapsed" in page_text(response)
            assert "hold lapsed" in page_text(alpha_client.get(f"{QUEUE}{order.pk}/"))
            alpha_client.post(f"{QUEUE}{order.pk}/status/", {"status": "confirmed"})
            with tenant_context(alpha):
                assert Order.objects.get(pk=order.pk).status == Order.Status.CONFIRMED
                assert available(shop["tea"]) == 6
                assert Reservation.objects.get(reference=order.reservation_reference, status="active").expires_at is None
            assert list(alpha_client.get(QUEUE + "?hold_lapsed=1").context["page"].object_list) == []

    def test_confirming_a_lapsed_order_is_refused_when_the_goods_are_gone(self, alpha, alpha_client, shop):
        order, later = self.lapse(alpha, shop, 8)
        sign_in(alpha_client, alpha, OWNER)
        with time_machine.travel(later, tick=False):
            with tenant_context(alpha):
                catalog_services.expire_reservations()
            place(alpha, CUSTOMER, [(shop["tea"], 5)])
            response = alpha_client.post(f"{QUEUE}bulk/", {"orders": [order.pk], "status": "confirmed"}, follow=True)
            assert f"#{order.number}: “Sencha”: you asked for 8, 5 available." in page_text(response)
            with tenant_context(alpha):
                assert Order.objects.get(pk=order.pk).status == Order.Status.NEW
                assert available(shop["tea"]) == 5
                assert not Reservation.objects.filter(reference=order.reservation_reference, status="active").exists()
