"""Staff helping a customer sign in: the customer's page, a reset link by e-mail, a single-use link to hand
over, a temporary password with the change it forces, the history of all of it; roles, bad input, tenants."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tenants.utils import tenant_context

from cabinet.accounts.models import AccountEvent, LoginToken
from conftest import host_client
from tests.helpers import delivered_mail

from .conftest import make_user

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Brand-New-Orchard-57"


def _customer(tenant, **fields):
    fields.setdefault("full_name", "Olga Phone")
    with tenant_context(tenant):
        user = get_user_model()(role="customer", **fields)
        user.set_password("Old-Secret-Pass-11")
        user.save()
        return user


@pytest.fixture
def phone_only(alpha):
    return _customer(alpha, phone="+79123456789")


@pytest.fixture
def with_email(alpha):
    return _customer(alpha, email="olga@example.com", full_name="Olga Mail")


def _reload(tenant, user):
    with tenant_context(tenant):
        return get_user_model().objects.get(pk=user.pk)


def _events(tenant, user):
    with tenant_context(tenant):
        return list(AccountEvent.objects.filter(user=user).order_by("at", "id").values_list("kind", "actor_name"))


def _handover(page: str) -> str:
    found = re.search(r'id="handover-value" type="text" readonly value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def test_the_customer_page_shows_contacts_and_the_help_offered(owner_client, alpha, phone_only, with_email):
    page = owner_client.get(f"/manage/customers/{phone_only.pk}/").content.decode()
    assert "Olga Phone" in page and "8 (912) 345-67-89" in page  # national format: the business is in Russia
    assert "Make a link to hand over" in page and "E-mail a password-reset link" not in page
    page = owner_client.get(f"/manage/customers/{with_email.pk}/").content.decode()
    assert "olga@example.com" in page and "E-mail a password-reset link" in page
    listing = owner_client.get("/manage/customers/").content.decode()
    assert f'href="/manage/customers/{phone_only.pk}/"' in listing


def test_staff_e_mail_a_reset_link_and_the_history_says_who(owner_client, alpha, with_email):
    response = owner_client.post(f"/manage/customers/{with_email.pk}/reset-email/", follow=True)
    assert "on its way to olga@example.com" in response.content.decode()
    assert len(delivered_mail()) == 1 and delivered_mail()[0].to == ["olga@example.com"]
    link = re.search(r"http://alpha\.localhost(/password-reset/\S+)", delivered_mail()[0].body).group(1)
    customer = host_client("alpha.localhost")
    form = customer.get(link, follow=True)
    done = customer.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert _reload(alpha, with_email).check_password(NEW_PASSWORD)
    kinds = _events(alpha, with_email)
    assert [kind for kind, _actor in kinds] == ["reset_link_emailed", "password_reset"]
    assert "owner@alpha.test" in kinds[0][1] and kinds[1][1] == ""  # the customer did the second
    history = owner_client.get(f"/manage/customers/{with_email.pk}/").content.decode()
    assert "Password-reset link e-mailed by staff" in history and "owner@alpha.test" in history


def test_reset_e_mails_from_staff_respect_the_customers_hourly_limit(owner_client, alpha, with_email):
    for _round in range(3):
        owner_client.post(f"/manage/customers/{with_email.pk}/reset-email/")
    held = owner_client.post(f"/manage/customers/{with_email.pk}/reset-email/", follow=True).content.decode()
    assert "no other was sent" in held
    assert len(delivered_mail()) == 3


def test_no_reset_e_mail_for_a_customer_without_one(owner_client, alpha, phone_only):
    page = owner_client.post(f"/manage/customers/{phone_only.pk}/reset-email/", follow=True).content.decode()
    assert "has no e-mail address" in page
    assert delivered_mail() == [] and _events(alpha, phone_only) == []


def test_a_link_to_hand_over_is_shown_once_works_once_and_signs_the_customer_in(owner_client, alpha, phone_only):
    response = owner_client.post(f"/manage/customers/{phone_only.pk}/reset-link/")
    assert response.status_code == 302
    page = owner_client.get(response["Location"]).content.decode()
    link = _handover(page)
    assert link.startswith("http://alpha.localhost/password/") and 'data-copy="handover-value"' in page
    assert "handover-value" not in owner_client.get(f"/manage/customers/{phone_only.pk}/").content.decode()
    with tenant_context(alpha):
        token = LoginToken.objects.get(user=phone_only, purpose="password")
        assert token.token_hash not in link  # only the hash is kept
        assert token.expires_at - timezone.now() <= timedelta(minutes=30)

    path = link.removeprefix("http://alpha.localhost")
    customer = host_client("alpha.localhost")
    assert customer.get(path).status_code == 200
    assert host_client("bravo.localhost").get(path).status_code == 404  # this portal's link only
    weak = customer.post(path, {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 400 and _reload(alpha, phone_only).check_password("Old-Secret-Pass-11")
    done = customer.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and customer.session["_auth_user_id"] == str(phone_only.pk)
    assert _reload(alpha, phone_only).check_password(NEW_PASSWORD)
    assert host_client("alpha.localhost").get(path).status_code == 404  # used up
    assert [kind for kind, _actor in _events(alpha, phone_only)] == ["reset_link_handed_over", "password_reset"]


def test_a_handed_over_link_expires_and_a_newer_one_replaces_it(owner_client, alpha, phone_only):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        first = _handover(owner_client.get(owner_client.post(
            f"/manage/customers/{phone_only.pk}/reset-link/")["Location"]).content.decode())
        second = _handover(owner_client.get(owner_client.post(
            f"/manage/customers/{phone_only.pk}/reset-link/")["Location"]).content.decode())
        assert host_client("alpha.localhost").get(first.removeprefix("http://alpha.localhost")).status_code == 404
        assert host_client("alpha.localhost").get(second.removeprefix("http://alpha.localhost")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        late = host_client("alpha.localhost").post(second.removeprefix("http://alpha.localhost"),
                                                   {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        assert late.status_code == 404
    assert _reload(alpha, phone_only).check_password("Old-Secret-Pass-11")


def test_a_sign_in_link_from_signup_is_no_password_link_and_the_reverse(alpha, phone_only):
    from cabinet.accounts import services

    with tenant_context(alpha):
        sign_in = services.issue_login_token(phone_only)
        owner = get_user_model().objects.get(email="owner@alpha.test")
        _person, password_link = services.make_password_link(customer_id=phone_only.pk, actor=owner)
    assert host_client("alpha.localhost").get(f"/password/{sign_in}/").status_code == 404
    entered = host_client("alpha.localhost")
    entered.get(f"/manage/enter/{password_link}/")
    assert "_auth_user_id" not in entered.session


def test_a_temporary_password_must_be_confirmed_then_forces_a_new_one(owner_client, alpha, phone_only):
    old_session = host_client("alpha.localhost")
    assert old_session.post("/login/", {"username": "+79123456789", "password": "Old-Secret-Pass-11"}).status_code == 302

    unconfirmed = owner_client.post(f"/manage/customers/{phone_only.pk}/temporary-password/", follow=True)
    assert "Tick the box" in unconfirmed.content.decode()
    assert _reload(alpha, phone_only).check_password("Old-Secret-Pass-11")

    response = owner_client.post(f"/manage/customers/{phone_only.pk}/temporary-password/", {"confirm": "on"})
    temporary = _handover(owner_client.get(response["Location"]).content.decode())
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", temporary)
    assert old_session.get("/me/").status_code == 302  # the old password's sessions end

    client = host_client("alpha.localhost")
    assert client.post("/login/", {"username": "8 912 345 67 89", "password": temporary}).status_code == 302
    for path in ("/", "/me/", "/me/notifications/"):
        assert client.get(path)["Location"] == "/me/new-password/"
    assert client.get("/api/v1/").status_code == 403
    page = client.get("/me/new-password/").content.decode()
    assert "temporary password" in page
    same = client.post("/me/new-password/", {"new_password1": temporary, "new_password2": temporary})
    assert same.status_code == 400 and _reload(alpha, phone_only).password_change_required
    done = client.post("/me/new-password/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/"
    assert client.get("/me/").status_code == 200  # still signed in, free to go anywhere
    user = _reload(alpha, phone_only)
    assert user.check_password(NEW_PASSWORD) and not user.password_change_required
    assert [kind for kind, _actor in _events(alpha, phone_only)] == ["temporary_password", "password_changed"]
    history = owner_client.get(f"/manage/customers/{phone_only.pk}/").content.decode()
    assert "Temporary password set by staff" in history and "Password changed" in history


def test_a_temporary_password_clears_the_customers_lock(owner_client, alpha, phone_only):
    client = host_client("alpha.localhost")
    for _try in range(5):
        client.post("/login/", {"username": "+79123456789", "password": "wrong"})
    assert client.post("/login/", {"username": "+79123456789", "password": "Old-Secret-Pass-11"}).status_code == 429
    response = owner_client.post(f"/manage/customers/{phone_only.pk}/temporary-password/", {"confirm": "on"})
    temporary = _handover(owner_client.get(response["Location"]).content.decode())
    assert client.post("/login/", {"username": "+79123456789", "password": temporary}).status_code == 302


@pytest.mark.parametrize("action", ["reset-email", "reset-link", "temporary-password"])
def test_actions_opened_directly_lead_back_and_change_nothing(owner_client, alpha, with_email, action):
    response = owner_client.get(f"/manage/customers/{with_email.pk}/{action}/")
    assert response.status_code == 302 and response["Location"] == f"/manage/customers/{with_email.pk}/"
    assert delivered_mail() == [] and _events(alpha, with_email) == []


def test_closed_accounts_and_staff_cannot_be_helped_this_way(owner_client, alpha, with_email):
    manager = make_user(alpha, "helper@alpha.test", "manager")
    assert owner_client.get(f"/manage/customers/{manager.pk}/").status_code == 404
    assert owner_client.post(f"/manage/customers/{manager.pk}/temporary-password/", {"confirm": "on"}).status_code == 404
    assert owner_client.get("/manage/customers/999999/").status_code == 404
    with tenant_context(alpha):
        get_user_model().objects.filter(pk=with_email.pk).update(is_active=False)
    page = owner_client.get(f"/manage/customers/{with_email.pk}/").content.decode()
    assert "This account is closed" in page and "Set a temporary password" not in page
    refused = owner_client.post(f"/manage/customers/{with_email.pk}/temporary-password/", {"confirm": "on"},
                                follow=True).content.decode()
    assert "closed" in refused and _events(alpha, with_email) == []
    assert _reload(alpha, with_email).check_password("Old-Secret-Pass-11")


@pytest.mark.parametrize(("role", "status"), [("manager", 200), ("operator", 403), ("editor", 403)])
def test_owner_and_managers_help_other_roles_may_not(role_client, alpha, phone_only, role, status):
    client = role_client(role)
    card = client.get(f"/manage/customers/{phone_only.pk}/")
    # Operators open the customer card too, without the help with signing in; editors do not.
    assert card.status_code == (403 if role == "editor" else 200)
    assert ("Set a temporary password" in card.content.decode()) is (status == 200)
    answer = client.post(f"/manage/customers/{phone_only.pk}/temporary-password/", {"confirm": "on"})
    assert answer.status_code == (302 if status == 200 else 403)
    assert _reload(alpha, phone_only).password_change_required is (status == 200)


def test_customers_and_visitors_are_kept_out(customer_client, alpha_client, phone_only):
    assert customer_client.get(f"/manage/customers/{phone_only.pk}/").status_code == 403
    assert customer_client.post(f"/manage/customers/{phone_only.pk}/reset-link/").status_code == 403
    response = alpha_client.post(f"/manage/customers/{phone_only.pk}/reset-link/")
    assert response.status_code == 302 and "/manage/login/" in response["Location"]


def test_a_customer_of_alpha_cannot_be_reached_from_bravo(bravo_owner_client, alpha, beta, phone_only):
    with tenant_context(beta):
        assert not get_user_model().objects.filter(pk=phone_only.pk).exists()
    assert bravo_owner_client.get(f"/manage/customers/{phone_only.pk}/").status_code == 404
    assert bravo_owner_client.post(f"/manage/customers/{phone_only.pk}/temporary-password/",
                                   {"confirm": "on"}).status_code == 404
    assert not _reload(alpha, phone_only).password_change_required
