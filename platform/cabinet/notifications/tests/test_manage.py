"""The business's delivery log (filters, retry) and notification settings, and their isolation."""

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from cabinet import encryption as crypto
from cabinet.notifications import delivery, services
from cabinet.notifications.models import Delivery, NotificationSettings
from tests.helpers import make_user, sign_in, user

from .test_notify import FakeRequest

pytestmark = pytest.mark.django_db
CUSTOMER = "customer@alpha.test"


def owner(tenant, host):
    client = Client(HTTP_HOST=host)
    sign_in(client, tenant, f"owner@{tenant.slug}.test")
    return client


def tell(person, **options):
    return services.notify(person, "support.reply", {"request": FakeRequest(), "customer": person, "reply": "Done",
                                                     "link": "x"}, mandatory=True, **options)


def test_the_log_filters_by_channel_status_event_and_customer_and_retries_a_failure(alpha, settings):
    settings.SMS_GATEWAY_URL = ""  # no gateway: the SMS fails at once, clearly
    other = make_user(alpha, "other@alpha.test", phone="+380671112233")
    with tenant_context(alpha):
        person = user(alpha, CUSTOMER)
        person.phone = "+380501234567"
        person.save()
        tell(person, channels=["email", "sms"])
        tell(other, channels=["email"])
        delivery.deliver_due()
        failed = Delivery.objects.get(channel="sms")
        assert failed.status == "failed" and "not configured" in failed.last_error
    client = owner(alpha, "alpha.localhost")
    page = client.get("/manage/notifications/")
    assert page.status_code == 200 and len(page.context["page"].object_list) == 3
    assert [d.channel for d in client.get("/manage/notifications/?channel=sms").context["page"]] == ["sms"]
    assert len(client.get("/manage/notifications/?status=sent").context["page"].object_list) == 2
    assert len(client.get("/manage/notifications/?event=support.reply").context["page"].object_list) == 3
    mine = client.get("/manage/notifications/?customer=other%40alpha.test").context["page"].object_list
    assert [d.address for d in mine] == ["other@alpha.test"]
    nobody = client.get("/manage/notifications/?customer=nobody%40x.test")
    assert nobody.context["unknown_customer"] and not nobody.context["page"].object_list
    assert client.get("/manage/notifications/?channel=fax").status_code == 400
    assert "not configured" in client.get("/manage/notifications/?status=failed").content.decode()
    response = client.post(f"/manage/notifications/{failed.pk}/retry/", {"back": "channel=sms"})
    assert response.status_code == 302 and response["Location"] == "/manage/notifications/?channel=sms"
    with tenant_context(alpha):
        assert Delivery.objects.get(pk=failed.pk).status == "queued"
    again = client.post(f"/manage/notifications/{failed.pk}/retry/", follow=True)
    assert "Only a failed delivery" in again.content.decode()
    assert client.post("/manage/notifications/999999/retry/", follow=True).status_code == 200


def test_customers_and_other_businesses_never_see_the_log(alpha, beta):
    with tenant_context(alpha):
        tell(user(alpha, CUSTOMER))
    customer = Client(HTTP_HOST="alpha.localhost")
    sign_in(customer, alpha, CUSTOMER)
    assert customer.get("/manage/notifications/").status_code in (302, 403)
    bravo = owner(beta, "bravo.localhost")
    assert list(bravo.get("/manage/notifications/").context["page"].object_list) == []
    with tenant_context(alpha):
        alpha_row = Delivery.objects.get()
    bravo.post(f"/manage/notifications/{alpha_row.pk}/retry/")
    with tenant_context(alpha):
        assert Delivery.objects.get().status == "queued"  # untouched by bravo


def test_the_owner_sets_quiet_hours_sender_and_an_encrypted_key(alpha):
    client = owner(alpha, "alpha.localhost")
    assert client.get("/manage/notifications/settings/").status_code == 200
    response = client.post("/manage/notifications/settings/", {
        "quiet_start": "22:00", "quiet_end": "08:00", "sms_sender": "AlphaClinic", "sms_api_key": "key-123",
        "mandatory_events": ["account.security"]})
    assert response.status_code == 302
    with tenant_context(alpha):
        saved = NotificationSettings.objects.get(pk=1)
        assert (str(saved.quiet_start), saved.sms_sender, saved.mandatory_events) == ("22:00:00", "AlphaClinic",
                                                                                      ["account.security"])
        assert "key-123" not in saved.sms_credentials and crypto.decrypt(saved.sms_credentials) == "key-123"
    client.post("/manage/notifications/settings/", {"quiet_start": "22:00", "quiet_end": "08:00",
                                                    "sms_sender": "AlphaClinic"})
    with tenant_context(alpha):
        assert crypto.decrypt(NotificationSettings.objects.get(pk=1).sms_credentials) == "key-123"  # kept


@pytest.mark.parametrize("data, field", [
    ({"quiet_start": "22:00", "quiet_end": "", "sms_sender": ""}, "quiet_end"),
    ({"quiet_start": "", "quiet_end": "", "sms_sender": "Клиника"}, "sms_sender"),
    ({"quiet_start": "25:00", "quiet_end": "", "sms_sender": ""}, "quiet_start"),
    ({"quiet_start": "", "quiet_end": "", "sms_sender": "", "mandatory_events": ["nope"]}, "mandatory_events"),
])
def test_bad_settings_are_refused_with_a_message_and_nothing_changes(alpha, data, field):
    client = owner(alpha, "alpha.localhost")
    response = client.post("/manage/notifications/settings/", data)
    assert response.status_code == 400 and field in response.context["form"].errors
    with tenant_context(alpha):
        assert not NotificationSettings.objects.exists()
