import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context

from cabinet.accounts.models import AccountNumber
from cabinet.portal.models import Branding

from .conftest import client_for, link_in, make_customer

GOOD = {"full_name": "Olena Petrenko", "email": "olena@example.test", "phone": "",
        "password1": "Quiet-Meadow-77", "password2": "Quiet-Meadow-77"}


def _users(tenant, **lookup) -> list:
    with tenant_context(tenant):
        return list(get_user_model().objects.filter(**lookup))


def _one(tenant, **lookup):
    with tenant_context(tenant):
        return get_user_model().objects.get(**lookup)


def test_registration_by_email_signs_in_and_sends_a_confirmation_link(alpha, mailoutbox):
    client = client_for("alpha.localhost")
    response = client.post("/register/", GOOD)
    assert response.status_code == 302 and response["Location"] == "/"
    user = _one(alpha, email="olena@example.test")
    assert user.full_name == "Olena Petrenko" and user.role == "customer" and user.email_verified_at is None
    assert "Olena Petrenko" in client.get("/").content.decode()  # signed in, greeted by name
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["olena@example.test"]
    link = link_in(mailoutbox[0], "/verify-email/")
    assert link.startswith("http://alpha.localhost/verify-email/")
    response = client.get(link)
    assert response.status_code == 302
    assert _one(alpha, email="olena@example.test").email_verified_at is not None
    # single use: the second click is refused and changes nothing
    response = client.get(link, follow=True)
    assert "invalid, expired or was already used" in response.content.decode()


def test_registration_by_phone_only_normalises_the_number(alpha, mailoutbox):
    client = client_for("alpha.localhost")
    data = {**GOOD, "email": "", "phone": "+38 (067) 765-43-21"}
    assert client.post("/register/", data).status_code == 302
    user = _one(alpha, phone="+380677654321")
    assert user.email is None
    assert mailoutbox == []


def test_the_verification_banner_offers_to_resend_and_resending_is_rate_limited(alpha, mailoutbox):
    client = client_for("alpha.localhost")
    client.post("/register/", GOOD)
    page = client.get("/me/").content.decode()
    assert "is not confirmed yet" in page and 'action="/me/verify-email/"' in page
    client.post("/me/verify-email/")
    assert len(mailoutbox) == 2
    response = client.post("/me/verify-email/", follow=True)
    assert "Please wait a minute" in response.content.decode() and len(mailoutbox) == 2


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"email": "", "phone": ""}, None, "Enter an e-mail address or a phone number."),
    ({"email": "not-an-email"}, "email", "Enter a valid email address."),
    ({"email": "", "phone": "0501234567"}, "phone", "Enter a valid phone number"),
    ({"email": "", "phone": "+38 050 abc"}, "phone", "Enter a valid phone number"),
    ({"password2": "Quiet-Meadow-78"}, "password2", "The two passwords differ."),
    ({"password1": "12345678", "password2": "12345678"}, "password1", "entirely numeric"),
    ({"password1": "password", "password2": "password"}, "password1", "too common"),
    ({"password1": "Qm-7", "password2": "Qm-7"}, "password1", "too short"),
    ({"full_name": "   "}, "full_name", "This field is required."),
    ({"email": "CUSTOMER@Alpha.test"}, "email", "An account with this e-mail already exists."),
])
def test_bad_registrations_are_refused_with_a_message_and_create_nothing(alpha, change, field, message):
    client = client_for("alpha.localhost")
    before = len(_users(alpha))
    response = client.post("/register/", {**GOOD, **change})
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.errors.get(field or "__all__", [])
    assert any(message in error for error in errors), form.errors
    assert len(_users(alpha)) == before
    if field:
        assert f'aria-describedby="id_{field}' in response.content.decode()


def test_a_phone_already_registered_in_another_spelling_is_refused(alpha):
    make_customer(alpha, phone="+380501112233")
    response = client_for("alpha.localhost").post("/register/", {**GOOD, "phone": "+38 050 111 22 33"})
    assert "An account with this phone number already exists." in response.context["form"].errors["phone"]


def test_terms_must_be_accepted_when_the_business_has_terms(alpha):
    with tenant_context(alpha):
        Branding.objects.filter(pk=1).update(terms_text="Be kind.\nPay on time.")
    client = client_for("alpha.localhost")
    page = client.get("/register/").content.decode()
    assert 'name="accept_terms"' in page and 'href="/terms/"' in page
    response = client.post("/register/", GOOD)
    assert "accept the terms" in response.context["form"].errors["accept_terms"][0]
    assert not _users(alpha, email="olena@example.test")
    assert client.post("/register/", {**GOOD, "accept_terms": "on"}).status_code == 302
    assert _one(alpha, email="olena@example.test").terms_accepted_at is not None
    terms = client.get("/terms/").content.decode()
    assert "Pay on time." in terms


def test_without_terms_there_is_no_checkbox_and_no_terms_page(alpha):
    with tenant_context(alpha):
        Branding.objects.filter(pk=1).update(terms_text="")
    client = client_for("alpha.localhost")
    assert 'name="accept_terms"' not in client.get("/register/").content.decode()
    assert client.get("/terms/").status_code == 404


def test_signed_in_people_are_sent_from_registration_to_their_settings(alpha):
    client = client_for("alpha.localhost")
    client.post("/register/", GOOD)
    assert client.get("/register/")["Location"] == "/me/"


def test_registration_follows_a_safe_next_and_ignores_a_foreign_one(alpha):
    response = client_for("alpha.localhost").post("/register/", {**GOOD, "next": "/me/"})
    assert response["Location"] == "/me/"
    response = client_for("alpha.localhost").post("/register/", {
        **GOOD, "email": "other@example.test", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_forged_or_tampered_verification_link_is_refused(alpha, mailoutbox):
    client = client_for("alpha.localhost")
    client.post("/register/", GOOD)
    link = link_in(mailoutbox[0], "/verify-email/")
    response = client.get(link[:-3] + "xyz/", follow=True)
    assert "invalid, expired or was already used" in response.content.decode()
    assert _one(alpha, email="olena@example.test").email_verified_at is None


def test_account_numbers_are_unique_regardless_of_case(alpha, alpha_customer):
    from django.db import IntegrityError, transaction

    with tenant_context(alpha):
        AccountNumber.objects.create(user=alpha_customer, number="CT-1")
        with pytest.raises(IntegrityError), transaction.atomic():
            AccountNumber.objects.create(user=alpha_customer, number="ct-1")
