"""A business signs up in Chromium and lands in its manage area; platform staff suspend and resume it."""

import re

import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import expect

from conftest import PLATFORM_STAFF
from tenants import services
from tenants.models import Tenant
from tests.e2e.conftest import SERVER_CACHE_SECONDS

SLUG = "e2e-clinic"


def goto_until_status(page, url: str, status: int) -> None:
    """Another process changed the tenant: the server's routing cache catches up within its TTL."""
    for _ in range(SERVER_CACHE_SECONDS * 4 + 4):
        response = page.goto(url)
        if response.status == status:
            return
        page.wait_for_timeout(250)
    assert response.status == status, url


@pytest.fixture
def committed(django_db_blocker):
    """The browser's requests commit; remove what they made so the other tests see the usual data."""
    yield
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        for tenant in Tenant.objects.filter(slug=SLUG):
            services.delete_tenant(tenant)


def test_signup_then_suspend_and_resume(browser, live_daphne, committed, django_db_blocker, screenshot):
    platform = f"http://localhost:{live_daphne}"
    portal = f"http://{SLUG}.localhost:{live_daphne}"
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()

    page.goto(f"{platform}/signup/")
    page.get_by_label("Company name").fill("E2E Family Clinic")
    page.get_by_label("Portal address").fill("admin")
    expect(page.locator("#slug-check")).to_contain_text("reserved")
    page.get_by_label("Portal address").fill(SLUG)
    expect(page.locator("#slug-check")).to_contain_text(f"{SLUG}.{settings.PLATFORM_DOMAIN} is free")
    page.get_by_text("Clinic", exact=True).click()
    page.get_by_label("Your first name").fill("Iryna")
    page.get_by_label("Your e-mail").fill("owner@e2e-clinic.example")
    page.get_by_label("Password").fill("Healthy-Patients-2026")
    screenshot(page, "signup")
    page.get_by_label("Password").fill("123")
    page.get_by_role("button", name="Create portal").click()
    expect(page.get_by_text("This password is too short")).to_be_visible()  # the form comes back, filled
    expect(page.get_by_label("Portal address")).to_have_value(SLUG)
    with django_db_blocker.unblock():
        assert not Tenant.objects.filter(slug=SLUG).exists()
    page.get_by_label("Password").fill("Healthy-Patients-2026")
    page.get_by_role("button", name="Create portal").click()

    expect(page).to_have_url(f"{portal}/manage/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Iryna")
    expect(page.get_by_text("New patients this week", exact=True)).to_be_visible()  # the clinic's wording
    screenshot(page, "manage")

    staff = browser.new_context(viewport={"width": 1100, "height": 800}).new_page()
    staff.goto(f"{platform}/console/")
    expect(staff).to_have_url(re.compile(r"/console/login/"))
    staff.get_by_label("E-mail").fill(PLATFORM_STAFF[0])
    staff.get_by_label("Password").fill(PLATFORM_STAFF[1])
    staff.get_by_role("button", name="Sign in").click()
    staff.get_by_role("searchbox").fill("e2e")
    staff.get_by_role("button", name="Search").click()
    row = staff.get_by_role("row").filter(has_text="E2E Family Clinic")
    expect(row).to_contain_text("Clinic")
    screenshot(staff, "console")
    row.get_by_role("link", name="Suspend").click()  # a confirmation step with a required reason
    expect(staff.get_by_role("heading", level=1)).to_have_text("Suspend E2E Family Clinic?")
    staff.get_by_role("button", name="Suspend E2E Family Clinic").click()
    expect(staff.get_by_text("Give the reason for the suspension.")).to_be_visible()
    staff.get_by_label("Reason (kept in the history)").fill("Unpaid invoice")
    staff.keyboard.press("Tab")
    staff.keyboard.press("Enter")  # by keyboard: the focused button submits
    expect(staff.get_by_role("status")).to_contain_text("is suspended")

    goto_until_status(page, f"{portal}/", 503)
    expect(page.get_by_role("heading", level=1)).to_have_text("Temporarily unavailable")
    screenshot(page, "suspended")

    staff.get_by_role("row").filter(has_text="E2E Family Clinic").get_by_role("button", name="Resume").click()
    expect(staff.get_by_role("status")).to_contain_text("is active again")
    goto_until_status(page, f"{portal}/manage/", 200)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")  # still signed in, nothing lost
    context.close()
