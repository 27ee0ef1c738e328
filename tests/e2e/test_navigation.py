"""The header in Chromium: on a phone the manage area's and the portal's links fold into one menu button, so
the header stays one short bar (in Russian too); the menu and the manage areas work by keyboard (Enter
opens, Escape closes and gives focus back); the cart's count sits beside the button. Screenshots of the
navigation and of the owner's overview go to tests/artifacts/ (and docs/screenshots/ with UPDATE_SCREENSHOTS=1)."""

import os
import shutil

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from cabinet.launcher import ROOT

SLUG = "e2e-nav"
OWNER = "owner@e2e-nav.example"
CUSTOMER = "taras@e2e-nav.example"
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
# One bar: the brand, the cart and the menu button, with their padding (it was 185-250 px before).
PHONE_HEADER_MAX_PX = 72


@pytest.fixture
def business(make_business, in_business):
    from cabinet.modules.catalog import services as catalog
    from cabinet.modules.orders import services as orders

    tenant = make_business(SLUG, "Аптека «Здоров'я»", "clinic", owner_email=OWNER, owner_name="Ірина Мельник",
                           every_module=True)
    with in_business(tenant):
        customer = get_user_model().objects.create_user(CUSTOMER, "Herbal-Tea-2026", full_name="Тарас Коваленко")
        product = catalog.save_product(None, catalog.ProductData(name="Вітамін D3, 60 капсул", price="320.00",
                                                                 currency="UAH"))
        catalog.set_stock(product, catalog.save_warehouse(name="Аптека на Подолі"), 20)
        orders.add_to_cart(customer, product.pk, 2)
    return tenant


def signed_in_context(browser, tenant, email, port, *, width, language="en"):
    client = Client(HTTP_HOST=f"{SLUG}.localhost")
    with tenant_context(tenant):
        client.force_login(get_user_model().objects.get(email=email))
    connection.set_schema_to_public()
    context = browser.new_context(viewport={"width": width, "height": 740})
    url = f"http://{SLUG}.localhost:{port}"
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url},
                         {"name": "django_language", "value": language, "url": url}])
    return context, url


def header_height(page) -> float:
    return page.locator(".site-header").bounding_box()["height"]


@pytest.fixture
def shots(screenshot):
    def save(page, name):
        path = screenshot(page, name)
        if os.environ.get("UPDATE_SCREENSHOTS") == "1":
            DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, DOCS_SCREENSHOTS / path.name)

    return save


def test_the_manage_menu_on_a_phone_and_on_a_desktop_by_keyboard(browser, live_daphne, business, django_db_blocker,
                                                                  shots):
    with django_db_blocker.unblock():
        context, url = signed_in_context(browser, business, OWNER, live_daphne, width=360)
    page = context.new_page()
    page.goto(f"{url}/manage/orders/discounts/")
    toggle = page.get_by_role("button", name="Menu")
    expect(toggle).to_be_visible()
    expect(page.locator("#site-menu")).to_be_hidden()
    assert header_height(page) <= PHONE_HEADER_MAX_PX
    shots(page, "nav-manage-phone")

    # Tab reaches the button (after the skip link and the brand); Enter opens, the current area is unfolded.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#site-menu")).to_be_visible()
    expect(page.locator('details[data-group="sales"]')).to_have_attribute("open", "")
    expect(page.get_by_role("link", name="Discounts")).to_have_attribute("aria-current", "page")
    expect(page.locator('details[data-group="settings"] summary')).to_be_visible()
    shots(page, "nav-manage-phone-open")
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    expect(page.locator("#site-menu")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")

    # In Russian the bar stays one row.
    page.context.add_cookies([{"name": "django_language", "value": "ru", "url": url}])
    page.goto(f"{url}/manage/")
    assert header_height(page) <= PHONE_HEADER_MAX_PX
    expect(page.get_by_role("button", name="Меню")).to_be_visible()

    # A desktop: the areas are in the bar; each opens by keyboard as a dropdown and Escape closes it.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": url}])
    page.goto(f"{url}/manage/")
    expect(toggle).to_be_hidden()
    sales = page.locator('details[data-group="sales"]')
    sales.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(sales.get_by_role("link", name="Orders")).to_be_visible()
    page.keyboard.press("Tab")
    expect(sales.get_by_role("link", name="Catalog")).to_be_focused()
    page.keyboard.press("Escape")
    expect(sales.get_by_role("link", name="Orders")).to_be_hidden()
    expect(sales.locator("summary")).to_be_focused()
    # One area open at a time.
    page.locator('details[data-group="service"] summary').click()
    page.locator('details[data-group="content"] summary').click()
    expect(page.locator('details[data-group="service"]')).not_to_have_attribute("open", "")
    page.mouse.click(640, 600)
    expect(page.locator('details[data-group="content"]')).not_to_have_attribute("open", "")
    page.locator('details[data-group="sales"] summary').click()
    sales.get_by_role("link", name="Orders").hover()
    shots(page, "nav-manage-desktop")
    context.close()


def test_the_overview_and_the_portal_header_with_the_cart_count(browser, live_daphne, business, django_db_blocker,
                                                                shots):
    with django_db_blocker.unblock():
        owner, url = signed_in_context(browser, business, OWNER, live_daphne, width=1280)
        customer, _url = signed_in_context(browser, business, CUSTOMER, live_daphne, width=360, language="ru")
    page = owner.new_page()
    page.goto(f"{url}/manage/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Ірина Мельник")
    expect(page.locator(".checklist-item")).not_to_have_count(0)
    expect(page.locator('[data-item="customers"]')).to_have_class("checklist-item is-done")
    expect(page.locator('.dashboard-card[data-module="orders"]')).to_be_visible()
    shots(page, "manage-overview-desktop")
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    shots(page, "manage-overview")
    owner.close()

    portal = customer.new_page()
    portal.goto(f"{url}/")
    cart = portal.locator("a.header-quick")
    expect(cart).to_be_visible()
    expect(cart).to_contain_text("Корзина")
    expect(cart.locator(".nav-badge")).to_have_text("2")
    assert header_height(portal) <= PHONE_HEADER_MAX_PX
    # The cart's count follows a change made on the cart page without reloading it.
    portal.goto(f"{url}/orders/cart/")
    portal.get_by_label("Количество").fill("5")
    portal.get_by_role("button", name="Обновить").click()
    expect(cart.locator(".nav-badge")).to_have_text("5")
    portal.get_by_role("button", name="Меню").click()
    expect(portal.locator("#site-menu").get_by_role("link", name="Мои заказы")).to_be_visible()
    shots(portal, "nav-portal-phone-open-ru")
    customer.close()
