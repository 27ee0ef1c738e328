"""Bonus points: earning by the business's rules (pending until the return window passes, frozen time), lots
that expire with a reminder before, spending at checkout (cart, API, recurring) within the share and rate and
never more than the customer has, cancelling and refunding undoing exactly what the order earned and spent,
bad input refused with nothing changed, and that nothing crosses businesses or customers."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import override
from django_tenants.utils import tenant_context

from cabinet import events
from cabinet.ledger import reconciliation
from cabinet.ledger import selectors as ledger_selectors
from cabinet.ledger.models import Account, Kind, Transaction
from cabinet.modules.apikeys.tests.conftest import bearer, make_key, switch_api
from cabinet.modules.loyalty import selectors, services
from cabinet.modules.loyalty.models import Choice, EarningRule, Lot, Redemption, RuleKind
from cabinet.modules.orders import services as orders
from cabinet.modules.orders.models import Order, RecurringOrder
from cabinet.notifications.models import Notification
from cabinet.portal.services import update_module_settings

from .conftest import SETTINGS, make_product, make_user, make_warehouse, sign_in, user

pytestmark = pytest.mark.django_db
D = Decimal
CUSTOMER = "customer@alpha.test"
DELIVERY = {"recipient_name": "Ann", "phone": "+380501234567", "delivery_method": "delivery",
            "address": "Kyiv, Main street 1"}


def rules(tenant, *, percent="5", **fixed):
    with tenant_context(tenant):
        EarningRule.objects.create(kind=RuleKind.PURCHASE, currency="RUB", percent=D(percent))
        for kind, points in fixed.items():
            EarningRule.objects.create(kind=kind, points=points)


def settings(tenant, **values):
    with tenant_context(tenant):
        update_module_settings("loyalty", {**SETTINGS, **values})


def place(tenant, customer, product, quantity=1, **kwargs):
    with tenant_context(tenant):
        return orders.place_order(customer, orders.lines_from_items([(product.pk, quantity)]), DELIVERY, **kwargs)


def announce(tenant, order, event, capture):
    with tenant_context(tenant), capture(execute=True):
        orders.send_order_event(order, event)


def points(tenant, email=CUSTOMER):
    with tenant_context(tenant):
        found = Account.objects.filter(owner__email=email, kind=Kind.POINTS).first()
        return found.balance if found else D("0")


def give(tenant, customer, amount, *, months=None, cause="gift"):
    """An available lot of `amount` points (a sign-up style rule), expiring after `months` when given."""
    with tenant_context(tenant):
        rule = EarningRule.objects.filter(kind=RuleKind.SIGN_UP).first() or EarningRule.objects.create(
            kind=RuleKind.SIGN_UP, points=amount)
        if months is not None:
            update_module_settings("loyalty", {**SETTINGS, "expiry_months": months})
        lot = services.award(customer=customer, rule=rule, points=amount, cause=("test", cause))
        update_module_settings("loyalty", SETTINGS)
        return lot


class TestEarning:
    def test_order_points_are_pending_until_the_return_window_passes(self, alpha, shop,
                                                                      django_capture_on_commit_callbacks):
        rules(alpha)
        customer = user(alpha, CUSTOMER)
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            order = place(alpha, customer, shop["tea"])
            announce(alpha, order, "paid", django_capture_on_commit_callbacks)
        with tenant_context(alpha):
            lot = Lot.objects.get(cause_type="orders.order", cause_id=str(order.pk))
            assert (lot.status, lot.points, lot.rule_version) == (Lot.Status.PENDING, 120, 1)
            assert selectors.summary(customer=customer).pending == 120
        assert points(alpha) == 0
        with tenant_context(alpha):
            assert services.mature_due(now=start + timedelta(days=13)) == 0
            assert services.mature_due(now=start + timedelta(days=14, seconds=1)) == 1
            entry = ledger_selectors.transactions(customer=customer, kind=Kind.POINTS).first()
            with override("en"):
                assert ledger_selectors.describe(entry) == (
                    f"+120 points: order #{order.number}, 5 % of {ledger_selectors.format_money(D('2400'), 'RUB')}")
            assert selectors.entries(customer=customer)[0].url == f"/orders/{order.pk}/"
        assert points(alpha) == 120

    def test_each_award_keeps_the_rule_version_it_was_made_by(self, alpha, shop, django_capture_on_commit_callbacks):
        rules(alpha)
        settings(alpha, return_days=0)
        customer = user(alpha, CUSTOMER)
        first = place(alpha, customer, shop["tea"])
        announce(alpha, first, "paid", django_capture_on_commit_callbacks)
        with tenant_context(alpha):
            rule = EarningRule.objects.get(kind=RuleKind.PURCHASE)
            services.save_rule({"kind": "purchase", "currency": "RUB", "percent": "10"}, rule=rule)
        second = place(alpha, customer, shop["tea"])
        announce(alpha, second, "paid", django_capture_on_commit_callbacks)
        with tenant_context(alpha):
            lots = list(Lot.objects.filter(source=RuleKind.PURCHASE).order_by("id"))
            assert [(lot.points, lot.rule_version) for lot in lots] == [(120, 1), (240, 2)]
        assert points(alpha) == 360
        # cancelling the first takes back exactly its 120, made by version 1
        with tenant_context(alpha):
            orders.cancel(Order.objects.get(pk=first.pk), by=customer)
        announce(alpha, first, "cancelled", django_capture_on_commit_callbacks)
        assert points(alpha) == 240

    def test_customer_events_earn_once_each(self, alpha, django_capture_on_commit_callbacks):
        rules(alpha, sign_up=100, birthday=300, review=50, referral=150)
        customer = user(alpha, CUSTOMER)
        friend = make_user(alpha, "friend@alpha.test", full_name="Olga Friend")
        with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True):
            for _twice in range(2):
                events.announce(customer, events.SIGNED_UP)
                events.announce(customer, events.BIRTHDAY)
                events.announce(customer, events.REFERRED, friend=friend)
        assert points(alpha) == 100 + 300 + 150
        with tenant_context(alpha), override("en"):
            texts = [row.text for row in selectors.entries(customer=customer)]
        assert "+150 points: a friend joined: Olga F." in texts
        assert "+100 points: welcome bonus for signing up" in texts

    def test_the_first_order_bonus_is_given_once(self, alpha, shop, django_capture_on_commit_callbacks):
        rules(alpha, first_order=200)
        settings(alpha, return_days=0)
        customer = user(alpha, CUSTOMER)
        for _n in range(2):
            announce(alpha, place(alpha, customer, shop["tea"]), "paid", django_capture_on_commit_callbacks)
        with tenant_context(alpha):
            assert Lot.objects.filter(source=RuleKind.FIRST_ORDER).count() == 1
        assert points(alpha) == 120 + 120 + 200

    def test_how_to_earn_shows_exactly_the_rules(self, alpha, alpha_client):
        rules(alpha, sign_up=100)
        page = alpha_client.get("/loyalty/earn/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "5 % of what you pay in RUB" in page and "100 points for signing up" in page
        assert "birthday" not in page.lower()


class TestExpiry:
    def test_points_expire_after_the_months_and_a_reminder_goes_first(self, alpha):
        customer = user(alpha, CUSTOMER)
        start = timezone.now() - timedelta(days=1)
        with time_machine.travel(start, tick=False):
            lot = give(alpha, customer, 500, months=3)
        assert lot.expires_at is not None
        with tenant_context(alpha):
            assert services.remind_due(now=lot.expires_at - timedelta(days=20)) == 0
            assert services.remind_due(now=lot.expires_at - timedelta(days=10)) == 1
            assert services.remind_due(now=lot.expires_at - timedelta(days=9)) == 0  # once
            note = Notification.objects.get(event="loyalty.expiring")
            assert note.recipient_id == customer.pk and "500" in note.body
            assert services.expire_due(now=lot.expires_at - timedelta(seconds=1)) == 0
            assert services.expire_due(now=lot.expires_at) == 1
        assert points(alpha) == 0
        with tenant_context(alpha):
            assert reconciliation.reconcile(record=False).differences == []

    def test_spending_draws_the_soonest_expiry_first(self, alpha, shop):
        customer = user(alpha, CUSTOMER)
        never = give(alpha, customer, 300, cause="never")
        soon = give(alpha, customer, 300, months=1, cause="soon")
        later = give(alpha, customer, 300, months=6, cause="later")
        order = place(alpha, customer, shop["tea"], placed_via="api", deductions={"loyalty.points": "400"})
        with tenant_context(alpha):
            remaining = {lot.pk: lot.remaining for lot in Lot.objects.all()}
            assert (remaining[soon.pk], remaining[later.pk], remaining[never.pk]) == (0, 200, 300)
            assert Redemption.objects.get(order_id=order.pk).points == 400

    def test_nothing_expires_by_default(self, alpha):
        lot = give(alpha, user(alpha, CUSTOMER), 100)
        assert lot.expires_at is None


class TestRedemption:
    def test_the_api_pays_part_of_an_order_with_points(self, alpha, shop):
        customer = user(alpha, CUSTOMER)
        give(alpha, customer, 1000)
        order = place(alpha, customer, shop["tea"], placed_via="api", deductions={"loyalty.points": "300"})
        assert (order.subtotal, order.total) == (D("2400.00"), D("2100.00"))
        assert points(alpha) == 700
        with tenant_context(alpha), override("en"):
            from cabinet.modules.orders import deductions

            assert deductions.explanations(order) == [
                f"−{ledger_selectors.format_money(D('300'), 'RUB')} paid with 300 points"]

    def test_the_staffs_order_page_shows_what_points_paid(self, alpha, alpha_client, shop):
        customer = user(alpha, CUSTOMER)
        give(alpha, customer, 1000)
        order = place(alpha, customer, shop["tea"], placed_via="api", deductions={"loyalty.points": "300"})
        sign_in(alpha_client, alpha, "owner@alpha.test")
        page = alpha_client.get(f"/manage/orders/{order.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Taken off what is owed" in page and "paid with 300 points" in page

    def test_the_share_and_the_rate_limit_what_points_pay(self, alpha, shop):
        customer = user(alpha, CUSTOMER)
        give(alpha, customer, 5000)
        settings(alpha, max_share=10, point_value=50)  # a point pays 0.50; at most 240 of 2 400
        order = place(alpha, customer, shop["tea"], placed_via="api", deductions={"loyalty.points": "max"})
        assert order.total == D("2160.00")
        assert points(alpha) == 5000 - 480
        with pytest.raises(ValidationError, match="At most 480 points"):
            place(alpha, customer, shop["tea"], placed_via="api", deductions={"loyalty.points": "481"})

    @pytest.mark.parametrize("asked", ["1001", "-5", "abc", "1e3", "99999999999"])
    def test_bad_or_too_much_is_refused_and_nothing_changes(self, alpha, shop, asked):
        customer = user(alpha, CUSTOMER)
        give(alpha, customer, 1000)
        with tenant_context(alpha):
            before = (Order.objects.count(), Transaction.objects.count())
        with pytest.raises(ValidationError) as caught:
            place(alpha, customer, shop["tea"], placed_via="api", deductions={"loyalty.points": asked})
        assert caught.value.message_dict["deductions"]
        with tenant_context(alpha):
            assert (Order.objects.count(), Transaction.objects.count()) == before
        assert points(alpha) == 1000

    def test_an_unknown_deduction_is_refused(self, alpha, shop):
        with pytest.raises(ValidationError, match="unknown"):
            place(alpha, user(alpha, CUSTOMER), shop["tea"], placed_via="api", deductions={"gift.card": "1"})

    def test_without_points_the_order_is_unchanged(self, alpha, shop):
        order = place(alpha, user(alpha, CUSTOMER), shop["tea"])
        assert order.total == order.subtotal - order.discount == D("2400.00")
        with tenant_context(alpha):
            assert not order.deductions.exists()

    def test_the_cart_explains_the_points_and_checkout_spends_them(self, alpha, alpha_client, shop):
        customer = user(alpha, CUSTOMER)
        give(alpha, customer, 1000)
        sign_in(alpha_client, alpha, CUSTOMER)
        alpha_client.post("/orders/cart/add/", {"product": shop["tea"].pk, "quantity": 1})
        assert alpha_client.post("/loyalty/use/", {"points": "abc"}).status_code == 302
        with tenant_context(alpha):
            assert not Choice.objects.filter(customer=customer, points__gt=0).exists()
        alpha_client.post("/loyalty/use/", {"points": "250"})
        cart = alpha_client.get("/orders/cart/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "paid with 250 points" in cart and "To pay" in cart
        response = alpha_client.post("/orders/checkout/", DELIVERY)
        assert response.status_code == 302
        with tenant_context(alpha):
            order = Order.objects.get(customer=customer)
            assert order.total == D("2150.00")
            assert Choice.objects.get(customer=customer).points == 0  # used up
        assert points(alpha) == 750
        page = alpha_client.get(f"/orders/{order.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "paid with 250 points" in page

    def test_recurring_orders_use_points_when_the_customer_chose_so(self, alpha, shop):
        customer = user(alpha, CUSTOMER)
        give(alpha, customer, 1000)
        first = place(alpha, customer, shop["tea"])
        with tenant_context(alpha):
            services.choose(customer=customer, points=None, on_recurring=True)
            recurring = orders.create_recurring(customer, first, "weekly", None, 0)
            RecurringOrder.objects.filter(pk=recurring.pk).update(next_run_on=date.today())
            orders.place_recurring(RecurringOrder.objects.get(pk=recurring.pk), date.today())
            placed = Order.objects.filter(placed_via="recurring").get()
            assert placed.total == D("1680.00")  # 30 % of 2 400 paid with 720 points
        assert points(alpha) == 280

    def test_the_api_takes_deductions(self, alpha, shop):
        from django.test import Client

        customer = user(alpha, CUSTOMER)
        give(alpha, customer, 1000)
        switch_api(alpha)
        _key, raw = make_key(alpha, customer)
        client = Client(HTTP_HOST="alpha.localhost")
        body = {"lines": [{"product": shop["tea"].pk, "quantity": 1}], **DELIVERY, "deductions": {"loyalty.points": "100"}}
        response = client.post("/api/v1/orders/", json.dumps(body), content_type="application/json",
                               HTTP_IDEMPOTENCY_KEY="k-1", **bearer(raw))
        assert response.status_code == 201, response.content
        assert (response.json()["deducted"], response.json()["total"]) == ("100.00", "2300.00")
        body["deductions"] = {"loyalty.points": "lots"}
        response = client.post("/api/v1/orders/", json.dumps(body), content_type="application/json",
                               HTTP_IDEMPOTENCY_KEY="k-2", **bearer(raw))
        assert response.status_code == 400 and "deductions" in response.json()["errors"]
        assert points(alpha) == 900


class TestReversal:
    def test_cancelling_returns_what_was_spent_and_cancels_what_is_pending(self, alpha, shop,
                                                                           django_capture_on_commit_callbacks):
        rules(alpha)
        customer = user(alpha, CUSTOMER)
        give(alpha, customer, 500, months=2)
        order = place(alpha, customer, shop["tea"], placed_via="api", deductions={"loyalty.points": "500"})
        announce(alpha, order, "paid", django_capture_on_commit_callbacks)  # 5 % of 1 900 = 95, pending
        with tenant_context(alpha):
            orders.cancel(Order.objects.get(pk=order.pk), by=customer)
        announce(alpha, order, "cancelled", django_capture_on_commit_callbacks)
        announce(alpha, order, "cancelled", django_capture_on_commit_callbacks)  # twice: once
        assert points(alpha) == 500
        with tenant_context(alpha):
            assert Lot.objects.get(source=RuleKind.PURCHASE).status == Lot.Status.CANCELLED
            assert Lot.objects.get(source=RuleKind.SIGN_UP).remaining == 500  # back into its lot
            with override("en"):
                assert selectors.entries(customer=customer)[0].text.startswith(
                    f"+500 points: returned: order #{order.number}")

    def test_a_refund_takes_back_available_points_exactly(self, alpha, shop, django_capture_on_commit_callbacks):
        rules(alpha)
        settings(alpha, return_days=0)
        customer = user(alpha, CUSTOMER)
        order = place(alpha, customer, shop["tea"])
        announce(alpha, order, "paid", django_capture_on_commit_callbacks)
        assert points(alpha) == 120
        announce(alpha, order, "refunded", django_capture_on_commit_callbacks)
        assert points(alpha) == 0
        with tenant_context(alpha):
            lot = Lot.objects.get()
            assert lot.status == Lot.Status.REVERSED and lot.reversal.reverses_id == lot.transaction_id
            assert reconciliation.reconcile(record=False).differences == []

    def test_points_already_spent_are_marked_for_the_staff(self, alpha, shop, django_capture_on_commit_callbacks):
        rules(alpha)
        settings(alpha, return_days=0)
        customer = user(alpha, CUSTOMER)
        order = place(alpha, customer, shop["tea"])
        announce(alpha, order, "paid", django_capture_on_commit_callbacks)
        place(alpha, customer, shop["tea"], placed_via="api", deductions={"loyalty.points": "100"})
        announce(alpha, order, "refunded", django_capture_on_commit_callbacks)
        with tenant_context(alpha):
            lot = Lot.objects.get(cause_id=str(order.pk))
            assert lot.recovery_due and lot.status == Lot.Status.AVAILABLE
        assert points(alpha) == 20


class TestIsolation:
    def test_businesses_and_customers_see_only_their_own_points(self, alpha, beta, alpha_client, beta_client, shop):
        customer = user(alpha, CUSTOMER)
        other = make_user(alpha, "other@alpha.test")
        give(alpha, customer, 700)
        assert points(beta, "customer@bravo.test") == 0
        sign_in(alpha_client, alpha, "other@alpha.test")
        page = alpha_client.get("/loyalty/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "+700 points" not in page and "No entries yet." in page
        with tenant_context(alpha):
            assert selectors.summary(customer=other).available == 0
        sign_in(beta_client, beta, "customer@bravo.test")
        assert "No entries yet." in beta_client.get("/loyalty/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        sign_in(alpha_client, alpha, CUSTOMER)
        page = alpha_client.get("/loyalty/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "+700 points" in page

    def test_another_customers_points_cannot_pay(self, alpha, shop):
        give(alpha, user(alpha, CUSTOMER), 700)
        other = make_user(alpha, "other@alpha.test")
        with pytest.raises(ValidationError, match="You have 0 points"):
            place(alpha, other, shop["tea"], placed_via="api", deductions={"loyalty.points": "100"})


class TestManage:
    def test_rules_are_added_checked_and_versioned(self, alpha, alpha_client):
        make_user(alpha, "manager@alpha.test", role="manager")
        sign_in(alpha_client, alpha, "manager@alpha.test")
        bad = alpha_client.post("/manage/loyalty/", {"kind": "purchase", "currency": "RUB", "percent": "150"},
                                HTTP_ACCEPT_LANGUAGE="en")
        assert bad.status_code == 400 and "from 0.01 to 100" in bad.content.decode()
        assert alpha_client.post("/manage/loyalty/", {"kind": "review", "points": "x"}).status_code == 400
        with tenant_context(alpha):
            assert not EarningRule.objects.exists()
        assert alpha_client.post("/manage/loyalty/", {"kind": "review", "points": "50", "active": "on"}).status_code == 302
        with tenant_context(alpha):
            rule = EarningRule.objects.get()
        twice = alpha_client.post("/manage/loyalty/", {"kind": "review", "points": "70", "active": "on"},
                                  HTTP_ACCEPT_LANGUAGE="en")
        assert twice.status_code == 400 and "already" in twice.content.decode()
        assert alpha_client.post(f"/manage/loyalty/{rule.pk}/", {"kind": "review", "points": "70",
                                                                  "active": "on"}).status_code == 302
        with tenant_context(alpha):
            rule.refresh_from_db()
            assert (rule.points, rule.version) == (70, 2)

    def test_customers_cannot_manage(self, alpha, alpha_client):
        sign_in(alpha_client, alpha, CUSTOMER)
        assert alpha_client.get("/manage/loyalty/").status_code in (302, 403, 404)

    def test_the_customer_card_shows_the_points(self, alpha, alpha_client):
        customer = user(alpha, CUSTOMER)
        give(alpha, customer, 400)
        from cabinet.modules.loyalty.customer_card import section

        class Request:
            user = make_user(alpha, "manager@alpha.test", role="manager")

        with tenant_context(alpha):
            found = section(Request(), customer)
            assert found is not None and found.context["summary"].available == 400
            Request.user = customer
            assert section(Request(), customer) is None


def test_the_dashboard_card_tells_available_pending_and_expiring(alpha, alpha_client, shop):
    customer = user(alpha, CUSTOMER)
    give(alpha, customer, 300, months=1)
    settings(alpha, reminder_days=45)
    sign_in(alpha_client, alpha, CUSTOMER)
    page = alpha_client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "300 points" in page and "expire by" in page
    _unused = make_product, make_warehouse
