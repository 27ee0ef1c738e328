"""Staff help a phone-only customer in Chromium, at 360 px: a single-use link copied and handed over, then a
temporary password that the customer must replace at the next sign-in; the staff page's invitation link."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from cabinet.accounts.models import AccountEvent, LoginToken, SignInAttempt
from cabinet.portal.models import StaffInvite

from .conftest import sign_in

SCHEMA = "t_alpha"
PHONE = "+79161234567"
OWNER = ("owner@alpha.test", "Correct-Horse-42")
FIRST, SECOND = "Snowy-Birch-Path-31", "Quiet-River-Stone-58"
INVITED = "new.operator@e2e.example"


@pytest.fixture
def customer(django_db_blocker):
    """A phone-only customer committed in alpha's schema (the server must see it), removed afterwards."""
    User = get_user_model()
    with django_db_blocker.unblock(), schema_context(SCHEMA):
        person = User.objects.create(phone=PHONE, full_name="Vera Phoneonly", password=make_password("Old-Pass-77x"))
    yield person
    with django_db_blocker.unblock(), schema_context(SCHEMA):
        for model in (AccountEvent, LoginToken, SignInAttempt):
            model.objects.filter(user=person).delete()
        SignInAttempt.objects.filter(user__email=OWNER[0]).delete()
        StaffInvite.objects.filter(email=INVITED).delete()
        User.objects.filter(pk=person.pk).delete()


def _no_sideways_scroll(page):
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")


def test_staff_hand_over_a_link_and_a_temporary_password(browser, live_daphne, customer, screenshot):
    portal = f"http://alpha.localhost:{live_daphne}"
    staff_context = browser.new_context(viewport={"width": 360, "height": 780},
                                        permissions=["clipboard-read", "clipboard-write"])
    staff = staff_context.new_page()
    staff.goto(f"{portal}/manage/login/")
    staff.get_by_label("E-mail").fill(OWNER[0])
    staff.get_by_label("Password").fill(OWNER[1])
    staff.get_by_role("button", name=re.compile("Sign in|Log in")).click()
    staff.goto(f"{portal}/manage/customers/?q=Vera")  # one customer matches: the search opens the card
    expect(staff.get_by_role("heading", level=1)).to_have_text("Vera Phoneonly")
    expect(staff.get_by_text("8 (916) 123-45-67")).to_be_visible()
    expect(staff.get_by_role("button", name="E-mail a password-reset link")).to_have_count(0)
    _no_sideways_scroll(staff)

    # A single-use link, copied by keyboard.
    staff.get_by_role("button", name="Make a link to hand over").click()
    link = staff.locator("#handover-value").input_value()
    assert re.fullmatch(rf"{re.escape(portal)}/password/[\w-]+/", link)
    copy = staff.get_by_role("button", name="Copy")
    copy.focus()
    staff.keyboard.press("Enter")
    expect(staff.locator("#handover-value-status")).to_have_text(re.compile("Copied|Selected"))
    _no_sideways_scroll(staff)
    screenshot(staff, "manage-customer-handover")

    vera = browser.new_context(viewport={"width": 360, "height": 780}).new_page()
    vera.goto(link)
    vera.get_by_label("New password", exact=True).fill(FIRST)
    vera.get_by_label("New password confirmation").fill(FIRST)
    vera.get_by_role("button", name="Save the password and sign in").click()
    expect(vera.get_by_role("heading", level=1)).to_contain_text("Vera Phoneonly")
    vera.context.close()

    # A temporary password; at the next sign-in every page asks for her own first.
    staff.reload()
    staff.get_by_label(re.compile("I understand")).check()
    staff.get_by_role("button", name="Set a temporary password").click()
    temporary = staff.locator("#handover-value").input_value()
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", temporary)
    expect(staff.locator(".history")).to_contain_text("Temporary password set by staff")

    vera = browser.new_context(viewport={"width": 360, "height": 780}).new_page()
    sign_in(vera, portal, "8 916 123-45-67", temporary)
    expect(vera).to_have_url(f"{portal}/me/new-password/")
    vera.goto(f"{portal}/me/")
    expect(vera).to_have_url(f"{portal}/me/new-password/")
    _no_sideways_scroll(vera)
    vera.get_by_label("New password", exact=True).fill(SECOND)
    vera.get_by_label("New password confirmation").fill(SECOND)
    vera.get_by_role("button", name="Save the password").click()
    expect(vera.get_by_role("heading", level=1)).to_contain_text("Vera Phoneonly")

    # The invitation link is shown once to copy.
    staff.goto(f"{portal}/manage/staff/")
    staff.get_by_label("E-mail").fill(INVITED)
    staff.get_by_label("Role").select_option("operator")
    staff.get_by_role("button", name="Send invitation").click()
    expect(staff.locator("#invite-link")).to_have_value(re.compile(rf"{re.escape(portal)}/manage/invite/"))
    _no_sideways_scroll(staff)
    screenshot(staff, "manage-staff-invite-link")
    staff.reload()
    expect(staff.locator("#invite-link")).to_have_count(0)
