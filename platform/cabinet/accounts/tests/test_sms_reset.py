"""Password reset by a code sent by SMS, for customers who registered with a phone only: through notify() and
the fake SMS gateway (a local HTTP server behind requests)."""

import re

import pytest
import time_machine
from django.utils import timezone
from django_tenants.utils import tenant_context

from cabinet.accounts.models import AccountEvent, MailRequest, ResetCode
from cabinet.notifications.models import Notification
from cabinet.notifications.tests.fakes import FakeServer
from tests.helpers import deliver_notifications

from .conftest import client_for, make_customer

PHONE = "+380501234567"
NEW_PASSWORD = "another-long-secret-77"


@pytest.fixture
def gateway(settings):
    server = FakeServer().start()
    settings.SMS_GATEWAY_URL = server.url + "/sms"
    yield server
    server.stop()


@pytest.fixture
def phone_only(alpha):
    return make_customer(alpha, phone=PHONE, full_name="Phone Only")


def ask(client, phone="+38 050 123 45 67"):
    response = client.post("/password-reset/sms/", {"phone": phone})
    assert response.status_code == 302 and response["Location"] == "/password-reset/sms/code/"
    return response


def texted_code(alpha, gateway) -> str:
    deliver_notifications(alpha)
    message = gateway.received[-1].json()
    assert message["to"] == PHONE
    return re.search(r"\b(\d{6})\b", message["text"]).group(1)


def enter(client, code, password=NEW_PASSWORD):
    return client.post("/password-reset/sms/code/", {"code": code, "new_password1": password,
                                                     "new_password2": password})


def test_a_phone_only_customer_resets_the_password_by_a_code(alpha, phone_only, gateway):
    client = client_for("alpha.localhost")
    page = client.get("/password-reset/").content.decode()
    assert 'href="/password-reset/sms/"' in page
    ask(client)
    code = texted_code(alpha, gateway)
    assert "10 minutes" in gateway.received[-1].json()["text"]
    assert "Enter the code" in client.get("/password-reset/sms/code/").content.decode()
    response = enter(client, code)
    assert response.status_code == 302 and response["Location"] == "/password-reset/done/"
    with tenant_context(alpha):
        phone_only.refresh_from_db()
        assert phone_only.check_password(NEW_PASSWORD)
        assert AccountEvent.objects.filter(user=phone_only, kind=AccountEvent.Kind.PASSWORD_RESET_BY_CODE).exists()
        # The code is the person's secret: not in the portal's list; sent though the customer switched SMS off.
        assert not Notification.objects.filter(recipient=phone_only, in_portal=True,
                                               event_id__startswith="accounts.reset_code").exists()
    # Used once: the same code again is refused.
    ask(client)
    assert enter(client, code).status_code == 400
    # Signed in with the new password, by phone.
    assert client_for("alpha.localhost").post("/login/", {"username": PHONE, "password": NEW_PASSWORD}
                                              ).status_code == 302


def test_the_answer_is_the_same_whether_or_not_the_number_has_an_account(alpha, phone_only, gateway):
    from tests.helpers import without_per_answer_values

    pages = []
    for phone in (PHONE, "+380509999999"):
        client = client_for("alpha.localhost", ip=f"203.0.113.{len(pages) + 20}")
        ask(client, phone)
        pages.append(without_per_answer_values(client.get("/password-reset/sms/code/").content.decode()))
        wrong = enter(client, "123456")
        assert wrong.status_code == 400
        pages.append(without_per_answer_values(wrong.content.decode()))
    assert pages[0] == pages[2] and pages[1] == pages[3]
    deliver_notifications(alpha)
    assert [m.json()["to"] for m in gateway.received] == [PHONE]


def test_the_code_expires_and_allows_a_few_tries(alpha, phone_only, gateway, settings):
    client = client_for("alpha.localhost")
    ask(client)
    code = texted_code(alpha, gateway)
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=settings.SMS_RESET_CODE_MINUTES, seconds=5)):
        assert enter(client, code).status_code == 400
    ask(client)
    code = texted_code(alpha, gateway)
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    for _try in range(settings.SMS_RESET_CODE_ATTEMPTS):
        response = enter(client, wrong)
        assert response.status_code == 400 and "wrong or has expired" in response.content.decode()
    assert enter(client, code).status_code == 400  # the tries are used up: the right code no longer works
    with tenant_context(alpha):
        phone_only.refresh_from_db()
        assert not phone_only.check_password(NEW_PASSWORD)
        assert not ResetCode.objects.filter(user=phone_only, used_at__isnull=True).exists()


def test_a_weak_password_is_refused_without_using_the_code_up(alpha, phone_only, gateway):
    client = client_for("alpha.localhost")
    ask(client)
    code = texted_code(alpha, gateway)
    assert enter(client, code, password="123").status_code == 400
    assert enter(client, code).status_code == 302


def test_codes_are_limited_per_account_and_per_address(alpha, phone_only, gateway, settings):
    for n in range(settings.MAIL_REQUESTS_PER_ACCOUNT_HOUR + 2):
        ask(client_for("alpha.localhost", ip=f"203.0.113.{n + 40}"))
    deliver_notifications(alpha)
    assert len(gateway.received) == settings.MAIL_REQUESTS_PER_ACCOUNT_HOUR
    # One address probing many numbers is held back at the per-address limit, answered the same.
    client = client_for("alpha.localhost", ip="198.51.100.7")
    for n in range(settings.MAIL_REQUESTS_PER_IP_HOUR + 1):
        ask(client, f"+38050700{n:04d}")
    with tenant_context(alpha):
        asked = MailRequest.objects.filter(kind=MailRequest.Kind.SMS_RESET_CODE, ip_address="198.51.100.7")
        assert asked.count() == settings.MAIL_REQUESTS_PER_IP_HOUR + 1
        assert asked.filter(sent=True).count() == settings.MAIL_REQUESTS_PER_IP_HOUR


def test_a_bad_number_is_explained_and_nothing_is_sent(alpha, phone_only, gateway):
    response = client_for("alpha.localhost").post("/password-reset/sms/", {"phone": "not a phone"})
    assert response.status_code == 400 and response.context["form"].errors["phone"]
    assert client_for("alpha.localhost").get("/password-reset/sms/code/")["Location"] == "/password-reset/sms/"
    deliver_notifications(alpha)
    assert gateway.received == []


def test_a_code_of_one_business_is_useless_on_another(alpha, beta, phone_only, gateway):
    twin = make_customer(beta, phone=PHONE, full_name="Twin")
    client = client_for("alpha.localhost")
    ask(client)
    code = texted_code(alpha, gateway)
    other = client_for("bravo.localhost")
    ask(other)
    assert enter(other, code).status_code == 400
    with tenant_context(beta):
        twin.refresh_from_db()
        assert not twin.check_password(NEW_PASSWORD)
