"""Billing against localstripe: keys proved before saving, the webhook intake's signature, dedupe and isolation."""

import hashlib
import hmac
import json
import time

import pytest
from django_tenants.utils import tenant_context

from billing import selectors, services
from billing.models import StripeAccount, StripeCall, StripeEvent
from cabinet import encryption
from tests.helpers import sign_in

GOOD = {"secret_key": "sk_test_alpha123", "publishable_key": "pk_test_alpha123", "webhook_secret": "whsec_alpha"}


def signed(payload: bytes, secret: str, at: int | None = None) -> str:
    """A Stripe-Signature header as Stripe makes it: t=<unix time>,v1=HMAC-SHA256(secret, "t.payload")."""
    at = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{at}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={at},v1={digest}"


def event(event_id: str, kind: str = "payment_intent.succeeded", obj: dict | None = None) -> bytes:
    return json.dumps({"id": event_id, "object": "event", "type": kind, "created": int(time.time()),
                       "data": {"object": obj or {"id": "pi_unknown", "object": "payment_intent",
                                                  "status": "succeeded", "amount": 100, "currency": "eur"}}}).encode()


def connect(tenant, **keys):
    with tenant_context(tenant):
        return services.connect_stripe_account(**{**GOOD, **keys})


@pytest.mark.django_db
class TestKeys:
    def test_good_keys_are_saved_encrypted(self, alpha, localstripe_url):
        account = connect(alpha)
        with tenant_context(alpha):
            assert "sk_test_alpha123" not in account.secret_key
            assert encryption.decrypt(account.secret_key) == "sk_test_alpha123"
            assert selectors.business_keys().webhook_secret == "whsec_alpha"
            assert StripeCall.objects.filter(operation="balance.retrieve", ok=True).exists()

    def test_keys_refused_by_stripe_save_nothing(self, alpha, alpha_client, localstripe_url):
        sign_in(alpha_client, alpha, "owner@alpha.test")
        response = alpha_client.post("/manage/billing/stripe/", {**GOOD, "secret_key": "wrong_key"})
        assert response.status_code == 400
        assert "sk_" in response.content.decode()
        response = alpha_client.post("/manage/billing/stripe/", {**GOOD, "secret_key": "sk_x"})
        assert response.status_code == 400 and "Stripe refused the secret key" in response.content.decode()
        with tenant_context(alpha):
            assert not StripeAccount.objects.exists()
            assert StripeCall.objects.filter(operation="balance.retrieve", ok=False).exists()

    def test_owner_connects_through_the_page(self, alpha, alpha_client, localstripe_url):
        sign_in(alpha_client, alpha, "owner@alpha.test")
        assert alpha_client.get("/manage/billing/stripe/").status_code == 200
        response = alpha_client.post("/manage/billing/stripe/", GOOD)
        assert response.status_code == 302
        with tenant_context(alpha):
            assert StripeAccount.objects.get().publishable_key == "pk_test_alpha123"

    def test_customer_cannot_open_stripe_settings(self, alpha, alpha_client):
        sign_in(alpha_client, alpha, "customer@alpha.test")
        assert alpha_client.get("/manage/billing/stripe/").status_code == 403


@pytest.mark.django_db
class TestWebhookIntake:
    def test_bad_signature_is_400_and_changes_nothing(self, alpha, alpha_client, localstripe_url):
        connect(alpha)
        body = event("evt_bad")
        response = alpha_client.post("/billing/stripe/webhook/", body, content_type="application/json",
                                     HTTP_STRIPE_SIGNATURE=signed(body, "whsec_wrong"))
        assert response.status_code == 400
        response = alpha_client.post("/billing/stripe/webhook/", body, content_type="application/json")
        assert response.status_code == 400
        with tenant_context(alpha):
            assert not StripeEvent.objects.exists()

    def test_old_signature_is_refused(self, alpha, alpha_client, localstripe_url):
        connect(alpha)
        body = event("evt_old")
        response = alpha_client.post("/billing/stripe/webhook/", body, content_type="application/json",
                                     HTTP_STRIPE_SIGNATURE=signed(body, "whsec_alpha", at=int(time.time()) - 3600))
        assert response.status_code == 400

    def test_an_event_delivered_twice_is_stored_once(self, alpha, alpha_client, localstripe_url):
        connect(alpha)
        body = event("evt_twice")
        for _ in range(2):
            response = alpha_client.post("/billing/stripe/webhook/", body, content_type="application/json",
                                         HTTP_STRIPE_SIGNATURE=signed(body, "whsec_alpha"))
            assert response.status_code == 200
        assert response.json()["duplicate"] is True
        with tenant_context(alpha):
            stored = StripeEvent.objects.get(event_id="evt_twice")
            assert stored.deliveries == 2
            assert services.process_event(event_pk=stored.pk) == StripeEvent.Outcome.IGNORED  # no such payment
            assert services.process_event(event_pk=stored.pk) == StripeEvent.Outcome.IGNORED

    def test_a_secret_of_one_business_never_accepts_another_s_events(self, alpha, beta, alpha_client, beta_client,
                                                                     localstripe_url):
        connect(alpha)
        connect(beta, webhook_secret="whsec_bravo")
        body = event("evt_for_bravo")
        response = alpha_client.post("/billing/stripe/webhook/", body, content_type="application/json",
                                     HTTP_STRIPE_SIGNATURE=signed(body, "whsec_bravo"))
        assert response.status_code == 400
        response = beta_client.post("/billing/stripe/webhook/", body, content_type="application/json",
                                    HTTP_STRIPE_SIGNATURE=signed(body, "whsec_bravo"))
        assert response.status_code == 200
        with tenant_context(alpha):
            assert not StripeEvent.objects.filter(event_id="evt_for_bravo").exists()
        with tenant_context(beta):
            assert StripeEvent.objects.filter(event_id="evt_for_bravo").exists()

    def test_the_platform_host_reaches_a_business_by_slug(self, alpha, platform_client, localstripe_url):
        connect(alpha)
        body = event("evt_by_slug")
        response = platform_client.post("/billing/stripe/webhook/alpha/", body, content_type="application/json",
                                        HTTP_STRIPE_SIGNATURE=signed(body, "whsec_alpha"))
        assert response.status_code == 200
        with tenant_context(alpha):
            assert StripeEvent.objects.filter(event_id="evt_by_slug").exists()
        assert platform_client.post("/billing/stripe/webhook/nobody/", body, content_type="application/json",
                                    HTTP_STRIPE_SIGNATURE=signed(body, "whsec_alpha")).status_code == 404

    def test_a_business_without_stripe_refuses_every_webhook(self, alpha, alpha_client):
        body = event("evt_nobody")
        response = alpha_client.post("/billing/stripe/webhook/", body, content_type="application/json",
                                     HTTP_STRIPE_SIGNATURE=signed(body, "whsec_alpha"))
        assert response.status_code == 400


@pytest.mark.django_db
def test_no_purpose_no_payment(alpha, localstripe_url):
    from django.core.exceptions import ValidationError

    connect(alpha)
    with tenant_context(alpha):
        from django.contrib.auth import get_user_model

        customer = get_user_model().objects.get(email="customer@alpha.test")
        with pytest.raises(ValidationError):
            services.start_card_payment(purpose="nobody.declares", object_ref="x", customer=customer,
                                        amount="10.00", currency="EUR", description="x", return_url="/")


def test_a_purpose_whose_handler_does_not_import_is_refused_at_start():
    from django.core.exceptions import ImproperlyConfigured

    from cabinet.registry import Module, PaymentPurpose, check_declarations

    broken = Module(key="x", title="x", payment_purposes=(PaymentPurpose("x.pay", "x", "no.such.handler"),))
    with pytest.raises(ImproperlyConfigured, match="payment purpose 'x.pay'"):
        check_declarations(broken)


@pytest.mark.django_db
def test_the_launcher_connects_every_business_to_the_test_stripe(alpha, beta, localstripe_url):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("connect_test_stripe", stdout=out)
    lines = dict(line.split() for line in out.getvalue().splitlines())
    for tenant in (alpha, beta):
        with tenant_context(tenant):
            assert selectors.business_keys().webhook_secret == lines[tenant.slug]
