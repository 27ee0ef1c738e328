import json

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context

from cabinet import registry
from cabinet.accounts import services
from cabinet.accounts.models import AccountNumber, DeliveryAddress, NotificationPreference
from cabinet.registry import Module

from .conftest import CUSTOMER_PASSWORD, client_for, make_customer, signed_in

ERASED: list[int] = []


def parcels_personal_data(user):
    return {"parcels": [{"tracking": f"TRK-{user.pk}"}]}


def parcels_erase(user):
    ERASED.append(user.pk)


@pytest.fixture
def with_parcels_module(monkeypatch):
    declared = dict(registry.modules())
    here = __name__
    declared["parcels"] = Module(key="parcels", title="Parcels", personal_data=f"{here}.parcels_personal_data",
                                 erase_personal_data=f"{here}.parcels_erase")
    monkeypatch.setattr(registry, "modules", lambda: declared)
    ERASED.clear()
    return declared


@pytest.fixture
def me(alpha):
    user = make_customer(alpha, email="me@alpha.test", phone="+380501230000", full_name="Me Myself", language="uk")
    with tenant_context(alpha):
        services.save_address(user, {"line1": "1 Main St", "city": "Kyiv"})
        services.save_address(user, {"line1": "2 Work Rd", "city": "Lviv"})
        services.save_notification_preferences(user, [("account.security", "sms")])
        AccountNumber.objects.create(user=user, number="CT-9", kind="contract")
    return user


def test_export_downloads_everything_kept_about_me(alpha, me, with_parcels_module):
    client = client_for("alpha.localhost")
    assert client.post("/login/", {"username": "CT-9", "password": CUSTOMER_PASSWORD}).status_code == 302
    response = client.get("/me/export/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"]["full_name"] == "Me Myself" and data["profile"]["email"] == "me@alpha.test"
    assert data["profile"]["phone"] == "+380501230000" and data["profile"]["language"] == "uk"
    assert [a["line1"] for a in data["addresses"]] == ["1 Main St", "2 Work Rd"]
    assert data["addresses"][0]["is_default"] is True
    security = next(row for row in data["notification_preferences"] if row["event"] == "account.security")
    assert security == {"event": "account.security", "email": False, "sms": True, "push": False}
    assert data["account_numbers"] == [{"number": "CT-9", "kind": "contract",
                                        "created_at": data["account_numbers"][0]["created_at"]}]
    assert data["account"]["date_joined"] and data["account"]["last_login"]
    assert data["sign_ins"] and data["sign_ins"][0]["ip_address"] == "203.0.113.10"
    assert data["modules"]["parcels"] == {"parcels": [{"tracking": f"TRK-{me.pk}"}]}
    assert "password" not in response.content.decode()


def test_export_needs_a_signed_in_person(alpha):
    assert client_for("alpha.localhost").get("/me/export/")["Location"].startswith("/login/")


def test_deleting_the_account_anonymises_it_and_keeps_the_row(alpha, me, with_parcels_module):
    client = signed_in(alpha, "alpha.localhost", me)
    page = client.get("/me/delete/").content.decode()
    assert 'for="id_password"' in page
    response = client.post("/me/delete/", {"password": CUSTOMER_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "_auth_user_id" not in client.session
    with tenant_context(alpha):
        user = get_user_model().objects.get(pk=me.pk)
        assert (user.full_name, user.email, user.phone, user.pending_email) == ("Deleted customer", None, None, "")
        assert not user.is_active and not user.has_usable_password() and user.language == ""
        assert not DeliveryAddress.objects.filter(user=user).exists()
        assert not NotificationPreference.objects.filter(user=user).exists()
        assert not AccountNumber.objects.filter(user=user).exists()
    assert ERASED == [me.pk]
    for identifier in ("me@alpha.test", "+380501230000", "CT-9"):
        again = client_for("alpha.localhost").post("/login/", {"username": identifier, "password": CUSTOMER_PASSWORD})
        assert again.status_code == 200 and again.context["form"].errors
    # the addresses are free for a new registration
    assert client_for("alpha.localhost").post("/register/", {
        "full_name": "Back Again", "email": "me@alpha.test", "phone": "+380501230000",
        "password1": "Quiet-Meadow-77", "password2": "Quiet-Meadow-77"}).status_code == 302


@pytest.mark.parametrize("password", ["", "wrong-password"])
def test_deletion_needs_the_right_password(alpha, me, password):
    client = signed_in(alpha, "alpha.localhost", me)
    response = client.post("/me/delete/", {"password": password})
    assert response.status_code == 200 and response.context["form"].errors["password"]
    with tenant_context(alpha):
        assert get_user_model().objects.get(pk=me.pk).is_active


def test_staff_cannot_delete_themselves_here(alpha, alpha_owner):
    client = signed_in(alpha, "alpha.localhost", alpha_owner)
    assert "Staff accounts cannot be deleted here" in client.get("/me/delete/").content.decode()
    response = client.post("/me/delete/", {"password": "Correct-Horse-42"})
    assert response.status_code == 403
    with tenant_context(alpha):
        owner = get_user_model().objects.get(pk=alpha_owner.pk)
        assert owner.is_active and owner.email == "owner@alpha.test"


def test_the_service_refuses_staff_too(alpha, alpha_owner):
    from django.core.exceptions import ValidationError

    with tenant_context(alpha), pytest.raises(ValidationError):
        services.delete_account(alpha_owner)
