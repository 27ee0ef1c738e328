import pytest
from django.conf import settings
from django_tenants.utils import tenant_context

from cabinet.accounts.models import AccountNumber

from .conftest import CUSTOMER_PASSWORD, client_for, make_customer


def _login(client, username, password=CUSTOMER_PASSWORD, **extra):
    return client.post("/login/", {"username": username, "password": password, **extra})


def _signed_in_as(client):
    return client.session.get("_auth_user_id")


@pytest.fixture
def phone_customer(alpha):
    return make_customer(alpha, phone="+380501234567", full_name="Phone Person")


@pytest.fixture
def contract_customer(alpha):
    user = make_customer(alpha, email="contract@alpha.test", full_name="Contract Person")
    with tenant_context(alpha):
        AccountNumber.objects.create(user=user, number="CT-2026-0001", kind="contract")
        AccountNumber.objects.create(user=user, number="LS 77 001", kind="account")
    return user


def test_the_login_page_has_labelled_fields_and_is_linked_from_the_header(alpha):
    client = client_for("alpha.localhost")
    home = client.get("/").content.decode()
    assert 'href="/login/?next=/"' in home
    page = client.get("/login/?next=/me/").content.decode()
    for field in ("id_username", "id_password", "id_remember_me"):
        assert f'for="{field}"' in page
    assert 'value="/me/"' in page


@pytest.mark.parametrize("typed", ["customer@alpha.test", "CUSTOMER@Alpha.Test", "  customer@alpha.test "])
def test_login_by_email_in_any_case(alpha, alpha_customer, typed):
    client = client_for("alpha.localhost")
    response = _login(client, typed)
    assert response.status_code == 302 and response["Location"] == "/"
    assert _signed_in_as(client) == str(alpha_customer.pk)


@pytest.mark.parametrize("typed", ["+380501234567", "+38 050 123 45 67", "+38 (050) 123-45-67", "00380501234567"])
def test_login_by_phone_in_any_spelling(alpha, phone_customer, typed):
    client = client_for("alpha.localhost")
    assert _login(client, typed).status_code == 302
    assert _signed_in_as(client) == str(phone_customer.pk)


@pytest.mark.parametrize("typed", ["CT-2026-0001", "ct-2026-0001", " LS 77 001 "])
def test_login_by_contract_or_personal_account_number(alpha, contract_customer, typed):
    client = client_for("alpha.localhost")
    assert _login(client, typed).status_code == 302
    assert _signed_in_as(client) == str(contract_customer.pk)


@pytest.mark.parametrize(("username", "password"), [
    ("customer@alpha.test", "wrong-password"),
    ("nobody@alpha.test", CUSTOMER_PASSWORD),
    ("CT-0000", CUSTOMER_PASSWORD),
    ("+380999999999", CUSTOMER_PASSWORD),
    ("", CUSTOMER_PASSWORD),
    ("customer@alpha.test", ""),
])
def test_bad_credentials_are_refused_with_a_message(alpha, alpha_customer, username, password):
    client = client_for("alpha.localhost")
    response = _login(client, username, password)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert _signed_in_as(client) is None


def test_a_closed_account_cannot_log_in(alpha):
    make_customer(alpha, email="closed@alpha.test", is_active=False)
    client = client_for("alpha.localhost")
    response = _login(client, "closed@alpha.test")
    assert response.status_code == 200 and _signed_in_as(client) is None


def test_without_remember_me_the_session_ends_with_the_browser(alpha, alpha_customer):
    client = client_for("alpha.localhost")
    response = _login(client, "customer@alpha.test")
    assert client.session.get_expire_at_browser_close()
    assert not response.cookies[settings.SESSION_COOKIE_NAME]["max-age"]


def test_remember_me_keeps_the_session_for_thirty_days(alpha, alpha_customer):
    client = client_for("alpha.localhost")
    response = _login(client, "customer@alpha.test", remember_me="on")
    assert not client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() == 30 * 24 * 3600
    assert int(response.cookies[settings.SESSION_COOKIE_NAME]["max-age"]) == 30 * 24 * 3600


@pytest.mark.parametrize(("next_url", "expected"), [
    ("/me/", "/me/"),
    ("/me/notifications/?x=1", "/me/notifications/?x=1"),
    ("https://evil.example/steal", "/"),
    ("//evil.example/", "/"),
    ("http://bravo.localhost/me/", "/"),
])
def test_next_is_followed_only_within_the_portal(alpha, alpha_customer, next_url, expected):
    response = _login(client_for("alpha.localhost"), "customer@alpha.test", next=next_url)
    assert response["Location"] == expected


def test_staff_may_log_in_on_the_portal_and_land_in_the_manage_area(alpha):
    response = _login(client_for("alpha.localhost"), "owner@alpha.test", "Correct-Horse-42")
    assert response["Location"] == "/manage/"


def test_the_staff_login_still_refuses_customers(alpha, alpha_customer):
    client = client_for("alpha.localhost")
    response = client.post("/manage/login/", {"username": "customer@alpha.test", "password": CUSTOMER_PASSWORD})
    assert response.status_code == 200 and _signed_in_as(client) is None


def test_logout_needs_a_post_and_ends_the_session(alpha, alpha_customer):
    client = client_for("alpha.localhost")
    _login(client, "customer@alpha.test")
    confirm = client.get("/logout/")  # opened directly: asks, signs nobody out
    assert confirm.status_code == 200 and "Sign out?" in confirm.content.decode()
    assert _signed_in_as(client) is not None
    response = client.post("/logout/")
    assert response.status_code == 302 and _signed_in_as(client) is None
    assert client.get("/me/")["Location"].startswith("/login/?next=/me/")


def test_signing_in_serves_the_saved_language(alpha):
    make_customer(alpha, email="olga@alpha.test", language="uk")
    client = client_for("alpha.localhost")
    response = _login(client, "olga@alpha.test")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "uk"
    page = client.get("/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "uk"
    assert '<html lang="uk">' in page.content.decode()


@pytest.mark.parametrize(("language", "text"), [("ru", "Войти"), ("uk", "Увійти")])
def test_the_account_pages_are_translated(alpha, language, text):
    client = client_for("alpha.localhost")
    for path in ("/login/", "/register/", "/password-reset/"):
        assert text in client.get(path, HTTP_ACCEPT_LANGUAGE=language).content.decode()
