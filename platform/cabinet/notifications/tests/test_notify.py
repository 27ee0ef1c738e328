"""notify() and the e-mail channel: outbox rows, idempotency, preferences, unswitchable events, the bell."""

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from cabinet.accounts.models import NotificationPreference
from cabinet.notifications import delivery, services
from cabinet.notifications.models import Delivery, DeliveryAttempt, Notification
from tests.helpers import make_user, sign_in, user

pytestmark = pytest.mark.django_db
CUSTOMER = "customer@alpha.test"


class FakeRequest:
    pk = 7
    subject = "Invoice 12 is wrong"

    def get_status_display(self):
        return "Resolved"


def tell(person, **options):
    return services.notify(person, "support.reply", {"request": FakeRequest(), "customer": person,
                                                     "reply": "We fixed it.", "link": "http://x/support/7/"},
                           url="/support/7/", **options)


def test_notify_writes_one_outbox_row_per_channel_and_the_task_sends_the_mail_once(alpha):
    with tenant_context(alpha):
        person = user(alpha, CUSTOMER)
        notification = tell(person, event_id="support.reply:1")
        rows = list(Delivery.objects.filter(notification=notification))
        assert [(r.channel, r.status, r.address) for r in rows] == [("email", "queued", CUSTOMER)]
        assert delivery.deliver_due() == {"sent": 1}
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == [CUSTOMER] and "Invoice 12 is wrong" in message.subject
        assert "We fixed it." in message.body and "Alpha Business" in message.from_email
        assert delivery.deliver_due() == {} and len(mail.outbox) == 1  # nothing due: sent once
        assert tell(person, event_id="support.reply:1").pk == notification.pk  # the same occurrence again
        assert Delivery.objects.count() == 1 and len(mail.outbox) == 1
        log = list(DeliveryAttempt.objects.filter(delivery=rows[0]).values_list("outcome", flat=True))
        assert log == ["queued", "sent"]


def test_a_redelivered_task_sends_nothing_twice(alpha):
    with tenant_context(alpha):
        notification = tell(user(alpha, CUSTOMER))
        row = notification.deliveries.get()
        assert delivery.deliver_one(row.pk) == "sent"
        assert delivery.deliver_one(row.pk) is None and len(mail.outbox) == 1


def test_the_mail_is_in_the_recipients_language(alpha):
    with tenant_context(alpha):
        person = user(alpha, CUSTOMER)
        person.language = "uk"
        person.save()
        tell(person)
        delivery.deliver_due()
        assert "Вітаємо" in mail.outbox[0].body or "Привіт" in mail.outbox[0].body or "Добрий" in mail.outbox[0].body


def test_an_event_the_customer_switched_off_sends_nothing_on_that_channel(alpha):
    with tenant_context(alpha):
        person = user(alpha, CUSTOMER)
        NotificationPreference.objects.create(user=person, event="support.reply", channel="email", enabled=False)
        notification = tell(person)
        assert not notification.deliveries.exists()
        delivery.deliver_due()
        assert mail.outbox == []
        assert Notification.objects.filter(recipient=person).count() == 1  # still in the portal's list


def test_an_unswitchable_event_goes_out_whatever_the_customer_chose(alpha):
    with tenant_context(alpha):
        person = user(alpha, CUSTOMER)
        NotificationPreference.objects.create(user=person, event="support.reply", channel="email", enabled=False)
        services.save_settings(quiet_start=None, quiet_end=None, sms_sender="", sms_api_key=None,
                               mandatory_events=["support.reply"])
        tell(person)
        delivery.deliver_due()
        assert len(mail.outbox) == 1


def test_a_mandatory_message_ignores_the_choice(alpha):
    with tenant_context(alpha):
        person = user(alpha, CUSTOMER)
        NotificationPreference.objects.create(user=person, event="support.reply", channel="email", enabled=False)
        tell(person, mandatory=True)
        delivery.deliver_due()
        assert len(mail.outbox) == 1


def test_an_unknown_channel_is_refused_and_nothing_is_written(alpha):
    with tenant_context(alpha):
        with pytest.raises(ValueError):
            tell(user(alpha, CUSTOMER), channels=["fax"])


def test_the_bell_counts_unread_and_the_list_marks_them_read(alpha, alpha_client):
    with tenant_context(alpha):
        person = user(alpha, CUSTOMER)
        notification = tell(person)
        tell(person)
    sign_in(alpha_client, alpha, CUSTOMER)
    page = alpha_client.get("/").content.decode()
    assert 'data-unread="2"' in page
    listing = alpha_client.get("/notifications/").content.decode()
    assert "Invoice 12 is wrong" in listing
    response = alpha_client.get(f"/notifications/{notification.pk}/")
    assert response.status_code == 302 and response["Location"] == "/support/7/"
    assert 'data-unread="1"' in alpha_client.get("/").content.decode()
    alpha_client.post("/notifications/read/")
    assert 'data-unread="0"' in alpha_client.get("/").content.decode()


def test_one_customer_never_sees_anothers_notifications(alpha, alpha_client):
    other = make_user(alpha, "other@alpha.test")
    with tenant_context(alpha):
        theirs = tell(other)
    sign_in(alpha_client, alpha, CUSTOMER)
    assert "Invoice 12" not in alpha_client.get("/notifications/").content.decode()
    assert alpha_client.get(f"/notifications/{theirs.pk}/").status_code == 404
    alpha_client.post("/notifications/read/")
    with tenant_context(alpha):
        assert Notification.objects.get(pk=theirs.pk).read_at is None
