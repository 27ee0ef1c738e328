"""Staff roles, sections per role, invitations and their bad inputs, isolation of staff between tenants."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from cabinet.portal import services
from cabinet.portal.models import StaffInvite
from conftest import host_client
from tests.helpers import delivered_mail

from .conftest import STAFF_PASSWORD, make_user

pytestmark = pytest.mark.django_db

SECTIONS = {
    "portal:manage-branding": ("owner", "manager"),
    "portal:manage-modules": ("owner", "manager"),
    "portal:manage-customers": ("owner", "manager", "operator"),
    "portal:manage-staff": ("owner",),
}


@pytest.mark.parametrize("role", ["manager", "operator", "editor"])
def test_each_role_opens_only_its_sections_and_sees_only_their_links(role_client, role):
    client = role_client(role)
    overview = client.get("/manage/")
    assert overview.status_code == 200
    page = overview.content.decode()
    for name, roles in SECTIONS.items():
        url = reverse(name)
        expected = 200 if role in roles else 403
        assert client.get(url).status_code == expected, (role, url)
        assert (f'href="{url}"' in page) is (role in roles), (role, url)


def test_owner_sees_every_section(owner_client):
    page = owner_client.get("/manage/").content.decode()
    for name in SECTIONS:
        assert owner_client.get(reverse(name)).status_code == 200
        assert f'href="{reverse(name)}"' in page


def test_customers_and_visitors_are_kept_out(customer_client, alpha_client):
    for name in SECTIONS:
        assert customer_client.get(reverse(name)).status_code == 403
        response = alpha_client.get(reverse(name))
        assert response.status_code == 302 and "/manage/login/" in response["Location"]


@pytest.fixture
def send_invite(django_capture_on_commit_callbacks):
    """Posts the invitation form; the e-mail leaves once the transaction commits, as in production."""

    def post(client, email="new.manager@example.com", role="manager"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/manage/staff/", {"email": email, "role": role})

    return post


def _link_from_mail(message) -> str:
    line = next(line for line in message.body.splitlines() if "/manage/invite/" in line)
    return line.strip()


def test_invited_person_sets_a_password_and_lands_signed_in(owner_client, alpha, beta, send_invite):
    response = send_invite(owner_client)
    assert response.status_code == 302
    assert len(delivered_mail()) == 1
    message = delivered_mail()[0]
    assert message.to == ["new.manager@example.com"]
    link = _link_from_mail(message)
    assert link.startswith("http://alpha.localhost/manage/invite/")
    path = link.removeprefix("http://alpha.localhost")
    with tenant_context(alpha):
        invite = StaffInvite.objects.get()
        assert invite.token_hash != path.rstrip("/").rsplit("/", 1)[-1]  # only the hash is stored
        assert invite.expires_at - invite.created_at == timedelta(days=7)

    newcomer = host_client("alpha.localhost")
    form = newcomer.get(path)
    assert form.status_code == 200 and b"new.manager@example.com" in form.content
    done = newcomer.post(path, {"full_name": "Nina Manager", "password1": STAFF_PASSWORD,
                                "password2": STAFF_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/manage/"
    assert newcomer.get("/manage/branding/").status_code == 200  # signed in, as a manager
    assert newcomer.get("/manage/staff/").status_code == 403
    with tenant_context(alpha):
        user = get_user_model().objects.get(email="new.manager@example.com")
        assert (user.role, user.full_name, user.is_staff) == ("manager", "Nina Manager", True)

    # used once only
    again = host_client("alpha.localhost").get(path)
    assert again.status_code == 410 and b"already accepted" in again.content
    # the account exists on alpha only
    with tenant_context(beta):
        assert not get_user_model().objects.filter(email="new.manager@example.com").exists()
    assert not _can_sign_in("bravo.localhost", "new.manager@example.com")
    assert _can_sign_in("alpha.localhost", "new.manager@example.com")


def _can_sign_in(host, email, password=STAFF_PASSWORD) -> bool:
    client = host_client(host)
    client.post("/manage/login/", {"username": email, "password": password})
    return client.get("/manage/").status_code == 200


def test_alpha_invite_link_is_unknown_on_bravo(owner_client, send_invite):
    send_invite(owner_client)
    path = _link_from_mail(delivered_mail()[0]).removeprefix("http://alpha.localhost")
    response = host_client("bravo.localhost").get(path)
    assert response.status_code == 404
    post = host_client("bravo.localhost").post(path, {"full_name": "X", "password1": STAFF_PASSWORD,
                                                      "password2": STAFF_PASSWORD})
    assert post.status_code == 404


def test_expired_revoked_and_unknown_links_are_explained(owner_client, alpha, send_invite):
    send_invite(owner_client, "late@example.com")
    path = _link_from_mail(delivered_mail()[0]).removeprefix("http://alpha.localhost")
    with tenant_context(alpha):
        StaffInvite.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    expired = host_client("alpha.localhost").get(path)
    assert expired.status_code == 410 and b"expired" in expired.content
    late = host_client("alpha.localhost").post(path, {"full_name": "Late", "password1": STAFF_PASSWORD,
                                                      "password2": STAFF_PASSWORD})
    assert late.status_code == 410

    send_invite(owner_client, "withdrawn@example.com")
    path = _link_from_mail(delivered_mail()[1]).removeprefix("http://alpha.localhost")
    with tenant_context(alpha):
        invite = StaffInvite.objects.get(email="withdrawn@example.com")
    assert owner_client.post(f"/manage/staff/invites/{invite.pk}/revoke/").status_code == 302
    revoked = host_client("alpha.localhost").get(path)
    assert revoked.status_code == 410 and b"withdrawn" in revoked.content

    unknown = host_client("alpha.localhost").get("/manage/invite/not-a-real-token/")
    assert unknown.status_code == 404 and b"cannot be used" in unknown.content
    with tenant_context(alpha):
        assert not get_user_model().objects.filter(email__in=["late@example.com", "withdrawn@example.com"]).exists()


def test_inviting_again_replaces_the_first_link(owner_client, send_invite):
    send_invite(owner_client, "twice@example.com")
    send_invite(owner_client, "twice@example.com", role="editor")
    first = _link_from_mail(delivered_mail()[0]).removeprefix("http://alpha.localhost")
    second = _link_from_mail(delivered_mail()[1]).removeprefix("http://alpha.localhost")
    assert host_client("alpha.localhost").get(first).status_code == 410
    assert host_client("alpha.localhost").get(second).status_code == 200


@pytest.mark.parametrize(("email", "role", "message"), [
    ("not-an-email", "manager", "Enter a valid email address"),
    ("owner@alpha.test", "manager", "already works here"),
    ("customer@alpha.test", "operator", "registered as a customer"),
    ("CUSTOMER@Alpha.test", "operator", "registered as a customer"),
    ("someone@example.com", "owner", "Select a valid choice"),
    ("someone@example.com", "customer", "Select a valid choice"),
])
def test_bad_invitations_are_refused_with_a_reason(owner_client, alpha, email, role, message, send_invite):
    response = send_invite(owner_client, email, role)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert delivered_mail() == []
    with tenant_context(alpha):
        assert not StaffInvite.objects.exists()


def test_accept_form_refuses_bad_passwords_and_keeps_the_invitation(owner_client, alpha, send_invite):
    send_invite(owner_client, "weak@example.com")
    path = _link_from_mail(delivered_mail()[0]).removeprefix("http://alpha.localhost")
    client = host_client("alpha.localhost")
    for data in ({"full_name": "W", "password1": "123", "password2": "123"},
                 {"full_name": "W", "password1": STAFF_PASSWORD, "password2": STAFF_PASSWORD + "x"},
                 {"full_name": "  ", "password1": STAFF_PASSWORD, "password2": STAFF_PASSWORD}):
        assert client.post(path, data).status_code == 400
    with tenant_context(alpha):
        assert not get_user_model().objects.filter(email="weak@example.com").exists()
        assert StaffInvite.objects.get().is_pending


def test_owner_changes_roles_and_deactivates_but_never_locks_the_business_out(owner_client, alpha):
    member = make_user(alpha, "op@alpha.test", "operator")
    with tenant_context(alpha):
        owner = get_user_model().objects.get(email="owner@alpha.test")

    assert _can_sign_in("alpha.localhost", "op@alpha.test")
    owner_client.post(f"/manage/staff/{member.pk}/role/", {"role": "editor"})
    owner_client.post(f"/manage/staff/{member.pk}/active/", {"active": "0"})
    with tenant_context(alpha):
        member.refresh_from_db()
        assert (member.role, member.is_active) == ("editor", False)
    assert not _can_sign_in("alpha.localhost", "op@alpha.test")

    for url, data, reason in (
        (f"/manage/staff/{owner.pk}/role/", {"role": "manager"}, "your own role"),
        (f"/manage/staff/{owner.pk}/active/", {"active": "0"}, "your own account"),
        (f"/manage/staff/{member.pk}/role/", {"role": "customer"}, "offered roles"),
    ):
        page = owner_client.post(url, data, follow=True).content.decode()
        assert reason in page
    with tenant_context(alpha):
        owner.refresh_from_db()
        assert (owner.role, owner.is_active) == ("owner", True)

    # a second owner may demote the first only while another owner remains
    second = make_user(alpha, "co-owner@alpha.test", "owner")
    owner_client.post(f"/manage/staff/{second.pk}/role/", {"role": "manager"})
    with tenant_context(alpha):
        second.refresh_from_db()
        assert second.role == "manager"
        with pytest.raises(ValidationError, match="at least one owner"):
            services.change_staff_role(member_id=owner.pk, role="manager", changed_by=second)
        with pytest.raises(ValidationError, match="at least one active owner"):
            services.set_staff_active(member_id=owner.pk, active=False, changed_by=second)


def test_staff_list_shows_roles(owner_client, alpha):
    make_user(alpha, "ed@alpha.test", "editor", full_name="Edith Editor")
    page = owner_client.get("/manage/staff/").content.decode()
    assert "Edith Editor" in page and "owner@alpha.test" in page
    assert "customer@alpha.test" not in page


def test_alpha_staff_session_opens_nothing_on_bravo(owner_client, alpha):
    bravo = host_client("bravo.localhost")
    bravo.cookies = owner_client.cookies  # the same browser visiting the other tenant's host
    for name in (*SECTIONS, "portal:manage"):
        response = bravo.get(reverse(name))
        assert response.status_code == 302 and "/manage/login/" in response["Location"]


def _fresh_link(page: str) -> str:
    import re

    found = re.search(r'id="invite-link" type="text" readonly value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def test_the_invitation_link_is_shown_once_to_copy(owner_client, send_invite):
    response = send_invite(owner_client, "copy.me@example.com")
    page = owner_client.get(response["Location"]).content.decode()
    link = _fresh_link(page)
    assert link == _link_from_mail(delivered_mail()[0]) and 'data-copy="invite-link"' in page
    assert 'id="invite-link"' not in owner_client.get("/manage/staff/").content.decode()  # once only
    path = link.removeprefix("http://alpha.localhost")
    assert host_client("alpha.localhost").get(path).status_code == 200


def test_resending_mails_a_new_link_and_the_old_one_stops_working(owner_client, alpha, send_invite,
                                                                  django_capture_on_commit_callbacks):
    send_invite(owner_client, "again@example.com")
    old = _link_from_mail(delivered_mail()[0]).removeprefix("http://alpha.localhost")
    with tenant_context(alpha):
        invite = StaffInvite.objects.get(email="again@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(f"/manage/staff/invites/{invite.pk}/resend/")
    assert response.status_code == 302
    assert len(delivered_mail()) == 2 and delivered_mail()[1].to == ["again@example.com"]
    new = _link_from_mail(delivered_mail()[1])
    assert _fresh_link(owner_client.get("/manage/staff/").content.decode()) == new
    stale = host_client("alpha.localhost").get(old)
    assert stale.status_code == 404 and b"cannot be used" in stale.content
    assert host_client("alpha.localhost").get(new.removeprefix("http://alpha.localhost")).status_code == 200


def test_expired_invitations_are_shown_as_such_and_can_be_sent_again_or_withdrawn(owner_client, alpha, send_invite,
                                                                                  django_capture_on_commit_callbacks):
    send_invite(owner_client, "late@example.com")
    send_invite(owner_client, "later@example.com")
    with tenant_context(alpha):
        StaffInvite.objects.update(expires_at=timezone.now() - timedelta(hours=1))
        late, later = (StaffInvite.objects.get(email=e) for e in ("late@example.com", "later@example.com"))
    page = owner_client.get("/manage/staff/").content.decode()
    assert page.count(">expired<") == 2 and "Send a new link" in page
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(f"/manage/staff/invites/{late.pk}/resend/")
    revived = _link_from_mail(delivered_mail()[-1]).removeprefix("http://alpha.localhost")
    assert host_client("alpha.localhost").get(revived).status_code == 200
    assert owner_client.post(f"/manage/staff/invites/{later.pk}/revoke/").status_code == 302
    with tenant_context(alpha):
        late.refresh_from_db()
        later.refresh_from_db()
        assert late.is_pending and late.expires_at > timezone.now() + timedelta(days=6)
        assert later.revoked_at is not None
    owner_client.get("/manage/staff/")  # shows the message about the withdrawal
    page = owner_client.get("/manage/staff/").content.decode()
    assert "later@example.com" not in page and ">expired<" not in page


def test_accepted_or_withdrawn_invitations_cannot_be_resent(owner_client, alpha, send_invite):
    send_invite(owner_client, "gone@example.com")
    with tenant_context(alpha):
        invite = StaffInvite.objects.get(email="gone@example.com")
    owner_client.post(f"/manage/staff/invites/{invite.pk}/revoke/")
    page = owner_client.post(f"/manage/staff/invites/{invite.pk}/resend/", follow=True).content.decode()
    assert "accepted or withdrawn" in page
    assert owner_client.post("/manage/staff/invites/999999/resend/", follow=True).status_code == 200
    assert len(delivered_mail()) == 1


@pytest.mark.parametrize("path", ["/manage/staff/1/role/", "/manage/staff/1/active/",
                                  "/manage/staff/invites/1/revoke/", "/manage/staff/invites/1/resend/"])
def test_staff_actions_opened_directly_lead_to_the_staff_page(owner_client, path):
    response = owner_client.get(path)
    assert response.status_code == 302 and response["Location"] == "/manage/staff/"


def test_only_the_owner_resends_invitations(role_client, owner_client, alpha, send_invite):
    send_invite(owner_client, "someone@example.com")
    with tenant_context(alpha):
        invite = StaffInvite.objects.get()
    manager = role_client("manager")
    assert manager.post(f"/manage/staff/invites/{invite.pk}/resend/").status_code == 403
    assert len(delivered_mail()) == 1
