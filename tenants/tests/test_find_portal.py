""""Sign in to your business" on the platform's start page: an e-mail gets the list of its portals by e-mail;
the page says the same whether or not there are any, and asking is throttled per address and per IP."""


import pytest
from django.core import mail
from django.test import Client

from tenants import services, tasks
from tests.helpers import make_user, without_per_answer_values

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def run_queued_task(monkeypatch):
    """The view queues the look-up; here it runs at once, through Celery's own apply."""
    monkeypatch.setattr(tasks.send_portal_list, "delay", lambda *args: tasks.send_portal_list.apply(args=args))


@pytest.fixture(autouse=True)
def _fresh_counters(settings):
    """The counters live in Redis, outside the test's transaction: each test counts under its own prefix."""
    import uuid

    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"find-portal-test-{uuid.uuid4().hex}"}}


def ask(email, ip="198.51.100.7", **headers):
    client = Client(HTTP_HOST="localhost", REMOTE_ADDR=ip, **headers)
    return client.post("/find-portal/", {"email": email})


def test_the_start_page_offers_to_sign_in_to_a_business(platform_client):
    page = platform_client.get("/").content.decode()
    assert "Sign in to your business" in page and 'action="/find-portal/"' in page and 'name="email"' in page


def test_staff_of_two_businesses_get_both_addresses(alpha, beta):
    make_user(beta, "Owner@Alpha.test", role="manager")  # alpha's owner also manages bravo
    response = ask(" OWNER@alpha.TEST ")
    assert response.status_code == 200 and "Check your inbox" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["owner@alpha.test"]
    assert "http://alpha.localhost/manage/" in message.body and "http://bravo.localhost/manage/" in message.body
    assert "Alpha Business — Owner" in message.body and "Bravo Business — Manager" in message.body
    assert "http://alpha.localhost/password-reset/" in message.body


def test_the_answer_is_the_same_for_an_unknown_address_a_customer_and_a_former_employee(alpha):
    make_user(alpha, "gone@alpha.test", role="operator", is_active=False)
    known = ask("owner@alpha.test").content.decode().replace("owner@alpha.test", "ADDRESS")
    mail.outbox.clear()
    for email in ("nobody@example.com", "customer@alpha.test", "gone@alpha.test"):
        page = ask(email).content.decode().replace(email, "ADDRESS")
        assert without_per_answer_values(page) == without_per_answer_values(known)
    assert mail.outbox == []  # customers and former staff are not staff: nothing is sent to them


def test_the_e_mail_is_written_in_the_language_of_the_page(alpha):
    ask("owner@alpha.test", HTTP_ACCEPT_LANGUAGE="uk")
    (message,) = mail.outbox
    assert message.subject == "Ваші портали на Kabinet"
    assert "Alpha Business — Власник" in message.body


@pytest.mark.parametrize("email", ["", "not-an-email", "a@b", "x" * 300 + "@example.com"])
def test_a_malformed_address_is_refused_and_nothing_is_sent(db, email):
    response = ask(email)
    assert response.status_code == 400 and response.context["form"].errors["email"]
    assert mail.outbox == []


def test_asking_again_and_again_for_one_address_is_held_back(alpha):
    for _ in range(services.FIND_PORTAL_PER_EMAIL):
        assert ask("owner@alpha.test", ip="203.0.113.1").status_code == 200
    held = ask("OWNER@alpha.test", ip="203.0.113.2")  # another network, the same address
    assert held.status_code == 429 and "wait an hour" in held.content.decode()
    assert len(mail.outbox) == services.FIND_PORTAL_PER_EMAIL


def test_trying_many_addresses_from_one_network_is_held_back(alpha):
    for number in range(services.FIND_PORTAL_PER_IP):
        assert ask(f"guess{number}@example.com", ip="203.0.113.9").status_code == 200
    assert ask("owner@alpha.test", ip="203.0.113.9").status_code == 429
    assert mail.outbox == []
    assert ask("owner@alpha.test", ip="203.0.113.10").status_code == 200  # another network is not held back


def test_the_search_reads_each_business_only_for_staff_rows(alpha, beta):
    """Isolation: the look-up reads the schemas' staff rows and nothing else leaks into the e-mail."""
    make_user(beta, "shared@example.com", role="editor")
    make_user(alpha, "shared@example.com")  # a customer of alpha
    ask("shared@example.com")
    (message,) = mail.outbox
    assert "bravo.localhost" in message.body and "alpha.localhost" not in message.body


def test_find_portal_is_not_on_business_hosts(alpha_client):
    assert alpha_client.get("/find-portal/").status_code == 404
