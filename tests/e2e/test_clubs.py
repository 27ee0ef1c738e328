"""Clubs in Chromium, on a phone-sized screen: a customer opens the clubs, joins one, finds its offer on the
club's page, and the cart prices the product at the club's price."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from .conftest import PHONE, publish_screenshots, sign_in

SLUG = "e2e-clubs"
CUSTOMER = ("Olha Melnyk", "olha@sunny.example", "Sunny-Beach-2026")
PRODUCT = "Family spa afternoon"


@pytest.fixture
def resort(make_business, in_business):
    """A resort with clubs on, one open club with a −20 % rule for its members on a spa product, and a
    customer. Committed (the browser's requests commit); the tenant is deleted afterwards."""
    from cabinet.modules.catalog import services as catalog
    from cabinet.modules.clubs.models import Club
    from cabinet.modules.orders.models import DiscountRule

    tenant = make_business(SLUG, "Sunny Resort", "resort", modules=("catalog", "orders", "clubs"))
    with in_business(tenant):
        spa = catalog.save_category(name="Spa")
        catalog.save_product(None, catalog.ProductData(name=PRODUCT, price="100.00", currency="EUR",
                                                       category=spa, sku="SPA-FAM", kind="service"))
        club = Club.objects.create(name="Young mothers", slug="young-mothers",
                                   description="Parents meet, swap tips and get family offers.")
        DiscountRule.objects.create(title="Family spa for club members", kind="condition", value=Decimal("20"),
                                    condition=f"clubs.member:{club.pk}")
        get_user_model().objects.create_user(CUSTOMER[1], CUSTOMER[2], full_name=CUSTOMER[0])
    return tenant


def test_customer_joins_a_club_and_gets_its_price_in_the_cart(browser, live_daphne, resort, screenshot):
    portal = f"http://{SLUG}.localhost:{live_daphne}"
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, portal, CUSTOMER[1], CUSTOMER[2])
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Hello, {CUSTOMER[0]}")

    page.goto(f"{portal}/clubs/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Clubs")
    page.get_by_role("link", name="Young mothers").click()
    expect(page.get_by_text("Club offers")).to_have_count(0)  # a non-member sees no offers and no board
    page.get_by_role("button", name="Join the club").click()
    expect(page.get_by_text("Welcome to the club!")).to_be_visible()
    expect(page.locator(".club-offers")).to_contain_text("Family spa for club members")
    expect(page.locator(".club-offers")).to_contain_text("20")
    paths = [screenshot(page, "clubs-joined")]

    page.goto(f"{portal}/catalog/")
    page.get_by_role("link", name=PRODUCT).click()
    page.get_by_role("button", name="Add to cart").click()
    page.goto(f"{portal}/orders/cart/")
    expect(page.locator(".cart-line .discount")).to_contain_text("Family spa for club members")
    expect(page.locator(".cart-total")).to_have_text("Total: €80.00")
    paths.append(screenshot(page, "clubs-cart-price"))
    publish_screenshots(*paths)
    context.close()
