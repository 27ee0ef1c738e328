"""Bonus points in Chromium, on a phone-sized screen: a customer with points pays part of an order with them in
the cart (explained like a discount), places it, and reads on My points why each entry is there."""

import os
import re
import shutil

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from cabinet.launcher import ROOT
from tenants import services
from tenants.models import Tenant

SLUG = "e2e-loyalty"
CUSTOMER = ("Olha Melnyk", "olha@points.example", "Sunny-Beach-2026")
PRODUCT = "Sunset dinner for two"
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"


@pytest.fixture
def resort(django_db_blocker):
    """A resort (bonus points on by default) with a 5 % purchase rule, a sign-up bonus of 500 points the
    customer already has, and a service at 2 400 ₽. Committed; the tenant is deleted afterwards."""
    from cabinet.modules.catalog import services as catalog
    from cabinet.modules.loyalty import services as loyalty
    from cabinet.modules.loyalty.models import EarningRule, RuleKind
    from cabinet.portal.services import set_module_enabled, update_module_settings

    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        for old in Tenant.objects.filter(slug=SLUG):
            services.delete_tenant(old)
        tenant = services.create_tenant(slug=SLUG, name="Sunny Resort", vertical="resort",
                                        owner_email=f"owner@{SLUG}.example", owner_password=None).tenant
        with tenant_context(tenant):
            for key in ("catalog", "orders", "loyalty"):
                set_module_enabled(key, True)
            update_module_settings("loyalty", {"point_value": 100, "max_share": 30, "return_days": 0,
                                               "expiry_months": 0, "reminder_days": 14})
            dining = catalog.save_category(name="Dining")
            catalog.save_product(None, catalog.ProductData(name=PRODUCT, price="2400.00", currency="RUB",
                                                           category=dining, sku="DIN-2", kind="service"))
            EarningRule.objects.create(kind=RuleKind.PURCHASE, currency="RUB", percent="5")
            EarningRule.objects.create(kind=RuleKind.SIGN_UP, points=500)
            customer = get_user_model().objects.create_user(CUSTOMER[1], CUSTOMER[2], full_name=CUSTOMER[0],
                                                            phone="+380501234567")
            loyalty.award_event(customer=customer, kind=RuleKind.SIGN_UP, cause=("accounts.user", customer.pk))
        connection.set_schema_to_public()
    yield tenant
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        for old in Tenant.objects.filter(slug=SLUG):
            services.delete_tenant(old)


def test_customer_pays_partly_with_points_and_reads_each_entry(browser, live_daphne, resort, django_db_blocker,
                                                               screenshot):
    from cabinet.modules.orders import services as orders
    from cabinet.modules.orders.models import Order

    portal = f"http://{SLUG}.localhost:{live_daphne}"
    context = browser.new_context(viewport={"width": 360, "height": 780})
    page = context.new_page()
    page.goto(f"{portal}/login/")
    page.get_by_label("E-mail, phone or contract number").fill(CUSTOMER[1])
    page.get_by_label("Password").fill(CUSTOMER[2])
    page.get_by_role("button", name=re.compile("Log in|Sign in")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Hello, {CUSTOMER[0]}")

    page.goto(f"{portal}/catalog/")
    page.get_by_role("link", name=PRODUCT).click()
    page.get_by_role("button", name="Add to cart").click()
    page.goto(f"{portal}/orders/cart/")
    page.get_by_label("Pay with points").fill("300")
    page.get_by_role("button", name="Apply points").click()
    expect(page.locator(".cart-totals .discount")).to_contain_text("paid with 300 points")
    expect(page.locator(".cart-owed")).to_contain_text("2,100.00")
    paths = [screenshot(page, "loyalty-cart")]

    page.get_by_role("link", name="Check out").click()
    expect(page.locator(".cart-owed")).to_contain_text("2,100.00")
    page.get_by_role("button", name="Place the order").click()
    expect(page.get_by_text(re.compile(r"Your order #\d+ is placed"))).to_be_visible()
    expect(page.locator("main")).to_contain_text("paid with 300 points")

    with django_db_blocker.unblock(), tenant_context(resort):
        order = Order.objects.get(customer__email=CUSTOMER[1])
        assert str(order.total) == "2100.00"
        orders.send_order_event(order, "paid")  # outside a transaction: the points are earned at once
    connection.set_schema_to_public()

    page.goto(f"{portal}/loyalty/")
    entries = page.locator(".loyalty-entries")
    expect(entries).to_contain_text("+500 points: welcome bonus for signing up")
    expect(entries).to_contain_text("−300 points: paid")
    expect(entries).to_contain_text(f"+105 points: order #{order.number}, 5 % of")
    expect(page.locator('[data-figure="available"]')).to_have_text("305")
    page.get_by_role("link", name=re.compile(f"order #{order.number}, 5 %")).click()
    expect(page).to_have_url(re.compile(rf"/orders/{order.pk}/$"))
    page.goto(f"{portal}/loyalty/")
    paths.append(screenshot(page, "loyalty-points"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways at 360 px ({width} px)"
    if os.environ.get("UPDATE_SCREENSHOTS", "1") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for path in paths:
            shutil.copyfile(path, DOCS_SCREENSHOTS / path.name)
    context.close()
