"""The referral programme: attribution through the link and by code (once, never oneself, never the same person
twice), commissions pending until the return window has passed (frozen time), caps, refunds and cancellations,
and that nothing crosses businesses or customers."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tenants.utils import tenant_context

from cabinet import events
from cabinet.accounts.services.profile import delete_account
from cabinet.ledger.models import Account, Kind, Transaction
from cabinet.modules.orders import services as orders
from cabinet.modules.referrals import selectors, services
from cabinet.modules.referrals.models import Commission, Referral
from cabinet.notifications.models import Notification
from cabinet.portal.services import set_module_enabled, update_module_settings

from .conftest import make_user, sign_in, user

pytestmark = pytest.mark.django_db
D = Decimal
REFERRER = "customer@alpha.test"
DELIVERY = {"recipient_name": "Ann Friend", "phone": "+380501234567", "delivery_method": "delivery",
            "address": "Kyiv, Main street 1"}


def code_of(tenant, email):
    with tenant_context(tenant):
        return services.code_for(user(tenant, email)).code


def brought(tenant, email, referrer=REFERRER, **extra):
    """A new customer `email` attributed to `referrer` through the link."""
    friend = make_user(tenant, email, **extra)
    with tenant_context(tenant):
        services.attribute(friend=friend, code=code_of(tenant, referrer))
    return friend


def place(tenant, customer, quantity=1, product=None):
    with tenant_context(tenant):
        lines = orders.lines_from_items([(product.pk, quantity)])
        return orders.place_order(customer, lines, DELIVERY)


def announce(tenant, order, event, capture):
    with tenant_context(tenant), capture(execute=True):
        orders.send_order_event(order, event)


def settings(tenant, **values):
    with tenant_context(tenant):
        from cabinet.portal.selectors import portal_state

        update_module_settings("referrals", {**portal_state().module_settings["referrals"], **values})


def commission(tenant, order):
    with tenant_context(tenant):
        return Commission.objects.filter(order_id=order.pk).first()


def money(tenant, email, kind=Kind.MONEY, currency="RUB"):
    with tenant_context(tenant):
        found = Account.objects.filter(owner__email=email, kind=kind, currency=currency).first()
        return found.balance if found else D("0")


class TestAttribution:
    def test_a_friend_registers_through_the_link_once(self, alpha, alpha_client, django_capture_on_commit_callbacks):
        heard = []

        def listener(sender, customer, event, details, **kwargs):
            heard.append((customer.email, event, details.get("friend")))

        events.customer_event.connect(listener)
        try:
            code = code_of(alpha, REFERRER)
            landing = alpha_client.get(f"/referrals/r/{code.lower()}/")
            assert landing.status_code == 302 and landing["Location"].endswith("/register/")
            with django_capture_on_commit_callbacks(execute=True):
                response = alpha_client.post("/register/", {
                    "full_name": "Anna Friend", "email": "anna@friend.test", "phone": "",
                    "password1": "Friend-Pass-4242", "password2": "Friend-Pass-4242"})
            assert response.status_code == 302
        finally:
            events.customer_event.disconnect(listener)
        with tenant_context(alpha):
            referral = Referral.objects.get(friend__email="anna@friend.test")
            assert referral.referrer.email == REFERRER and referral.via == Referral.Via.LINK
            assert Notification.objects.filter(event_id=f"referrals.joined:{referral.pk}").count() == 1
            friend = referral.friend
        assert ("customer@alpha.test", "referred", friend) in heard
        with tenant_context(alpha), pytest.raises(services.AttributionRefused) as refused:
            services.attribute(friend=friend, code=code)
        assert refused.value.code == "twice"

    def test_unknown_link_and_signed_in_visitor(self, alpha, alpha_client):
        response = alpha_client.get("/referrals/r/NOSUCHCODE/", follow=True)
        assert response.status_code == 200 and "not valid any more" in response.content.decode()
        sign_in(alpha_client, alpha, REFERRER)
        response = alpha_client.get(f"/referrals/r/{code_of(alpha, REFERRER)}/")
        assert response.status_code == 302 and response["Location"].endswith("/referrals/")

    @pytest.mark.parametrize("email, phone, reason", [
        ("customer+second@alpha.test", "", "same_contact"),  # the referrer's own address with a +tag
        ("other@alpha.test", "", "self"),
    ])
    def test_self_referral_is_refused(self, alpha, email, phone, reason):
        referrer = user(alpha, REFERRER)
        candidate = referrer if reason == "self" else make_user(alpha, email)
        with tenant_context(alpha), pytest.raises(services.AttributionRefused) as refused:
            services.attribute(friend=candidate, code=code_of(alpha, REFERRER))
        assert refused.value.code == reason
        with tenant_context(alpha):
            assert not Referral.objects.exists()

    def test_same_phone_as_the_referrer_is_refused(self, alpha):
        with tenant_context(alpha):
            get_user_model().objects.filter(email=REFERRER).update(phone="+380501112233")
        twin = make_user(alpha, "twin@alpha.test", phone="380501112233")  # the same number written otherwise
        with tenant_context(alpha):
            with pytest.raises(services.AttributionRefused) as refused:
                services.attribute(friend=twin, code=code_of(alpha, REFERRER))
        assert refused.value.code == "same_contact"

    def test_an_erased_and_re_registered_friend_is_not_attributed_again(self, alpha):
        friend = brought(alpha, "Ann.Friend@gmail.com")
        with tenant_context(alpha):
            delete_account(friend)
        again = make_user(alpha, "annfriend+new@gmail.com")
        make_user(alpha, "boris@alpha.test")
        with tenant_context(alpha), pytest.raises(services.AttributionRefused) as refused:
            services.attribute(friend=again, code=code_of(alpha, "boris@alpha.test"))
        assert refused.value.code == "contact_used"
        with tenant_context(alpha):
            assert Referral.objects.count() == 1

    def test_a_code_entered_on_the_page(self, alpha, alpha_client, shop):
        make_user(alpha, "new@alpha.test")
        sign_in(alpha_client, alpha, "new@alpha.test")
        page = alpha_client.get("/referrals/")
        assert page.status_code == 200 and "Were you invited?" in page.content.decode()
        bad = alpha_client.post("/referrals/", {"code": "ZZZZZZZZ"})
        assert bad.status_code == 400 and "No customer has this code" in bad.content.decode()
        own = alpha_client.post("/referrals/", {"code": code_of(alpha, "new@alpha.test")})
        assert own.status_code == 400 and "your own code" in own.content.decode()
        code = code_of(alpha, REFERRER)
        response = alpha_client.post("/referrals/", {"code": f" {code[:4]}-{code[4:].lower()} "})
        assert response.status_code == 302
        with tenant_context(alpha):
            assert Referral.objects.get(friend__email="new@alpha.test").via == Referral.Via.CODE
        again = alpha_client.post("/referrals/", {"code": code})
        assert again.status_code == 400
        with tenant_context(alpha):
            assert Referral.objects.count() == 1

    def test_a_code_late_or_after_an_order_is_refused(self, alpha, shop):
        late = make_user(alpha, "late@alpha.test")
        with tenant_context(alpha):
            get_user_model().objects.filter(pk=late.pk).update(date_joined=timezone.now() - timedelta(days=15))
            late.refresh_from_db()
            with pytest.raises(services.AttributionRefused) as refused:
                services.attribute(friend=late, code=code_of(alpha, REFERRER), via=Referral.Via.CODE)
            assert refused.value.code == "too_late"
        buyer = make_user(alpha, "buyer@alpha.test")
        place(alpha, buyer, product=shop["tea"])
        with tenant_context(alpha), pytest.raises(services.AttributionRefused) as refused:
            services.attribute(friend=buyer, code=code_of(alpha, REFERRER), via=Referral.Via.CODE)
        assert refused.value.code == "has_orders"


class TestCommission:
    def test_pending_until_the_return_window_passes(self, alpha, shop, django_capture_on_commit_callbacks):
        friend = brought(alpha, "anna@friend.test", full_name="Anna Friend")
        order = place(alpha, friend, 3, shop["tea"])
        announce(alpha, order, "placed", django_capture_on_commit_callbacks)
        assert commission(alpha, order) is None
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            announce(alpha, order, "paid", django_capture_on_commit_callbacks)
        found = commission(alpha, order)
        assert found.status == Commission.Status.PENDING and found.amount == D("30.00")
        assert found.due_at == start + timedelta(days=14)
        announce(alpha, order, "paid", django_capture_on_commit_callbacks)  # a repeat changes nothing
        with tenant_context(alpha):
            assert Commission.objects.count() == 1
        with time_machine.travel(start + timedelta(days=13, hours=23), tick=False), tenant_context(alpha):
            assert services.mature_due() == 0
        assert money(alpha, REFERRER) == 0
        with time_machine.travel(start + timedelta(days=14, minutes=1), tick=False), tenant_context(alpha):
            assert services.mature_due() == 1
            assert services.mature_due() == 0
        assert money(alpha, REFERRER) == D("30.00")
        found = commission(alpha, order)
        assert found.status == Commission.Status.AVAILABLE
        with tenant_context(alpha):
            assert found.transaction.reason == "commission" and found.transaction.params == {"friend": "An*** F."}
            assert Notification.objects.filter(event_id=f"referrals.available:{found.pk}").count() == 1

    def test_the_end_of_the_flow_counts_as_a_purchase(self, alpha, django_capture_on_commit_callbacks):
        with tenant_context(alpha):
            from .conftest import make_product

            ebook = make_product("E-book", price="50.00", currency="RUB", kind="digital")
        friend = brought(alpha, "reader@friend.test")
        order = place(alpha, friend, 1, ebook)
        owner = user(alpha, "owner@alpha.test")
        with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True):
            orders.change_status(order, "confirmed", by=owner)
        found = commission(alpha, order)
        assert found is not None and found.status == Commission.Status.PENDING and found.amount == D("5.00")

    def test_points_and_caps_per_friend_and_per_month(self, alpha, shop, django_capture_on_commit_callbacks):
        settings(alpha, reward="points", cap_per_friend=25, cap_per_month=40, return_days=0)
        anna = brought(alpha, "anna@friend.test")
        boris = brought(alpha, "boris@friend.test")
        first = place(alpha, anna, 2, shop["tea"])  # 20 points
        second = place(alpha, anna, 2, shop["tea"])  # 5 left for Anna
        third = place(alpha, boris, 3, shop["tea"])  # 30, but 15 left this month
        fourth = place(alpha, boris, 1, shop["tea"])
        for order in (first, second, third, fourth):
            announce(alpha, order, "paid", django_capture_on_commit_callbacks)
        got = [commission(alpha, order) for order in (first, second, third, fourth)]
        assert [c.amount for c in got] == [D("20"), D("5"), D("15"), D("0")]
        assert [c.limited_by for c in got] == ["", "friend_cap", "month_cap", "month_cap"]
        assert got[3].status == Commission.Status.NONE
        assert money(alpha, REFERRER, Kind.POINTS, "") == D("40")  # return window 0: credited at once
        with time_machine.travel(timezone.now() + timedelta(days=35), tick=False):
            fifth = place(alpha, boris, 1, shop["tea"])
            announce(alpha, fifth, "paid", django_capture_on_commit_callbacks)
            assert commission(alpha, fifth).amount == D("10")  # a new month

    def test_purchases_after_the_programme_months_earn_nothing(self, alpha, shop, django_capture_on_commit_callbacks):
        settings(alpha, months=2)
        friend = brought(alpha, "anna@friend.test")
        with time_machine.travel(timezone.now() + timedelta(days=63), tick=False):
            order = place(alpha, friend, 1, shop["tea"])
            announce(alpha, order, "paid", django_capture_on_commit_callbacks)
        found = commission(alpha, order)
        assert found.amount == 0 and found.status == Commission.Status.NONE and found.limited_by == "period_over"

    def test_refund_before_and_after_crediting(self, alpha, shop, django_capture_on_commit_callbacks):
        settings(alpha, reward="commission")
        friend = brought(alpha, "anna@friend.test")
        early, late = place(alpha, friend, 1, shop["tea"]), place(alpha, friend, 2, shop["tea"])
        for order in (early, late):
            announce(alpha, order, "paid", django_capture_on_commit_callbacks)
        announce(alpha, early, "refunded", django_capture_on_commit_callbacks)
        assert commission(alpha, early).status == Commission.Status.CANCELLED
        with time_machine.travel(timezone.now() + timedelta(days=15), tick=False), tenant_context(alpha):
            assert services.mature_due() == 1
        assert money(alpha, REFERRER, Kind.COMMISSION) == D("20.00")
        announce(alpha, late, "refunded", django_capture_on_commit_callbacks)
        assert commission(alpha, late).status == Commission.Status.REVERSED
        assert money(alpha, REFERRER, Kind.COMMISSION) == 0
        with tenant_context(alpha):
            assert Transaction.objects.filter(reason="reversal").count() == 1

    def test_a_spent_commission_is_marked_for_recovery(self, alpha, shop, django_capture_on_commit_callbacks):
        settings(alpha, return_days=0)
        friend = brought(alpha, "anna@friend.test")
        order = place(alpha, friend, 1, shop["tea"])
        announce(alpha, order, "paid", django_capture_on_commit_callbacks)
        from cabinet.ledger import services as ledger

        with tenant_context(alpha):
            account = ledger.customer_account(customer=user(alpha, REFERRER), kind=Kind.MONEY, currency="RUB")
            revenue = ledger.business_account(name="revenue", kind=Kind.MONEY, currency="RUB")
            ledger.post_transaction(lines=[(account, D("-10.00")), (revenue, D("10.00"))], reason="order_payment",
                                    params={"number": 1})
        announce(alpha, order, "refunded", django_capture_on_commit_callbacks)
        found = commission(alpha, order)
        assert found.recovery_due and found.status == Commission.Status.AVAILABLE
        with tenant_context(alpha):
            assert selectors.to_recover().count() == 1

    def test_a_cancelled_order_cancels_the_pending_commission(self, alpha, shop, django_capture_on_commit_callbacks):
        friend = brought(alpha, "anna@friend.test")
        order = place(alpha, friend, 1, shop["tea"])
        announce(alpha, order, "paid", django_capture_on_commit_callbacks)
        with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True):
            orders.cancel(order, user(alpha, "owner@alpha.test"), as_staff=True)
        assert commission(alpha, order).status == Commission.Status.CANCELLED
        with time_machine.travel(timezone.now() + timedelta(days=30), tick=False), tenant_context(alpha):
            assert services.mature_due() == 0

    def test_an_order_of_a_customer_nobody_brought_earns_nothing(self, alpha, shop, django_capture_on_commit_callbacks):
        order = place(alpha, make_user(alpha, "alone@alpha.test"), 1, shop["tea"])
        announce(alpha, order, "paid", django_capture_on_commit_callbacks)
        assert commission(alpha, order) is None

    def test_switched_off_the_module_listens_to_nothing(self, alpha, shop, django_capture_on_commit_callbacks):
        friend = brought(alpha, "anna@friend.test")
        with tenant_context(alpha):
            set_module_enabled("referrals", False)
        order = place(alpha, friend, 1, shop["tea"])
        announce(alpha, order, "paid", django_capture_on_commit_callbacks)
        assert commission(alpha, order) is None


class TestPages:
    def test_the_referrals_page_in_three_languages(self, alpha, alpha_client, shop, django_capture_on_commit_callbacks):
        friend = brought(alpha, "anna@friend.test", full_name="Anna Friend")
        order = place(alpha, friend, 2, shop["tea"])
        announce(alpha, order, "paid", django_capture_on_commit_callbacks)
        sign_in(alpha_client, alpha, REFERRER)
        page = alpha_client.get("/referrals/")
        text = page.content.decode()
        assert page.status_code == 200
        assert "An*** F." in text and "Anna Friend" not in text and "anna@friend.test" not in text
        assert f"/referrals/r/{code_of(alpha, REFERRER)}/" in text and 'data-commission="pending"' in text
        for language in ("ru", "uk"):
            translated = alpha_client.get("/referrals/", HTTP_ACCEPT_LANGUAGE=language)
            assert translated.status_code == 200 and "Referrals" not in translated.content.decode().split("<main")[-1]
        assert alpha_client.get("/referrals/?page=x").status_code == 200

    def test_the_business_sees_top_referrers(self, alpha, alpha_client, shop, django_capture_on_commit_callbacks):
        settings(alpha, return_days=0)
        friend = brought(alpha, "anna@friend.test")
        order = place(alpha, friend, 5, shop["tea"])
        announce(alpha, order, "paid", django_capture_on_commit_callbacks)
        sign_in(alpha_client, alpha, REFERRER)
        assert alpha_client.get("/manage/referrals/").status_code in (302, 403)
        make_user(alpha, "editor@alpha.test", role="editor")
        sign_in(alpha_client, alpha, "editor@alpha.test")
        assert alpha_client.get("/manage/referrals/").status_code == 403
        sign_in(alpha_client, alpha, "owner@alpha.test")
        page = alpha_client.get("/manage/referrals/")
        text = page.content.decode()
        assert page.status_code == 200 and "alpha customer" in text
        assert 'data-figure="credited"><strong>50,00' in text.replace("\xa0", " ") or "50.00" in text


class TestIsolation:
    def test_a_code_of_one_business_means_nothing_in_another(self, alpha, beta, beta_client):
        code = code_of(alpha, REFERRER)
        stranger = make_user(beta, "stranger@bravo.test")
        with tenant_context(beta), pytest.raises(services.AttributionRefused) as refused:
            services.attribute(friend=stranger, code=code)
        assert refused.value.code == "unknown"
        response = beta_client.get(f"/referrals/r/{code}/", follow=True)
        assert "not valid any more" in response.content.decode()

    def test_customers_see_only_their_own_friends(self, alpha, alpha_client, shop, django_capture_on_commit_callbacks):
        make_user(alpha, "other@alpha.test", full_name="Other Referrer")
        friend = brought(alpha, "anna@friend.test", full_name="Anna Friend")
        theirs = brought(alpha, "zoe@friend.test", referrer="other@alpha.test", full_name="Zoe Zed")
        announce(alpha, place(alpha, theirs, 1, shop["tea"]), "paid", django_capture_on_commit_callbacks)
        sign_in(alpha_client, alpha, REFERRER)
        text = alpha_client.get("/referrals/").content.decode()
        assert "An*** F." in text and "Zo*** Z." not in text and 'data-commission=' not in text
        sign_in(alpha_client, alpha, "other@alpha.test")
        text = alpha_client.get("/referrals/").content.decode()
        assert "Zo*** Z." in text and "An*** F." not in text
        assert friend.pk != theirs.pk
