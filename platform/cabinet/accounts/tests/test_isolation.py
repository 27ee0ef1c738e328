from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context

from cabinet.accounts import services
from cabinet.accounts.models import AccountNumber

from .conftest import CUSTOMER_PASSWORD, client_for, link_in, make_customer, signed_in


def test_a_customer_of_alpha_cannot_log_in_on_bravo(alpha, beta, alpha_customer):
    client = client_for("bravo.localhost")
    response = client.post("/login/", {"username": "customer@alpha.test", "password": CUSTOMER_PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_a_contract_number_of_alpha_does_not_log_in_on_bravo(alpha, beta, alpha_customer):
    with tenant_context(alpha):
        AccountNumber.objects.create(user=alpha_customer, number="CT-ALPHA-1")
    assert client_for("alpha.localhost").post("/login/", {"username": "CT-ALPHA-1",
                                                          "password": CUSTOMER_PASSWORD}).status_code == 302
    client = client_for("bravo.localhost")
    response = client.post("/login/", {"username": "CT-ALPHA-1", "password": CUSTOMER_PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_a_verification_link_of_alpha_is_useless_on_bravo(alpha, beta, mailoutbox):
    client_for("alpha.localhost").post("/register/", {
        "full_name": "A", "email": "twin@example.test", "password1": "Quiet-Meadow-77", "password2": "Quiet-Meadow-77"})
    twin = make_customer(beta, email="twin@example.test")
    path = link_in(mailoutbox[0], "/verify-email/").split("alpha.localhost", 1)[1]
    response = client_for("bravo.localhost").get(path, follow=True)
    assert "invalid, expired or was already used" in response.content.decode()
    with tenant_context(beta):
        assert get_user_model().objects.get(pk=twin.pk).email_verified_at is None
    with tenant_context(alpha):
        assert get_user_model().objects.get(email="twin@example.test").email_verified_at is None


def test_my_settings_never_show_the_other_tenants_data(alpha, beta, alpha_customer):
    with tenant_context(alpha):
        services.save_address(alpha_customer, {"line1": "Alpha Street 1", "city": "Alphaville"})
    client = signed_in(alpha, "alpha.localhost", alpha_customer)
    assert "Alpha Street 1" in client.get("/me/").content.decode()
    # the same browser on bravo is a stranger there
    bravo = client_for("bravo.localhost")
    bravo.cookies = client.cookies
    response = bravo.get("/me/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert bravo.get("/me/export/").status_code == 302
    with tenant_context(beta):
        bravo_customer = get_user_model().objects.get(email="customer@bravo.test")
    own = signed_in(beta, "bravo.localhost", bravo_customer)
    page = own.get("/me/").content.decode()
    assert "Alpha Street 1" not in page and "customer@alpha.test" not in page
    assert "Alpha Street 1" not in own.get("/me/export/").content.decode()
