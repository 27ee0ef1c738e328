"""Top-ups by card and the staff's refunds against localstripe: the customer's pages, Stripe.js's calls made the
way the browser makes them, webhooks signed the way Stripe signs them (each delivered twice, out of order), the
balance credited and debited exactly once, 3-D Secure, the limits, and isolation between customers."""

import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request
from decimal import Decimal

import pytest
import stripe
from django.conf import settings
from django_tenants.utils import tenant_context

from billing import services as billing
from billing.models import Payment, StripeEvent
from cabinet.ledger import selectors as ledger_selectors
from cabinet.ledger.models import Kind, Transaction
from cabinet.portal.services import set_module_enabled, update_module_settings
from tests.helpers import make_user, sign_in, user

pytestmark = pytest.mark.django_db
D = Decimal
SECRET = "whsec_topups"
KEYS = {"secret_key": "sk_test_topups1", "publishable_key": "pk_test_topups1", "webhook_secret": SECRET}
VISA, THREE_D_SECURE = "4242424242424242", "4000002760003184"


@pytest.fixture(autouse=True)
def _stripe(alpha, beta):
    if not settings.STRIPE_API_BASE:
        pytest.skip("STRIPE_API_BASE is unset: run the tests through `python -m cabinet.launcher test`")
    for tenant in (alpha, beta):
        with tenant_context(tenant):
            set_module_enabled("wallet", True)
            update_module_settings("wallet", {"topup_min": 100, "topup_max": 50000, "topup_currency": "RUB"})
            billing.connect_stripe_account(**KEYS)


def localstripe() -> stripe.StripeClient:
    return stripe.StripeClient(KEYS["secret_key"], base_addresses={"api": settings.STRIPE_API_BASE})


def card_token(number: str = VISA) -> str:
    """What Stripe.js's createToken does in the browser: the card straight to Stripe with the publishable key."""
    body = urllib.parse.urlencode({"card[number]": number, "card[exp_month]": "12", "card[exp_year]": "2034",
                                   "card[cvc]": "123", "key": KEYS["publishable_key"]}).encode()
    with urllib.request.urlopen(f"{settings.STRIPE_API_BASE}/v1/tokens", data=body, timeout=10) as answer:
        return json.loads(answer.read())["id"]


def authenticate(payment: Payment, success: bool = True) -> None:
    """What Stripe.js's confirmCardPayment does after the customer answers the 3-D Secure question."""
    url = (f"{settings.STRIPE_API_BASE}/v1/payment_intents/{payment.payment_intent_id}/_authenticate"
           f"?success={'true' if success else 'false'}")
    body = json.dumps({"key": KEYS["publishable_key"], "client_secret": payment.client_secret}).encode()
    urllib.request.urlopen(urllib.request.Request(url, data=body, method="POST"), timeout=10).close()


def signed(payload: bytes, secret: str = SECRET) -> str:
    at = int(time.time())
    return f"t={at},v1={hmac.new(secret.encode(), f'{at}.'.encode() + payload, hashlib.sha256).hexdigest()}"


def deliver(client, tenant, kind: str, obj, event_id: str, secret: str = SECRET) -> int:
    """POSTs a signed event to the intake and, as the Celery task would, processes what was stored."""
    body = json.dumps({"id": event_id, "object": "event", "type": kind, "created": int(time.time()),
                       "data": {"object": json.loads(str(obj))}}).encode()
    response = client.post("/billing/stripe/webhook/", body, content_type="application/json",
                           HTTP_STRIPE_SIGNATURE=signed(body, secret))
    if response.status_code == 200:
        with tenant_context(tenant):
            for stored in StripeEvent.objects.filter(processed_at__isnull=True):
                billing.process_event(event_pk=stored.pk)
    return response.status_code


def balance(tenant, email: str = "customer@alpha.test") -> Decimal:
    with tenant_context(tenant):
        return ledger_selectors.balance(customer=user(tenant, email), kind=Kind.MONEY, currency="RUB")


def entries(tenant, reason: str) -> int:
    with tenant_context(tenant):
        return Transaction.objects.filter(reason=reason).count()


def start(client, tenant, amount="500"):
    sign_in(client, tenant, "customer@alpha.test")
    response = client.post("/wallet/topup/", {"amount": amount})
    assert response.status_code == 302, response.content.decode()[:500]
    with tenant_context(tenant):
        payment = Payment.objects.get()
    assert response["Location"] == f"/billing/pay/{payment.pk}/"
    return payment


def charge_of(payment: Payment):
    found = localstripe().v1.payment_intents.retrieve(payment.payment_intent_id).latest_charge
    return localstripe().v1.charges.retrieve(found if isinstance(found, str) else found.id)


def pay_at_stripe(payment: Payment, number: str = VISA):
    """The card paid at Stripe without our server hearing the answer (the customer closed the tab)."""
    client = localstripe()
    customer = client.v1.customers.create(params={"source": card_token(number)})
    client.v1.payment_intents.update(payment.payment_intent_id,
                                     params={"customer": customer.id, "payment_method": customer.default_source})
    return client.v1.payment_intents.confirm(payment.payment_intent_id)


class TestTopUp:
    def test_customer_tops_up_with_the_test_card(self, alpha, alpha_client):
        payment = start(alpha_client, alpha)
        assert payment.amount == D("500") and payment.currency == "RUB" and payment.purpose == "wallet.topup"
        page = alpha_client.get(f"/billing/pay/{payment.pk}/")
        assert page.status_code == 200
        assert settings.STRIPE_JS_URL in page.content.decode() and "pk_test_topups1" in page.content.decode()
        answer = alpha_client.post(f"/billing/pay/{payment.pk}/card/", {"token": card_token()},
                                   content_type="application/json")
        assert answer.status_code == 200 and answer.json()["status"] == "succeeded"
        done = alpha_client.get(answer.json()["next"])
        assert done.status_code == 302 and done["Location"] == "/wallet/"
        assert balance(alpha) == D("500")
        with tenant_context(alpha):
            credit = Transaction.objects.get(reason="topup")
            assert credit.idempotency_key == payment.payment_intent_id
        page = alpha_client.get("/wallet/").content.decode()
        assert "top-up by card" in page
        # Stripe's own webhook comes later, twice: nothing more is credited.
        intent = localstripe().v1.payment_intents.retrieve(payment.payment_intent_id)
        assert deliver(alpha_client, alpha, "payment_intent.succeeded", intent, "evt_ok") == 200
        assert deliver(alpha_client, alpha, "payment_intent.succeeded", intent, "evt_ok") == 200
        assert balance(alpha) == D("500") and entries(alpha, "topup") == 1

    def test_the_webhook_first_then_the_return_page_credits_once(self, alpha, alpha_client):
        payment = start(alpha_client, alpha, "1200,50")
        intent = pay_at_stripe(payment)
        assert intent.status == "succeeded" and balance(alpha) == 0
        assert deliver(alpha_client, alpha, "payment_intent.succeeded", intent, "evt_first") == 200
        assert balance(alpha) == D("1200.50")
        assert alpha_client.get(f"/billing/pay/{payment.pk}/done/").status_code == 302
        assert deliver(alpha_client, alpha, "payment_intent.succeeded", intent, "evt_first_again") == 200
        assert balance(alpha) == D("1200.50") and entries(alpha, "topup") == 1

    def test_the_return_page_asks_stripe_when_no_webhook_came(self, alpha, alpha_client):
        payment = start(alpha_client, alpha)
        pay_at_stripe(payment)
        assert alpha_client.get(f"/billing/pay/{payment.pk}/done/")["Location"] == "/wallet/"
        assert balance(alpha) == D("500")

    def test_three_d_secure_is_answered_on_the_page(self, alpha, alpha_client):
        payment = start(alpha_client, alpha)
        answer = alpha_client.post(f"/billing/pay/{payment.pk}/card/", {"token": card_token(THREE_D_SECURE)},
                                   content_type="application/json").json()
        assert answer["status"] == "requires_action" and answer["client_secret"] == payment.client_secret
        assert balance(alpha) == 0
        authenticate(payment)
        assert alpha_client.get(answer["next"])["Location"] == "/wallet/"
        assert balance(alpha) == D("500") and entries(alpha, "topup") == 1

    def test_a_failed_3ds_credits_nothing(self, alpha, alpha_client):
        payment = start(alpha_client, alpha)
        alpha_client.post(f"/billing/pay/{payment.pk}/card/", {"token": card_token(THREE_D_SECURE)},
                          content_type="application/json")
        authenticate(payment, success=False)
        done = alpha_client.get(f"/billing/pay/{payment.pk}/done/")
        assert done["Location"] == f"/billing/pay/{payment.pk}/"
        assert balance(alpha) == 0 and entries(alpha, "topup") == 0

    @pytest.mark.parametrize("amount, message", [
        ("50", "A top-up is from"), ("50001", "A top-up is from"), ("abc", "Enter an amount"),
        ("100.123", "at most two decimals"), ("", "This field is required")])
    def test_amounts_outside_the_limits_are_refused_clearly(self, alpha, alpha_client, amount, message):
        sign_in(alpha_client, alpha, "customer@alpha.test")
        response = alpha_client.post("/wallet/topup/", {"amount": amount})
        assert response.status_code == 400
        assert message in response.content.decode()
        with tenant_context(alpha):
            assert not Payment.objects.exists()

    def test_the_limits_are_the_business_s_settings(self, alpha, alpha_client):
        with tenant_context(alpha):
            update_module_settings("wallet", {"topup_min": 1000, "topup_max": 2000, "topup_currency": "RUB"})
        sign_in(alpha_client, alpha, "customer@alpha.test")
        page = alpha_client.get("/wallet/").content.decode()
        assert "Top up by card" in page and "1,000.00" in page and "2,000.00" in page
        assert alpha_client.post("/wallet/topup/", {"amount": "500"}).status_code == 400
        assert alpha_client.post("/wallet/topup/", {"amount": "1500"}).status_code == 302

    def test_without_stripe_there_is_no_top_up(self, alpha, alpha_client):
        with tenant_context(alpha):
            billing.disconnect_stripe_account()
        sign_in(alpha_client, alpha, "customer@alpha.test")
        assert "Top up by card" not in alpha_client.get("/wallet/").content.decode()
        response = alpha_client.post("/wallet/topup/", {"amount": "500"})
        assert response.status_code == 400 and "not set up" in response.content.decode()

    def test_a_bad_signature_is_400_and_credits_nothing(self, alpha, alpha_client):
        payment = start(alpha_client, alpha)
        intent = pay_at_stripe(payment)
        assert deliver(alpha_client, alpha, "payment_intent.succeeded", intent, "evt_forged",
                       secret="whsec_forged") == 400
        assert balance(alpha) == 0
        with tenant_context(alpha):
            assert not StripeEvent.objects.exists()
            assert Payment.objects.get().status == Payment.Status.CREATED


class TestRefunds:
    def paid(self, client, tenant, amount="500"):
        payment = start(client, tenant, amount)
        client.post(f"/billing/pay/{payment.pk}/card/", {"token": card_token()}, content_type="application/json")
        assert balance(tenant) == D(amount)
        return payment

    def test_staff_refund_to_the_card_debits_once(self, alpha, alpha_client):
        payment = self.paid(alpha_client, alpha)
        manager = make_user(alpha, "manager@alpha.test", role="manager")
        sign_in(alpha_client, alpha, "manager@alpha.test")
        customer = user(alpha, "customer@alpha.test")
        page = alpha_client.get(f"/manage/wallet/{customer.pk}/").content.decode()
        assert "Refund to card" in page
        response = alpha_client.post(f"/manage/wallet/{customer.pk}/topups/{payment.pk}/refund/")
        assert response.status_code == 302 and manager
        with tenant_context(alpha):
            assert Payment.objects.get().status == Payment.Status.REFUND_PENDING
            assert billing.send_refund(payment_id=payment.pk) == Payment.Status.REFUNDED  # the Celery task's body
        assert balance(alpha) == 0 and entries(alpha, "topup_refund") == 1
        charge = charge_of(payment)
        assert charge.refunded
        for _ in range(2):
            assert deliver(alpha_client, alpha, "charge.refunded", charge, "evt_refunded") == 200
        assert balance(alpha) == 0 and entries(alpha, "topup_refund") == 1
        sign_in(alpha_client, alpha, "customer@alpha.test")
        assert "top-up refunded to the card" in alpha_client.get("/wallet/").content.decode()

    def test_events_twice_and_out_of_order_give_one_credit_and_one_debit(self, alpha, alpha_client):
        payment = start(alpha_client, alpha)
        intent = pay_at_stripe(payment)
        localstripe().v1.refunds.create(params={"payment_intent": payment.payment_intent_id})
        charge = charge_of(payment)
        # The refund arrives before the success, and each is delivered twice.
        for event_id, kind, obj in (("evt_r", "charge.refunded", charge), ("evt_s", "payment_intent.succeeded", intent),
                                    ("evt_r", "charge.refunded", charge), ("evt_s", "payment_intent.succeeded", intent)):
            assert deliver(alpha_client, alpha, kind, obj, event_id) == 200
        assert entries(alpha, "topup") == 1 and entries(alpha, "topup_refund") == 1 and balance(alpha) == 0
        with tenant_context(alpha):
            assert Payment.objects.get().status == Payment.Status.REFUNDED
            assert StripeEvent.objects.get(event_id="evt_r").deliveries == 2
        assert alpha_client.get(f"/billing/pay/{payment.pk}/done/").status_code == 302
        assert balance(alpha) == 0

    def test_a_spent_top_up_is_not_refunded_to_the_card(self, alpha, alpha_client):
        payment = self.paid(alpha_client, alpha)
        with tenant_context(alpha):
            from cabinet.modules.wallet import services

            services.adjust_balance(customer=user(alpha, "customer@alpha.test"), amount=D("-100"), currency="RUB",
                                    note="spent", actor=None)
        make_user(alpha, "manager@alpha.test", role="manager")
        sign_in(alpha_client, alpha, "manager@alpha.test")
        customer = user(alpha, "customer@alpha.test")
        response = alpha_client.post(f"/manage/wallet/{customer.pk}/topups/{payment.pk}/refund/", follow=True)
        assert "has spent part of it" in response.content.decode()
        with tenant_context(alpha):
            assert Payment.objects.get().status == Payment.Status.SUCCEEDED

    def test_refund_to_the_balance(self, alpha, alpha_client):
        make_user(alpha, "manager@alpha.test", role="manager")
        sign_in(alpha_client, alpha, "manager@alpha.test")
        customer = user(alpha, "customer@alpha.test")
        url = f"/manage/wallet/{customer.pk}/refund/"
        refused = alpha_client.post(url, {"amount": "300", "currency": "RUB", "note": ""})
        assert refused.status_code == 400 and "Say what is refunded" in refused.content.decode()
        assert alpha_client.post(url, {"amount": "-5", "currency": "RUB", "note": "x"}).status_code == 400
        assert balance(alpha) == 0
        assert alpha_client.post(url, {"amount": "300", "currency": "RUB", "note": "missed lesson"}).status_code == 302
        assert balance(alpha) == D("300")
        sign_in(alpha_client, alpha, "customer@alpha.test")
        assert "refund missed lesson" in alpha_client.get("/wallet/").content.decode()

    def test_a_customer_cannot_refund(self, alpha, alpha_client):
        payment = self.paid(alpha_client, alpha)
        customer = user(alpha, "customer@alpha.test")
        assert alpha_client.post(f"/manage/wallet/{customer.pk}/topups/{payment.pk}/refund/").status_code == 403


class TestIsolation:
    def test_another_customer_cannot_see_or_pay_or_refund_my_top_up(self, alpha, alpha_client):
        payment = start(alpha_client, alpha)
        make_user(alpha, "other@alpha.test")
        sign_in(alpha_client, alpha, "other@alpha.test")
        assert alpha_client.get(f"/billing/pay/{payment.pk}/").status_code == 404
        assert alpha_client.post(f"/billing/pay/{payment.pk}/card/", {"token": card_token()},
                                 content_type="application/json").status_code == 404
        make_user(alpha, "manager@alpha.test", role="manager")
        sign_in(alpha_client, alpha, "manager@alpha.test")
        other = user(alpha, "other@alpha.test")
        response = alpha_client.post(f"/manage/wallet/{other.pk}/topups/{payment.pk}/refund/", follow=True)
        assert "not a card top-up of this customer" in response.content.decode()
        assert balance(alpha) == 0

    def test_another_business_never_credits_my_top_up(self, alpha, beta, alpha_client, beta_client):
        payment = start(alpha_client, alpha)
        intent = pay_at_stripe(payment)
        # The same Stripe (localstripe shares one state) tells the other business too: it is not its payment.
        assert deliver(beta_client, beta, "payment_intent.succeeded", intent, "evt_other") == 200
        with tenant_context(beta):
            assert StripeEvent.objects.get().outcome == StripeEvent.Outcome.IGNORED
            assert not Transaction.objects.filter(reason="topup").exists()
        assert balance(alpha) == 0
        assert beta_client.get(f"/billing/pay/{payment.pk}/").status_code in (302, 404)
