"""Referrals in Chromium on a phone-sized screen: a friend opens a customer's referral link, registers, buys;
once the order is paid the referrer's Referrals page shows the friend (masked) and the commission pending."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from .conftest import PHONE, no_sideways_scroll, sign_in

SLUG = "e2e-referrals"
REFERRER = ("Olha Bondar", "olha@coffee-lovers.example", "Warm-Latte-2026")
FRIEND = ("Taras Melnyk", "taras@coffee-lovers.example", "Dark-Roast-2026", "+380671112299")
PRODUCT = "Espresso blend, 1 kg"


@pytest.fixture
def shop(make_business, in_business):
    from cabinet.modules.catalog import services as catalog
    from cabinet.modules.referrals import services as referrals

    tenant = make_business(SLUG, "Coffee Lovers", "resort", modules=("catalog", "orders", "referrals"))
    with in_business(tenant):
        central = catalog.save_warehouse(name="Central warehouse")
        blend = catalog.save_product(None, catalog.ProductData(name=PRODUCT, price="760.00", currency="UAH",
                                                               sku="ESP-1K"))
        catalog.set_stock(blend, central, 50)
        referrer = get_user_model().objects.create_user(REFERRER[1], REFERRER[2], full_name=REFERRER[0])
        code = referrals.code_for(referrer).code
    return tenant, code


def test_a_friend_registers_through_the_link_and_buys(browser, live_daphne, shop, in_business, shots):
    tenant, code = shop
    portal = f"http://{SLUG}.localhost:{live_daphne}"
    friend = browser.new_context(viewport=PHONE)
    page = friend.new_page()

    # The link sends the friend to registration; the code rides along in the session.
    page.goto(f"{portal}/referrals/r/{code}/")
    expect(page).to_have_url(re.compile(r"/register/$"))
    page.get_by_label("Your name").fill(FRIEND[0])
    page.get_by_label("E-mail").fill(FRIEND[1])
    page.get_by_label("Phone").fill(FRIEND[3])
    page.get_by_label("Password", exact=True).fill(FRIEND[2])
    page.get_by_label("Password again").fill(FRIEND[2])
    page.get_by_role("button", name=re.compile("Register|Create")).click()
    expect(page.locator(".message-success")).to_contain_text("Welcome!")

    # The friend buys.
    page.goto(f"{portal}/catalog/")
    page.get_by_role("link", name=PRODUCT).click()
    page.get_by_role("button", name="Add to cart").click()
    page.goto(f"{portal}/orders/cart/")
    page.get_by_role("link", name="Check out").click()
    page.get_by_label("Delivery", exact=True).check()
    page.get_by_label("Delivery address").fill("Kyiv, Khreshchatyk 1")
    page.get_by_role("button", name="Place the order").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Order #\d+"))
    friend.close()

    # The order is paid (what the invoices announce).
    with in_business(tenant):
        from cabinet.modules.orders import services as orders
        from cabinet.modules.orders.models import Order
        from cabinet.modules.referrals.models import Commission, Referral

        referral = Referral.objects.get(friend__email=FRIEND[1])
        assert referral.referrer.email == REFERRER[1]
        order = Order.objects.get(customer=referral.friend)
        orders.send_order_event(order, "paid")
        assert Commission.objects.get(order=order).status == "pending"

    # The referrer sees the friend, masked, and the commission pending.
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, portal, REFERRER[1], REFERRER[2])
    page.goto(f"{portal}/referrals/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals")
    expect(page.locator(".referral-friends")).to_contain_text("Ta*** M.")
    expect(page.locator("main")).not_to_contain_text(FRIEND[1])
    line = page.locator('[data-commission="pending"]')
    expect(line).to_have_count(1)
    expect(line).to_contain_text("Pending")
    expect(line).to_contain_text("38.00")  # 5 %, the default share
    expect(page.locator('[data-total="pending"]')).to_contain_text("38.00")  # 5 %, the default share
    no_sideways_scroll(page, "the Referrals page")
    shots(page, "referrals")
    context.close()
