"""SMS and Web Push against local fake servers behind the real client libraries (requests, pywebpush)."""

import base64
import json
import socket
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django_tenants.utils import tenant_context

from cabinet import encryption as crypto
from cabinet.notifications import delivery, services
from cabinet.notifications.models import Delivery, DeliveryAttempt, NotificationSettings, PushSubscription
from tests.helpers import make_user, user

from .fakes import FakeServer, browser_keys
from .test_notify import FakeRequest

pytestmark = pytest.mark.django_db
CUSTOMER = "customer@alpha.test"


def tell(person, channels):
    return services.notify(person, "support.reply", {"request": FakeRequest(), "customer": person,
                                                     "reply": "We fixed it.", "link": "http://x/support/7/"},
                           url="/support/7/", channels=channels, mandatory=True)


def with_phone(tenant, phone="+380501234567"):
    person = user(tenant, CUSTOMER)
    person.phone = phone
    person.save()
    return person


def subscribe(person, server):
    p256dh, auth = browser_keys()
    return services.save_push_subscription(user=person, endpoint=f"{server.url}/push/{person.pk}-{p256dh[:8]}",
                                           p256dh=p256dh, auth=auth)


# --- SMS ---------------------------------------------------------------------------------------------------

def test_sms_goes_to_the_gateway_with_the_business_sender_and_encrypted_key(alpha, gateway):
    with tenant_context(alpha):
        services.save_settings(quiet_start=None, quiet_end=None, sms_sender="AlphaClinic", sms_api_key="s3cret-key",
                               mandatory_events=[])
        stored = NotificationSettings.objects.get(pk=1).sms_credentials
        assert "s3cret" not in stored and crypto.decrypt(stored) == "s3cret-key"
        tell(with_phone(alpha), ["sms"])
        assert delivery.deliver_due() == {"sent": 1}
    [request] = gateway.received
    body = request.json()
    assert body["to"] == "+380501234567" and body["from"] == "AlphaClinic"
    assert "answered your request" in body["text"]
    assert request.headers["authorization"] == "Bearer s3cret-key"
    assert request.headers["idempotency-key"] == body["reference"]


def test_a_gateway_answering_500_then_200_is_retried_and_sends_once(alpha, gateway):
    gateway.answers = [500, 200]
    with tenant_context(alpha):
        notification = tell(with_phone(alpha), ["sms"])
        assert delivery.deliver_due() == {"queued": 1}
        row = notification.deliveries.get()
        assert row.status == "queued" and row.attempts == 1 and "HTTP 500" in row.last_error
        assert delivery.deliver_due() == {}  # not due before its pause
        with time_machine.travel(row.due_at + timedelta(seconds=1)):
            assert delivery.deliver_due() == {"sent": 1}
            assert delivery.deliver_due() == {}
        row.refresh_from_db()
        assert row.status == "sent" and row.attempts == 2
        assert list(row.log.values_list("outcome", flat=True)) == ["queued", "failed", "sent"]
    assert len(gateway.received) == 2
    assert len({r.headers["idempotency-key"] for r in gateway.received}) == 1


def test_a_gateway_that_is_down_fails_visibly_and_loses_nothing(alpha, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{port}/sms"
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    with tenant_context(alpha):
        notification = tell(with_phone(alpha), ["sms"])
        row = notification.deliveries.get()
        moment = datetime.now(UTC)
        for _attempt in range(3):
            with time_machine.travel(moment):
                delivery.deliver_due()
            moment += timedelta(hours=2)
        row.refresh_from_db()
        assert row.status == "failed" and row.attempts == 3 and "unreachable" in row.last_error
        assert list(row.log.values_list("outcome", flat=True)) == ["queued", "failed", "failed", "failed"]
        # Nothing lost: the gateway is back and the business sends it again from the log.
        server = FakeServer().start()
        try:
            settings.SMS_GATEWAY_URL = server.url + "/sms"
            services.retry_delivery(delivery_id=row.pk)
            assert delivery.deliver_due(now=moment) == {"sent": 1}
        finally:
            server.stop()
        assert len(server.received) == 1


def test_a_bad_phone_number_fails_clearly_without_calling_the_gateway(alpha, gateway):
    with tenant_context(alpha):
        notification = tell(with_phone(alpha, "+1555"), ["sms"])
        assert delivery.deliver_due() == {"failed": 1}
        row = notification.deliveries.get()
        assert row.status == "failed" and "not a valid phone number" in row.last_error
    assert gateway.received == []


def test_a_gateway_refusing_the_message_fails_with_its_answer(alpha, gateway):
    gateway.answers = [422]
    with tenant_context(alpha):
        notification = tell(with_phone(alpha), ["sms"])
        assert delivery.deliver_due() == {"failed": 1}
        assert "HTTP 422" in notification.deliveries.get().last_error
    assert len(gateway.received) == 1


def test_a_customer_without_a_phone_gets_no_sms_row(alpha, gateway):
    with tenant_context(alpha):
        assert not tell(user(alpha, CUSTOMER), ["sms"]).deliveries.exists()


# --- Web Push ----------------------------------------------------------------------------------------------

def test_push_reaches_every_browser_of_the_customer_encrypted_and_signed(alpha, push_service):
    with tenant_context(alpha):
        person = user(alpha, CUSTOMER)
        subscribe(person, push_service)
        subscribe(person, push_service)
        tell(person, ["push"])
        assert delivery.deliver_due() == {"sent": 1}
        assert delivery.deliver_due() == {}
    assert len(push_service.received) == 2
    for request in push_service.received:
        assert request.headers["content-encoding"] == "aes128gcm"
        assert request.headers["authorization"].startswith("vapid t=")
        token = request.headers["authorization"].split("t=")[1].split(",")[0]
        claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
        assert claims["aud"] == push_service.url
        assert b"We fixed it" not in request.body  # encrypted for the browser


@pytest.mark.parametrize("gone", [404, 410])
def test_an_expired_subscription_is_removed(alpha, push_service, gone):
    push_service.answers = [gone]
    with tenant_context(alpha):
        person = user(alpha, CUSTOMER)
        subscribe(person, push_service)
        notification = tell(person, ["push"])
        assert delivery.deliver_due() == {"failed": 1}
        assert not PushSubscription.objects.filter(user=person).exists()
        outcomes = list(notification.deliveries.get().log.values_list("outcome", flat=True))
        assert outcomes == ["queued", "removed", "failed"]
        assert not tell(person, ["push"]).deliveries.exists()  # no browser left: no row


def test_the_push_subscription_endpoint_saves_and_forgets_a_browser(alpha, alpha_client):
    from tests.helpers import sign_in

    sign_in(alpha_client, alpha, CUSTOMER)
    p256dh, auth = browser_keys()
    data = {"endpoint": "https://push.example.test/abc", "keys": {"p256dh": p256dh, "auth": auth}}
    response = alpha_client.post("/notifications/push/subscription/", json.dumps(data), content_type="application/json")
    assert response.status_code == 201
    bad = alpha_client.post("/notifications/push/subscription/", "{nope", content_type="application/json")
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_json"
    no_keys = alpha_client.post("/notifications/push/subscription/", json.dumps({"endpoint": "https://x.test/1"}),
                                content_type="application/json")
    assert no_keys.status_code == 400 and "keys" in no_keys.json()["detail"]
    with tenant_context(alpha):
        assert PushSubscription.objects.filter(user__email=CUSTOMER).count() == 1
    assert alpha_client.get("/notifications/push/key/").json()["public_key"]
    alpha_client.delete("/notifications/push/subscription/", json.dumps(data), content_type="application/json")
    with tenant_context(alpha):
        assert not PushSubscription.objects.exists()


# --- quiet hours ---------------------------------------------------------------------------------------------

def test_quiet_hours_hold_sms_and_push_until_morning_in_the_business_time_zone(alpha, gateway, push_service):
    from cabinet.portal.models import Branding
    from cabinet.portal.selectors import forget_portal_state

    with tenant_context(alpha):
        Branding.objects.filter(pk=1).update(time_zone="Europe/Kyiv")
        forget_portal_state()
        services.save_settings(quiet_start=time(22, 0), quiet_end=time(8, 0), sms_sender="", sms_api_key=None,
                               mandatory_events=[])
        person = with_phone(alpha)
        subscribe(person, push_service)
        late = datetime(2026, 3, 10, 21, 30, tzinfo=UTC)  # 23:30 in Kyiv
        with time_machine.travel(late):
            notification = tell(person, ["email", "sms", "push"])
            assert delivery.deliver_due() == {"sent": 1}  # the e-mail is not held
        held = {d.channel: d for d in notification.deliveries.exclude(channel="email")}
        assert {d.status for d in held.values()} == {"held"}
        assert held["sms"].due_at == datetime(2026, 3, 11, 6, 0, tzinfo=UTC)  # 08:00 in Kyiv
        with time_machine.travel(datetime(2026, 3, 11, 5, 59, tzinfo=UTC)):
            assert delivery.deliver_due() == {}
        with time_machine.travel(datetime(2026, 3, 11, 6, 1, tzinfo=UTC)):
            assert delivery.deliver_due() == {"sent": 2}
    assert len(gateway.received) == 1 and len(push_service.received) == 1


# --- isolation -------------------------------------------------------------------------------------------

def test_notifications_log_and_subscriptions_of_one_tenant_never_appear_in_another(alpha, beta, push_service):
    with tenant_context(alpha):
        person = user(alpha, CUSTOMER)
        subscribe(person, push_service)
        tell(person, ["email", "push"])
    with tenant_context(beta):
        stranger = user(beta, "customer@bravo.test")
        assert not PushSubscription.objects.exists()
        assert not Delivery.objects.exists() and not DeliveryAttempt.objects.exists()
        assert [d.channel for d in tell(stranger, ["email", "push"]).deliveries.all()] == ["email"]
        assert delivery.deliver_due() == {"sent": 1}  # beta's own e-mail only
    assert len(push_service.received) == 0
    with tenant_context(alpha):
        assert delivery.deliver_due() == {"sent": 2}
    assert len(push_service.received) == 1


def test_a_browser_signed_in_by_someone_else_moves_to_them(alpha, push_service):
    other = make_user(alpha, "other@alpha.test")
    with tenant_context(alpha):
        person = user(alpha, CUSTOMER)
        p256dh, auth = browser_keys()
        services.save_push_subscription(user=person, endpoint=push_service.url + "/shared", p256dh=p256dh, auth=auth)
        services.save_push_subscription(user=other, endpoint=push_service.url + "/shared", p256dh=p256dh, auth=auth)
        assert list(PushSubscription.objects.values_list("user__email", flat=True)) == ["other@alpha.test"]
        assert not tell(person, ["push"]).deliveries.exists()
