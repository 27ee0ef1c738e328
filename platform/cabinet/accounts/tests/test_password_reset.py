import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context

from .conftest import client_for, link_in, make_customer


def test_reset_by_email_sends_a_link_to_the_tenants_host_and_sets_the_password(alpha, alpha_customer, mailoutbox):
    client = client_for("alpha.localhost")
    response = client.post("/password-reset/", {"email": "Customer@Alpha.test"})
    assert response["Location"] == "/password-reset/sent/"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["customer@alpha.test"]
    link = link_in(mailoutbox[0], "/password-reset/")
    assert link.startswith("http://alpha.localhost/password-reset/")
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": "Fresh-Orchard-31",
                                                         "new_password2": "Fresh-Orchard-31"})
    assert done["Location"] == "/password-reset/done/"
    with tenant_context(alpha):
        user = get_user_model().objects.get(pk=alpha_customer.pk)
        assert user.check_password("Fresh-Orchard-31") and user.email_verified_at is not None
    assert client.post("/login/", {"username": "customer@alpha.test", "password": "Fresh-Orchard-31"}).status_code == 302
    # the link was for one use
    client.post("/logout/")
    assert not client.get(link, follow=True).context["validlink"]


def test_an_unknown_address_gets_the_same_answer_and_no_mail(alpha, mailoutbox):
    response = client_for("alpha.localhost").post("/password-reset/", {"email": "nobody@alpha.test"})
    assert response["Location"] == "/password-reset/sent/"
    assert mailoutbox == []


@pytest.mark.parametrize(("typed", "message"), [
    ("+380501234567", "can only be sent to an e-mail address"),
    ("+38 050 123 45 67", "can only be sent to an e-mail address"),
    ("not an address", "Enter a valid email address."),
    ("", "This field is required."),
])
def test_phone_or_garbage_in_the_reset_form_is_explained(alpha, mailoutbox, typed, message):
    make_customer(alpha, phone="+380501234567")
    response = client_for("alpha.localhost").post("/password-reset/", {"email": typed})
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors["email"])
    assert mailoutbox == []


def test_the_reset_page_explains_phone_only_accounts(alpha):
    page = client_for("alpha.localhost").get("/password-reset/").content.decode()
    assert "Registered with a phone number only?" in page


def test_a_reset_link_of_one_tenant_is_useless_on_another(alpha, beta, alpha_customer, mailoutbox):
    client_for("alpha.localhost").post("/password-reset/", {"email": "customer@alpha.test"})
    path = link_in(mailoutbox[0], "/password-reset/").split("alpha.localhost", 1)[1]
    # A bravo account with the very same id and e-mail still cannot use alpha's token.
    User = get_user_model()
    with tenant_context(beta):
        twin_exists = User.objects.filter(pk=alpha_customer.pk).exists()
    if not twin_exists:
        make_customer(beta, email="twin@bravo.test", id=alpha_customer.pk)
    with tenant_context(beta):
        User.objects.filter(pk=alpha_customer.pk).update(
            email="customer@alpha.test", password=alpha_customer.password, last_login=alpha_customer.last_login)
    on_bravo = client_for("bravo.localhost")
    page = on_bravo.get(path, follow=True)
    assert page.status_code == 200 and not page.context["validlink"]
    on_bravo.post(page.redirect_chain[-1][0] if page.redirect_chain else path,
                  {"new_password1": "Fresh-Orchard-31", "new_password2": "Fresh-Orchard-31"})
    with tenant_context(beta):
        assert not User.objects.get(pk=alpha_customer.pk).check_password("Fresh-Orchard-31")


@pytest.mark.parametrize("host", ["www.alpha.localhost:8443", "WWW.ALPHA.localhost", "alpha.localhost:1234"])
def test_the_reset_link_names_the_tenants_known_domain_not_the_typed_host(alpha, alpha_customer, mailoutbox, host):
    response = client_for(host).post("/password-reset/", {"email": "customer@alpha.test"})
    assert response["Location"] == "/password-reset/sent/"
    link = link_in(mailoutbox[0], "/password-reset/")
    assert link.startswith("http://alpha.localhost/password-reset/")  # PLATFORM_URL_SCHEME/PORT; no port, no www.
