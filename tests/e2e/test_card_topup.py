"""A top-up by card in Chromium, on a phone-sized screen: the customer names an amount on "My balance", pays
with the test card 4242 4242 4242 4242 in Stripe.js Elements served by the configured Stripe host (localstripe
here), comes back to "My balance" and reads the entry explained."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from .conftest import PHONE, publish_screenshots, sign_in

SLUG = "e2e-topup"
CUSTOMER = ("Olena Marchenko", "olena@topup.example", "Warm-Socks-2026")


@pytest.fixture
def business(make_business, in_business):
    from billing import services as billing
    from cabinet.portal.services import update_module_settings

    if not settings.STRIPE_API_BASE:
        pytest.skip("STRIPE_API_BASE is unset: run the tests through `python -m cabinet.launcher test`")
    tenant = make_business(SLUG, "Sunny Resort", "resort", modules=("wallet",))
    with in_business(tenant):
        update_module_settings("wallet", {"topup_min": 100, "topup_max": 50000, "topup_currency": "EUR"})
        billing.connect_stripe_account(secret_key="sk_test_e2etopup", publishable_key="pk_test_e2etopup",
                                       webhook_secret="whsec_e2etopup")
        get_user_model().objects.create_user(CUSTOMER[1], CUSTOMER[2], full_name=CUSTOMER[0])
    return tenant


def test_customer_tops_up_by_card_and_reads_the_entry(browser, live_daphne, business, in_business, screenshot):
    portal = f"http://{SLUG}.localhost:{live_daphne}"
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, portal, CUSTOMER[1], CUSTOMER[2])
    expect(page.get_by_role("heading", level=1)).to_contain_text(CUSTOMER[0])

    page.goto(f"{portal}/wallet/")
    expect(page.get_by_role("heading", name="Top up by card")).to_be_visible()
    page.get_by_label("Amount, EUR").fill("50")
    page.get_by_role("button", name="Continue to payment").click()
    expect(page.locator("[role=alert]").filter(has_text="A top-up is from")).to_be_visible()
    page.get_by_label("Amount, EUR").fill("250")
    page.get_by_role("button", name="Continue to payment").click()

    # The card page: Stripe.js (localstripe's copy) mounts its card fields.
    expect(page.get_by_role("heading", level=1)).to_have_text("Pay by card")
    card = page.locator("#card-element")
    card.locator("input[placeholder=number]").fill("4242424242424242")
    card.locator("input[placeholder=exp_month]").fill("12")
    card.locator("input[placeholder=exp_year]").fill("34")
    card.locator("input[placeholder=cvc]").fill("123")
    card.locator("input[placeholder=postal_code]").fill("01001")
    shot = screenshot(page, "wallet-topup-card")
    page.locator("#card-submit").click()

    # Back on My balance: credited, and the entry says why.
    expect(page).to_have_url(re.compile(r"/wallet/$"))
    expect(page.get_by_text("Payment received. Thank you!")).to_be_visible()
    expect(page.locator(".wallet-balances")).to_contain_text("€250.00")
    expect(page.locator(".wallet-entries .item").first).to_contain_text("top-up by card")
    after = screenshot(page, "wallet-topup-balance")
    with in_business(business):
        from cabinet.ledger.models import Transaction

        credit = Transaction.objects.get(reason="topup")
        assert credit.idempotency_key.startswith("pi_")
        assert credit.entries.filter(account__owner__email=CUSTOMER[1]).get().amount == Decimal("250.00")
    publish_screenshots(shot, after)
    context.close()
