"""The branded portal in Chromium: a business signs up, brands its portal and switches a module off; a
customer registers, signs in by contract number, edits the profile and switches to Russian."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import tenant_context
from PIL import Image
from playwright.sync_api import expect

from tenants import services
from tenants.models import Tenant
from tests.e2e.conftest import ARTIFACTS, open_manage_section, open_menu, sign_in

SLUG = "e2e-resort"
OWNER = ("owner@e2e-resort.example", "Sunny-Beaches-2026")
CUSTOMER = ("Olga Marchenko", "olga@guest.example", "Warm-Sea-Breeze-42")
CONTRACT = "RS-2026-0042"


@pytest.fixture
def committed(django_db_blocker):
    yield
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        for tenant in Tenant.objects.filter(slug=SLUG):
            services.delete_tenant(tenant)


def logo_file(tmp_path):
    """A small two-colour PNG logo."""
    image = Image.new("RGB", (160, 64), "#ffffff")
    for x in range(20, 60):
        for y in range(12, 52):
            image.putpixel((x, y), (12, 90, 60))
    path = tmp_path / "logo.png"
    image.save(path)
    return path


def test_business_brands_portal_and_customer_signs_in_by_contract_number(
        browser, live_daphne, committed, django_db_blocker, screenshot, tmp_path):
    platform = f"http://localhost:{live_daphne}"
    portal = f"http://{SLUG}.localhost:{live_daphne}"

    # The business signs up and lands in its manage area.
    owner = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    owner.goto(f"{platform}/signup/")
    owner.get_by_label("Company name").fill("Azure Coast Resort")
    owner.get_by_label("Portal address").fill(SLUG)
    owner.get_by_text("Resort", exact=True).click()
    owner.get_by_label("Your first name").fill("Marta")
    owner.get_by_label("Your e-mail").fill(OWNER[0])
    owner.get_by_label("Password").fill(OWNER[1])
    owner.get_by_role("button", name="Create portal").click()
    expect(owner).to_have_url(f"{portal}/manage/")

    # Branding: a colour too light for text is refused with a suggestion; a good one is saved with a logo.
    open_manage_section(owner, "Settings", "Branding")
    owner.get_by_label("Welcome text").fill("Sea, sun and your holiday in one place.")
    owner.locator("#id_primary_color_text, input[name=primary_color][type=text]").first.fill("#ffe680")
    owner.get_by_role("button", name="Save branding").click()
    expect(owner.locator(".field-error").filter(has_text="too low").first).to_contain_text("Try #")
    owner.locator("#id_primary_color_text, input[name=primary_color][type=text]").first.fill("#0c5a3c")
    owner.locator("#id_accent_color_text, input[name=accent_color][type=text]").first.fill("#9a3412")
    owner.get_by_label("Logo").set_input_files(str(logo_file(tmp_path)))
    owner.get_by_label("Phones").fill("+380 44 123 45 67")
    owner.get_by_label("Working hours").fill("Every day 8:00–22:00")
    owner.get_by_label("Terms of use").fill("We keep your data to serve your stays and never sell it.")
    expect(owner.locator("#contrast-primary_color")).to_contain_text("reads well")  # checked live, no save
    expect(owner.locator("#contrast-accent_color")).to_contain_text("reads well")
    expect(owner.locator("#branding-preview")).to_be_visible()
    screenshot(owner, "portal-branding")
    owner.get_by_role("button", name="Save branding").click()
    expect(owner.get_by_role("status").first).to_be_visible()

    # Modules: news is switched off; the portal's navigation loses it.
    open_manage_section(owner, "Settings", "Modules")
    owner.get_by_role("button", name="Switch off News").click()
    expect(owner.locator("#module-news .badge")).to_have_text("Off")
    screenshot(owner, "portal-modules")

    # A customer registers on the branded portal.
    customer_context = browser.new_context(viewport={"width": 360, "height": 780})
    guest = customer_context.new_page()
    guest.goto(f"{portal}/")
    expect(guest.locator(".site-header")).to_have_css("background-color", "rgb(12, 90, 60)")
    expect(guest.locator(".brand-logo")).to_be_visible()
    expect(guest.get_by_text("Sea, sun and your holiday in one place.")).to_be_visible()
    expect(guest.locator("footer")).to_contain_text("+380 44 123 45 67")
    expect(guest.get_by_role("link", name="News")).to_have_count(0)
    open_menu(guest)
    guest.get_by_role("link", name="Register").first.click()
    guest.get_by_label("Your name").fill(CUSTOMER[0])
    guest.get_by_label("E-mail").fill(CUSTOMER[1])
    guest.get_by_label("Password", exact=True).fill(CUSTOMER[2])
    guest.get_by_label("Password again").fill(CUSTOMER[2])
    guest.get_by_role("button", name=re.compile("Create|Register")).click()
    expect(guest.get_by_text(re.compile("accept the terms", re.I)).first).to_be_visible()  # consent is required
    guest.get_by_label("Password", exact=True).fill(CUSTOMER[2])
    guest.get_by_label("Password again").fill(CUSTOMER[2])
    guest.get_by_label(re.compile("accept the terms of use")).check()
    guest.get_by_role("button", name=re.compile("Create|Register")).click()
    expect(guest.get_by_role("heading", level=1)).to_contain_text(f"Hello, {CUSTOMER[0]}")
    open_menu(guest)
    guest.get_by_role("button", name="Log out").click()

    # The business attaches a contract number to the new customer.
    open_manage_section(owner, "Customers", "Customers")
    owner.get_by_label("Customer's e-mail or phone").fill(CUSTOMER[1])
    owner.get_by_role("textbox", name="Number", exact=True).fill(CONTRACT)
    owner.get_by_role("button", name="Attach").click()
    expect(owner.get_by_role("row").filter(has_text=CUSTOMER[1])).to_contain_text(CONTRACT)

    # The customer signs in with the contract number and sees the branded dashboard.
    sign_in(guest, portal, CONTRACT.lower(), CUSTOMER[2])
    expect(guest.get_by_role("heading", level=1)).to_contain_text(f"Hello, {CUSTOMER[0]}")
    expect(guest.locator(".dashboard-card").first).to_be_visible()
    screenshot(guest, "portal-dashboard")

    # Profile: a phone is added; it is kept.
    open_menu(guest)
    guest.get_by_role("link", name="My settings").click()
    guest.get_by_label("Phone").first.fill("+380 50 765 43 21")
    guest.get_by_role("button", name=re.compile("Save")).first.click()
    expect(guest.get_by_label("Phone").first).to_have_value("+380 50 765 4321")  # shown international: the
    # business is in Russia (the platform default), the number Ukrainian

    # Russian from the header switcher: the page answers in Russian and the account remembers it.
    open_menu(guest)
    guest.locator("header").get_by_label("Language").select_option("ru")
    expect(guest.locator("html")).to_have_attribute("lang", "ru")
    open_menu(guest)
    expect(guest.get_by_role("link", name="Мои настройки")).to_be_visible()
    screenshot(guest, "portal-settings-ru")
    with django_db_blocker.unblock():
        tenant = Tenant.objects.get(slug=SLUG)
        with tenant_context(tenant):
            user = get_user_model().objects.get(email=CUSTOMER[1])
            assert user.language == "ru" and user.phone == "+380507654321"
            assert user.account_numbers.filter(number=CONTRACT).exists()
        connection.set_schema_to_public()

    # Installable: the manifest carries the brand.
    manifest = guest.evaluate("fetch('/manifest.webmanifest').then((r) => r.json())")
    assert manifest["name"] == "Azure Coast Resort" and manifest["theme_color"] == "#0c5a3c"
    icon_size = guest.evaluate("""async () => {
        const bitmap = await createImageBitmap(await (await fetch('/pwa/icon-192.png')).blob());
        return [bitmap.width, bitmap.height]; }""")
    assert icon_size == [192, 192]
    assert (ARTIFACTS / "portal-dashboard.png").exists()
    customer_context.close()
