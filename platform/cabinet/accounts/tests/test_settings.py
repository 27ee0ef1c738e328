import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context

from cabinet.accounts.models import AccountNumber

from .conftest import CUSTOMER_PASSWORD, client_for, link_in, make_customer, signed_in


def _reload(tenant, user):
    with tenant_context(tenant):
        return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def me(alpha):
    return make_customer(alpha, email="me@alpha.test", full_name="Me Myself", email_verified_at="2026-01-01T00:00Z")


@pytest.fixture
def client(alpha, me):
    return signed_in(alpha, "alpha.localhost", me)


def test_my_settings_needs_a_signed_in_person(alpha):
    response = client_for("alpha.localhost").get("/me/")
    assert response.status_code == 302 and response["Location"] == "/login/?next=/me/"


def test_my_settings_shows_the_profile_with_labelled_fields(alpha, me, client):
    with tenant_context(alpha):
        AccountNumber.objects.create(user=me, number="CT-77")
    page = client.get("/me/").content.decode()
    assert 'value="Me Myself"' in page and "me@alpha.test" in page and "CT-77" in page
    for field in ("id_full_name", "id_phone", "id_language"):
        assert f'for="{field}"' in page
    assert "is not confirmed yet" not in page


def test_the_profile_saves_name_phone_and_language(alpha, me, client):
    response = client.post("/me/", {"full_name": " New Name ", "phone": "+48 601 234 567", "language": "ru"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    user = _reload(alpha, me)
    assert (user.full_name, user.phone, user.language) == ("New Name", "+48601234567", "ru")
    assert client.get("/me/")["Content-Language"] == "ru"


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"full_name": "", "phone": ""}, "full_name", "This field is required."),
    ({"full_name": "X", "phone": "12345"}, "phone", "Enter a valid phone number"),
    ({"full_name": "X", "phone": "+1 2"}, "phone", "Enter a valid phone number"),
    ({"full_name": "X", "phone": "+1 123 456 7890"}, "phone", "Enter a valid phone number"),
    ({"full_name": "X", "phone": "+380501110000"}, "phone", "already exists"),
    ({"full_name": "X", "language": "de"}, "language", "Select a valid choice."),
    ({"full_name": "X", "birth_date": "2999-01-01"}, "birth_date", "cannot be in the future"),
    ({"full_name": "X", "birth_date": "1850-05-05"}, "birth_date", "check the year of birth"),
    ({"full_name": "X", "birth_date": "31.02.1990"}, "birth_date", "Enter a valid date."),
])
def test_bad_profile_input_is_refused_and_changes_nothing(alpha, me, client, data, field, message):
    make_customer(alpha, phone="+380501110000")
    response = client.post("/me/", data)
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert _reload(alpha, me).full_name == "Me Myself"


def test_the_date_of_birth_is_kept_shown_and_exported(alpha, me, client):
    response = client.post("/me/", {"full_name": "Me Myself", "birth_date": "1990-02-28"})
    assert response.status_code == 302
    assert str(_reload(alpha, me).birth_date) == "1990-02-28"
    page = client.get("/me/").content.decode()
    assert 'type="date"' in page and 'value="1990-02-28"' in page and 'autocomplete="bday"' in page
    assert client.get("/me/export/").json()["profile"]["birth_date"] == "1990-02-28"
    client.post("/me/", {"full_name": "Me Myself", "birth_date": ""})
    assert _reload(alpha, me).birth_date is None


def test_a_phone_only_customer_cannot_drop_the_phone(alpha):
    user = make_customer(alpha, phone="+380501119999")
    client = signed_in(alpha, "alpha.localhost", user)
    response = client.post("/me/", {"full_name": "P", "phone": ""})
    assert "we need one way to reach you" in response.context["form"].errors["phone"][0]
    assert _reload(alpha, user).phone == "+380501119999"


def test_the_header_language_switcher_remembers_the_choice_on_the_account(alpha, me, client):
    response = client.post("/me/language/", {"language": "uk", "next": "/me/"})
    assert response.status_code == 302 and response["Location"] == "/me/"
    assert _reload(alpha, me).language == "uk"
    other_device = signed_in(alpha, "alpha.localhost", me)
    assert other_device.get("/me/", HTTP_ACCEPT_LANGUAGE="ru")["Content-Language"] == "uk"


def test_the_language_switcher_works_for_visitors_and_ignores_unknown_languages(alpha, me, client):
    visitor = client_for("alpha.localhost")
    response = visitor.post("/me/language/", {"language": "ru", "next": "/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    client.post("/me/language/", {"language": "xx", "next": "/"})
    assert _reload(alpha, me).language == ""


def test_an_email_change_waits_for_the_new_address_to_be_confirmed(alpha, me, client, mailoutbox):
    response = client.post("/me/email/", {"email": "New@Alpha.test", "current_password": CUSTOMER_PASSWORD})
    assert response.status_code == 302
    user = _reload(alpha, me)
    assert user.email == "me@alpha.test" and user.pending_email == "new@alpha.test"
    assert mailoutbox[0].to == ["new@alpha.test"]
    assert "Please confirm your new e-mail address new@alpha.test" in client.get("/me/").content.decode()
    # the old address still signs in until the link is followed
    assert client_for("alpha.localhost").post("/login/", {"username": "me@alpha.test",
                                                          "password": CUSTOMER_PASSWORD}).status_code == 302
    client.get(link_in(mailoutbox[0], "/verify-email/"))
    user = _reload(alpha, me)
    assert user.email == "new@alpha.test" and user.pending_email == "" and user.email_verified_at
    assert mailoutbox[-1].to == ["me@alpha.test"] and "new@alpha.test" in mailoutbox[-1].body


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"email": "x@alpha.test", "current_password": "wrong"}, "current_password", "The password is not right."),
    ({"email": "not-an-address", "current_password": CUSTOMER_PASSWORD}, "email", "Enter a valid email address."),
    ({"email": "CUSTOMER@alpha.test", "current_password": CUSTOMER_PASSWORD}, "email", "already exists"),
    ({"email": "me@alpha.test", "current_password": CUSTOMER_PASSWORD}, "email", "already your e-mail"),
])
def test_bad_email_changes_are_refused(alpha, me, client, mailoutbox, data, field, message):
    response = client.post("/me/email/", data)
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert _reload(alpha, me).pending_email == "" and mailoutbox == []


def test_a_pending_change_can_be_cancelled_and_its_link_then_fails(alpha, me, client, mailoutbox):
    client.post("/me/email/", {"email": "new@alpha.test", "current_password": CUSTOMER_PASSWORD})
    client.post("/me/email/cancel/")
    assert _reload(alpha, me).pending_email == ""
    client.get(link_in(mailoutbox[0], "/verify-email/"))
    assert _reload(alpha, me).email == "me@alpha.test"


def test_an_address_taken_meanwhile_is_not_switched_to(alpha, me, client, mailoutbox):
    client.post("/me/email/", {"email": "race@alpha.test", "current_password": CUSTOMER_PASSWORD})
    make_customer(alpha, email="race@alpha.test")
    response = client.get(link_in(mailoutbox[0], "/verify-email/"), follow=True)
    assert "Another account uses this e-mail address now." in response.content.decode()
    assert _reload(alpha, me).email == "me@alpha.test"


def test_customers_change_their_password(alpha, me, client, mailoutbox):
    response = client.post("/me/password/", {"old_password": CUSTOMER_PASSWORD, "new_password1": "Brand-New-Pass-9",
                                             "new_password2": "Brand-New-Pass-9"})
    assert response["Location"] == "/me/"
    assert _reload(alpha, me).check_password("Brand-New-Pass-9")
    assert client.get("/me/").status_code == 200  # still signed in
    assert mailoutbox[-1].to == ["me@alpha.test"]


@pytest.mark.parametrize(("data", "field"), [
    ({"old_password": "wrong", "new_password1": "Brand-New-Pass-9", "new_password2": "Brand-New-Pass-9"},
     "old_password"),
    ({"old_password": CUSTOMER_PASSWORD, "new_password1": "Brand-New-Pass-9", "new_password2": "Other-Pass-9"},
     "new_password2"),
    ({"old_password": CUSTOMER_PASSWORD, "new_password1": "123", "new_password2": "123"}, "new_password2"),
])
def test_bad_password_changes_are_refused(alpha, me, client, data, field):
    response = client.post("/me/password/", data)
    assert response.status_code == 200 and response.context["form"].errors[field]
    assert _reload(alpha, me).check_password(CUSTOMER_PASSWORD)
