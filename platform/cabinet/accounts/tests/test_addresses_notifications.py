import pytest
from django.db import IntegrityError, transaction
from django_tenants.utils import tenant_context

from cabinet import registry
from cabinet.accounts import selectors, services
from cabinet.accounts.models import DeliveryAddress, NotificationPreference
from cabinet.registry import Module

from .conftest import make_customer, signed_in

HOME = {"label": "Home", "recipient": "Me", "line1": "1 Main St", "line2": "", "city": "Kyiv", "postcode": "01001",
        "country": "Ukraine", "phone": ""}


@pytest.fixture
def me(alpha):
    return make_customer(alpha, email="me@alpha.test", full_name="Me Myself", phone="+380501230000")


@pytest.fixture
def client(alpha, me):
    return signed_in(alpha, "alpha.localhost", me)


def _addresses(tenant, user):
    with tenant_context(tenant):
        return list(DeliveryAddress.objects.filter(user=user).order_by("id"))


def test_the_first_address_becomes_the_default_and_prefills_forms(alpha, me, client):
    assert client.post("/me/addresses/new/", HOME).status_code == 302
    (address,) = _addresses(alpha, me)
    assert address.is_default and address.one_line == "1 Main St, Kyiv, 01001, Ukraine"
    with tenant_context(alpha):
        assert selectors.contact_prefill(me) == {"full_name": "Me Myself", "email": "me@alpha.test",
                                                 "phone": "+380501230000",
                                                 "address": "1 Main St, Kyiv, 01001, Ukraine"}
    assert "1 Main St, Kyiv" in client.get("/me/").content.decode()


def test_exactly_one_default_whatever_is_added_edited_or_deleted(alpha, me, client):
    client.post("/me/addresses/new/", HOME)
    client.post("/me/addresses/new/", {**HOME, "label": "Office", "line1": "2 Work Rd", "make_default": "on"})
    client.post("/me/addresses/new/", {**HOME, "label": "Dacha", "line1": "3 Forest Ln"})
    home, office, dacha = _addresses(alpha, me)
    assert [a.is_default for a in (home, office, dacha)] == [False, True, False]
    client.post(f"/me/addresses/{dacha.pk}/default/")
    assert [a.is_default for a in _addresses(alpha, me)] == [False, False, True]
    client.post(f"/me/addresses/{dacha.pk}/", {**HOME, "label": "Dacha", "line1": "3 Forest Lane"})
    assert [a.is_default for a in _addresses(alpha, me)] == [False, False, True]
    client.post(f"/me/addresses/{dacha.pk}/delete/")
    remaining = _addresses(alpha, me)
    assert [a.label for a in remaining] == ["Home", "Office"] and [a.is_default for a in remaining] == [True, False]


def test_the_database_refuses_two_defaults(alpha, me):
    with tenant_context(alpha):
        DeliveryAddress.objects.create(user=me, line1="a", city="b", is_default=True)
        with pytest.raises(IntegrityError), transaction.atomic():
            DeliveryAddress.objects.create(user=me, line1="c", city="d", is_default=True)


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"line1": ""}, "line1", "This field is required."),
    ({"line1": "   "}, "line1", "This field is required."),
    ({"city": ""}, "city", "This field is required."),
    ({"phone": "12 34"}, "phone", "Enter a valid phone number"),
    ({"postcode": "x" * 21}, "postcode", "at most 20 characters"),
])
def test_bad_addresses_are_refused(alpha, me, client, change, field, message):
    response = client.post("/me/addresses/new/", {**HOME, **change})
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert _addresses(alpha, me) == []


def test_someone_elses_address_cannot_be_seen_edited_deleted_or_made_default(alpha, me, client):
    stranger = make_customer(alpha, email="stranger@alpha.test")
    with tenant_context(alpha):
        theirs = services.save_address(stranger, HOME)
    assert client.get(f"/me/addresses/{theirs.pk}/").status_code == 404
    assert client.post(f"/me/addresses/{theirs.pk}/", {**HOME, "line1": "Hacked"}).status_code == 404
    assert client.post(f"/me/addresses/{theirs.pk}/delete/").status_code == 404
    assert client.post(f"/me/addresses/{theirs.pk}/default/").status_code == 404
    assert client.post("/me/addresses/999999/delete/").status_code == 404
    (kept,) = _addresses(alpha, stranger)
    assert kept.line1 == "1 Main St"


def test_address_actions_opened_directly_lead_back_and_change_nothing(alpha, me, client):
    client.post("/me/addresses/new/", HOME)
    (address,) = _addresses(alpha, me)
    for action in ("delete", "default"):
        response = client.get(f"/me/addresses/{address.pk}/{action}/")
        assert response.status_code == 302 and response["Location"] == "/me/#addresses"
    assert client.put(f"/me/addresses/{address.pk}/delete/").status_code == 405
    assert _addresses(alpha, me) == [address]


def test_notification_defaults_are_email_on_and_the_grid_saves(alpha, me, client):
    page = client.get("/me/notifications/").content.decode()
    assert 'name="account.security__email"' in page and 'for="id_account.security__sms"' in page
    with tenant_context(alpha):
        assert selectors.wants_notification(me, "account.security", "email")
        assert not selectors.wants_notification(me, "account.security", "sms")
    response = client.post("/me/notifications/", {"account.security__sms": "on", "account.news__push": "on",
                                                   "bogus.event__email": "on"})
    assert response.status_code == 302
    with tenant_context(alpha):
        assert not selectors.wants_notification(me, "account.security", "email")
        assert selectors.wants_notification(me, "account.security", "sms")
        assert selectors.wants_notification(me, "account.news", "push")
        assert not NotificationPreference.objects.filter(event="bogus.event").exists()


def test_unknown_notification_choices_are_refused_by_the_service(alpha, me):
    from django.core.exceptions import ValidationError

    with tenant_context(alpha), pytest.raises(ValidationError):
        services.save_notification_preferences(me, [("account.security", "pigeon")])


def test_every_modules_events_are_in_the_grid(alpha, me, client, monkeypatch):
    declared = dict(registry.modules())
    declared["parcels"] = Module(key="parcels", title="Parcels",
                                 notification_events=(("parcels.arrived", "A parcel arrived"),))
    monkeypatch.setattr(registry, "modules", lambda: declared)
    with tenant_context(alpha):
        events = [key for key, _label in selectors.notification_events()]
    assert events[:2] == ["account.security", "account.news"] and "parcels.arrived" in events
    for module in declared.values():
        for key, _label in module.notification_events:
            assert key in events


def test_an_event_the_business_locked_shows_locked_and_a_forged_post_changes_nothing(alpha, beta, me, client,
                                                                                     mailoutbox):
    from cabinet.notifications import services as notifications

    with tenant_context(alpha):
        services.save_notification_preferences(me, [("account.news", "email")])  # security: every channel off
        notifications.save_settings(quiet_start=None, quiet_end=None, sms_sender="", sms_api_key=None,
                                    mandatory_events=["account.security"])
    page = client.get("/me/notifications/").content.decode()
    for channel in ("email", "sms", "push"):
        box = page.split(f'name="account.security__{channel}"')[0].rsplit("<input", 1)[1] + page.split(
            f'name="account.security__{channel}"')[1].split(">", 1)[0]
        assert "checked" in box and "disabled" in box and 'aria-describedby="locked-account.security"' in box
    assert 'id="locked-account.security"' in page and "cannot be switched off" in page
    news_box = page.split('name="account.news__sms"')[1].split(">", 1)[0]
    assert "disabled" not in news_box
    # A forged POST: every box of the locked event sent as off (absent), and once more as an explicit "off".
    for forged in ({"account.news__email": "on"}, {"account.news__email": "on", "account.security__email": ""}):
        assert client.post("/me/notifications/", forged).status_code == 302
    with tenant_context(alpha):
        assert not NotificationPreference.objects.filter(event="account.security", enabled=True).exists()
        security = selectors.notification_grid(me)[0]
        assert security.event == "account.security" and security.locked and all(security.channels.values())
        notifications.notify(me, "account.security", {"customer": me}, template="accounts/email/password_changed",
                             channels=["email"], event_id="locked-test")
    assert [m.to for m in mailoutbox] == [["me@alpha.test"]]
    # Another business has not locked it: its customers' boxes stay theirs.
    with tenant_context(beta):
        other = make_customer(beta, email="me@bravo.test", full_name="Other")
        assert not any(row.locked for row in selectors.notification_grid(other))
