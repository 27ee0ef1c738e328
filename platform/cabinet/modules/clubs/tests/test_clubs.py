"""Clubs: joining and leaving, approvals, clubs by spend at a month boundary, the board and its moderation,
the club's price through the real cart, the support queue's perk, and isolation between businesses and
between customers."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from cabinet.modules.clubs import selectors, services
from cabinet.modules.clubs.models import Club, Membership, Post, Report
from cabinet.modules.orders import services as orders_services
from cabinet.modules.orders.models import DiscountRule, Order
from cabinet.notifications.models import Notification

from .conftest import make_product, make_user, make_warehouse, sign_in, user

pytestmark = pytest.mark.django_db
CUSTOMER, OTHER = "customer@alpha.test", "other@alpha.test"
UTC = ZoneInfo("UTC")


def club(tenant, **fields):
    with tenant_context(tenant):
        defaults = {"name": "Young mothers", "slug": "young-mothers"}
        return Club.objects.create(**{**defaults, **fields})


def members_of(tenant, found) -> set[str]:
    with tenant_context(tenant):
        return set(Membership.objects.filter(club=found, status="active").values_list("customer__email", flat=True))


class TestJoining:
    def test_a_customer_joins_an_open_club_and_leaves_it_with_a_notice_each_time(self, alpha, alpha_client):
        found = club(alpha)
        sign_in(alpha_client, alpha, CUSTOMER)
        assert alpha_client.post("/clubs/young-mothers/join/").status_code == 302
        assert members_of(alpha, found) == {CUSTOMER}
        alpha_client.post("/clubs/young-mothers/leave/")
        assert members_of(alpha, found) == set()
        with tenant_context(alpha):
            events = list(Notification.objects.filter(recipient_key__contains="").values_list("event", flat=True))
        assert "clubs.joined" in events and "clubs.left" in events

    def test_a_club_by_approval_waits_for_staff(self, alpha, alpha_client):
        found = club(alpha, access=Club.Access.APPROVAL, slug="vip", name="VIP guests")
        sign_in(alpha_client, alpha, CUSTOMER)
        alpha_client.post("/clubs/vip/join/")
        assert members_of(alpha, found) == set()
        with tenant_context(alpha):
            request = Membership.objects.get(club=found)
            assert request.status == "pending"
        manager = make_user(alpha, "boss@alpha.test", role="manager")
        staff = alpha_client.__class__(HTTP_HOST="alpha.localhost")
        sign_in(staff, alpha, manager.email)
        page = staff.get("/manage/clubs/approvals/")
        assert "VIP guests" in page.content.decode()
        staff.post(f"/manage/clubs/members/{request.pk}/approve/", {"next": "approvals"})
        assert members_of(alpha, found) == {CUSTOMER}
        with tenant_context(alpha):
            assert Notification.objects.filter(event="clubs.approved").count() == 1

    def test_a_club_by_spend_cannot_be_joined_by_hand_and_nothing_changes(self, alpha):
        found = club(alpha, access=Club.Access.SPEND, spend_threshold=Decimal("10000"), spend_currency="RUB")
        with tenant_context(alpha), pytest.raises(ValidationError):
            services.join(club=found, customer=user(alpha, CUSTOMER))
        assert members_of(alpha, found) == set()


def completed_order(tenant, email, total, at):
    with tenant_context(tenant):
        return Order.objects.create(customer=user(tenant, email), currency="RUB", total=Decimal(total),
                                    subtotal=Decimal(total), status="done", flow="service", created_at=at,
                                    recipient_name="A", phone="+380501234567")


class TestSpendClubs:
    def test_the_calendar_month_is_recalculated_at_the_month_boundary(self, alpha):
        make_user(alpha, OTHER)
        found = club(alpha, access=Club.Access.SPEND, spend_threshold=Decimal("10000"), spend_currency="RUB",
                     slug="gold", name="Gold")
        completed_order(alpha, CUSTOMER, "6000.00", datetime(2026, 1, 10, 12, tzinfo=UTC))
        completed_order(alpha, CUSTOMER, "4000.00", datetime(2026, 1, 31, 23, 30, tzinfo=UTC))
        completed_order(alpha, OTHER, "12000.00", datetime(2026, 2, 1, 0, 30, tzinfo=UTC))
        with tenant_context(alpha):
            # On the last day of January nothing of January counts yet (the last calendar month is December).
            assert services.recalculate_all(now=datetime(2026, 1, 31, 23, 59, tzinfo=UTC)) == (0, 0)
            # Just after midnight: January counts, 6000 + 4000 reaches the threshold; February's order not yet.
            assert services.recalculate_all(now=datetime(2026, 2, 1, 0, 1, tzinfo=UTC)) == (1, 0)
        assert members_of(alpha, found) == {CUSTOMER}
        with tenant_context(alpha):
            # A month later January is gone and February counts: one leaves, the other joins.
            assert services.recalculate_all(now=datetime(2026, 3, 1, 0, 1, tzinfo=UTC)) == (1, 1)
            assert set(Notification.objects.values_list("event", flat=True)) >= {"clubs.joined", "clubs.left"}
        assert members_of(alpha, found) == {OTHER}

    def test_rolling_thirty_days_and_a_cancelled_order_never_counts(self, alpha):
        found = club(alpha, access=Club.Access.SPEND, spend_threshold=Decimal("10000"), spend_currency="RUB",
                     spend_period=Club.Period.ROLLING_30, slug="gold", name="Gold")
        completed_order(alpha, CUSTOMER, "9000.00", datetime(2026, 5, 2, tzinfo=UTC))
        cancelled = completed_order(alpha, CUSTOMER, "5000.00", datetime(2026, 5, 3, tzinfo=UTC))
        with tenant_context(alpha):
            Order.objects.filter(pk=cancelled.pk).update(status="cancelled")
            services.recalculate_all(now=datetime(2026, 5, 20, tzinfo=UTC))
        assert members_of(alpha, found) == set()
        completed_order(alpha, CUSTOMER, "1000.00", datetime(2026, 5, 19, tzinfo=UTC))
        with tenant_context(alpha):
            services.recalculate_all(now=datetime(2026, 5, 20, tzinfo=UTC))
        assert members_of(alpha, found) == {CUSTOMER}

    def test_an_order_reaching_its_last_status_recalculates_its_customer(self, alpha):
        found = club(alpha, access=Club.Access.SPEND, spend_threshold=Decimal("100"), spend_currency="RUB",
                     spend_period=Club.Period.ROLLING_30, slug="gold", name="Gold")
        order = completed_order(alpha, CUSTOMER, "150.00", datetime.now(UTC))
        with tenant_context(alpha):
            from cabinet.modules.clubs.receivers import order_changed

            order_changed(Order, order=order, event="status")
        assert members_of(alpha, found) == {CUSTOMER}


class TestBoard:
    def test_a_non_member_never_sees_the_board_or_the_club_price(self, alpha, alpha_client):
        found = club(alpha)
        make_user(alpha, OTHER)
        with tenant_context(alpha):
            services.join(club=found, customer=user(alpha, CUSTOMER))
            services.add_post(club=found, author=user(alpha, CUSTOMER), body="Secret playground tips")
            DiscountRule.objects.create(title="Family offer", kind="condition", value=Decimal("10"),
                                        condition=f"clubs.member:{found.pk}")
        sign_in(alpha_client, alpha, OTHER)
        page = alpha_client.get("/clubs/young-mothers/").content.decode()
        assert "Secret playground tips" not in page and "Family offer" not in page
        assert alpha_client.post("/clubs/young-mothers/post/", {"body": "Let me in"}).status_code == 404
        sign_in(alpha_client, alpha, CUSTOMER)
        page = alpha_client.get("/clubs/young-mothers/").content.decode()
        assert "Secret playground tips" in page and "Family offer" in page

    def test_reported_posts_reach_the_queue_and_hidden_posts_leave_the_board(self, alpha, alpha_client):
        found = club(alpha)
        make_user(alpha, OTHER)
        with tenant_context(alpha):
            for email in (CUSTOMER, OTHER):
                services.join(club=found, customer=user(alpha, email))
            post = services.add_post(club=found, author=user(alpha, OTHER), body="Buy my pills")
        sign_in(alpha_client, alpha, CUSTOMER)
        alpha_client.post(f"/clubs/young-mothers/posts/{post.pk}/report/", {"reason": "Spam"})
        alpha_client.post(f"/clubs/young-mothers/posts/{post.pk}/report/", {"reason": "Spam again"})
        with tenant_context(alpha):
            assert Report.objects.filter(post=post, resolved_at=None).count() == 1
        editor = make_user(alpha, "editor@alpha.test", role="editor")
        staff = alpha_client.__class__(HTTP_HOST="alpha.localhost")
        sign_in(staff, alpha, editor.email)
        queue = staff.get("/manage/clubs/reports/").content.decode()
        assert "Buy my pills" in queue and "Spam" in queue
        staff.post(f"/manage/clubs/posts/{post.pk}/hide/", {"next": "reports"})
        assert "Buy my pills" not in staff.get("/manage/clubs/reports/").content.decode()
        assert "Buy my pills" not in alpha_client.get("/clubs/young-mothers/").content.decode()
        staff.post(f"/manage/clubs/posts/{post.pk}/delete/")
        with tenant_context(alpha):
            assert not Post.objects.filter(pk=post.pk).exists()

    def test_a_customer_cannot_moderate_and_an_empty_post_changes_nothing(self, alpha, alpha_client):
        found = club(alpha)
        with tenant_context(alpha):
            services.join(club=found, customer=user(alpha, CUSTOMER))
            post = services.add_post(club=found, author=user(alpha, CUSTOMER), body="Hello")
        sign_in(alpha_client, alpha, CUSTOMER)
        assert alpha_client.post(f"/manage/clubs/posts/{post.pk}/delete/").status_code in (302, 403, 404)
        assert alpha_client.post("/clubs/young-mothers/post/", {"body": "   "}).status_code == 400
        with tenant_context(alpha):
            assert Post.objects.filter(club=found).count() == 1

    def test_staff_news_is_told_to_every_member(self, alpha):
        found = club(alpha)
        make_user(alpha, OTHER)
        owner = make_user(alpha, "owner2@alpha.test", role="owner")
        with tenant_context(alpha):
            for email in (CUSTOMER, OTHER):
                services.join(club=found, customer=user(alpha, email))
            services.add_post(club=found, author=owner, body="Family weekend", is_news=True)
            assert Notification.objects.filter(event="clubs.news").count() == 2


class TestPricingThroughTheCart:
    def test_a_member_gets_the_club_price_in_the_real_cart_and_a_non_member_does_not(self, alpha, alpha_client):
        found = club(alpha)
        make_user(alpha, OTHER)
        with tenant_context(alpha):
            tea = make_product("Sencha", price="100.00", currency="RUB", sku="TEA-C",
                               stock={make_warehouse("Central"): 10})
            orders_services.save_discount_rule(DiscountRule(
                title="Mothers' tea", kind="condition", value=Decimal("20"), condition=f"clubs.member:{found.pk}"))
        sign_in(alpha_client, alpha, CUSTOMER)
        alpha_client.post("/orders/cart/add/", {"product": tea.pk, "quantity": 1})
        assert "Mothers" not in alpha_client.get("/orders/cart/").content.decode()
        alpha_client.post("/clubs/young-mothers/join/")
        cart = alpha_client.get("/orders/cart/").content.decode()
        assert "Mothers" in cart and "80" in cart
        with tenant_context(alpha):
            assert orders_services.price_for(user(alpha, CUSTOMER)).priced.total == Decimal("80.00")
            assert orders_services.price_for(user(alpha, OTHER)).priced is None

    def test_the_rule_editor_offers_the_club_and_refuses_a_condition_rule_without_one(self, alpha, alpha_client):
        club(alpha)
        owner = make_user(alpha, "owner2@alpha.test", role="owner")
        staff = alpha_client.__class__(HTTP_HOST="alpha.localhost")
        sign_in(staff, alpha, owner.email)
        page = staff.get("/manage/orders/discounts/new/").content.decode()
        assert "Member of the club: Young mothers" in page
        refused = staff.post("/manage/orders/discounts/new/", {
            "title": "No club", "kind": "condition", "value": "10", "value_type": "percent", "scope": "cart",
            "combine": "best", "priority": "0", "active": "on", "time_zone": "UTC"})
        assert refused.status_code in (200, 400)
        with tenant_context(alpha):
            assert not DiscountRule.objects.filter(title="No club").exists()

    def test_a_switched_off_module_gives_no_club_price(self, alpha):
        from cabinet.portal.services import set_module_enabled

        found = club(alpha)
        with tenant_context(alpha):
            customer = user(alpha, CUSTOMER)
            services.join(club=found, customer=customer)
            assert orders_services.customer_conditions(customer) == {f"clubs.member:{found.pk}"}
            set_module_enabled("clubs", False)
            assert orders_services.customer_conditions(customer) == frozenset()


class TestSupportPerk:
    def test_members_requests_come_first_with_the_club_badge(self, alpha):
        from cabinet.modules.support import selectors as support_selectors
        from cabinet.modules.support.models import Request

        found = club(alpha, name="VIP guests", slug="vip")
        make_user(alpha, OTHER)
        with tenant_context(alpha):
            first = Request.objects.create(customer=user(alpha, OTHER), subject="Waiting longest")
            second = Request.objects.create(customer=user(alpha, CUSTOMER), subject="Club member")
            services.join(club=found, customer=user(alpha, CUSTOMER))
            queue = list(support_selectors.staff_queue())
            assert [r.pk for r in queue[:2]] == [second.pk, first.pk]
            assert queue[0].priority_badge == "VIP guests" and queue[1].priority_badge == ""


class TestIsolation:
    def test_a_club_of_one_business_is_not_seen_or_joined_in_another(self, alpha, beta, alpha_client, beta_client):
        club(alpha, name="Alpha secret club", slug="alpha-secret")
        assert "Alpha secret club" not in beta_client.get("/clubs/").content.decode()
        assert beta_client.get("/clubs/alpha-secret/").status_code == 404
        assert "Alpha secret club" in alpha_client.get("/clubs/").content.decode()
        with tenant_context(beta):
            assert Club.objects.count() == 0
            assert selectors.condition_choices() == []
