"""A top-up by card in Chromium, on a phone-sized screen: the customer names an amount on "My balance", pays
with the test card 4242 4242 4242 4242 in Stripe.js Elements served by the configured Stripe host (localstripe
here), comes back to "My balance" and reads the entry explained."""

import re
import shutil
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from cabinet.launcher import ROOT
from tenants import services
from tenants.models import Tenant

SLUG = "e2e-topup"
CUSTOMER = ("Olena Marchenko", "olena@topup.example", "Warm-Socks-2026")
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"


@pytest.fixture
def business(django_db_blocker):
    from billing import services as billing
    from cabinet.portal.services import set_module_enabled, update_module_settings

    if not settings.STRIPE_API_BASE:
        pytest.skip("STRIPE_API_BASE is unset: run the tests through `python -m cabinet.launcher test`")
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        for old in Tenant.objects.filter(slug=SLUG):
            services.delete_tenant(old)
        tenant = services.create_tenant(slug=SLUG, name="Sunny Resort", vertical="resort",
                                        owner_email=f"owner@{SLUG}.example", owner_password=None).tenant
        with tenant_context(tenant):
            set_module_enabled("wallet", True)
            update_module_settings("wallet", {"topup_min": 100, "topup_max": 50000, "topup_currency": "EUR"})
            billing.connect_stripe_account(secret_key="sk_test_e2etopup", publishable_key="pk_test_e2etopup",
                                           webhook_secret="whsec_e2etopup")
            get_user_model().objects.create_user(CUSTOMER[1], CUSTOMER[2], full_name=CUSTOMER[0])
        connection.set_schema_to_public()
    yield tenant
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        for old in Tenant.objects.filter(slug=SLUG):
            services.delete_tenant(old)


def test_customer_tops_up_by_card_and_reads_the_entry(browser, live_daphne, business, django_db_blocker,
                                                      screenshot):
    portal = f"http://{SLUG}.localhost:{live_daphne}"
    context = browser.new_context(viewport={"width": 360, "height": 780})
    page = context.new_page()
    page.goto(f"{portal}/login/")
    page.get_by_label("E-mail, phone or contract number").fill(CUSTOMER[1])
    page.get_by_label("Password").fill(CUSTOMER[2])
    page.get_by_role("button", name=re.compile("Log in|Sign in")).click()
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
    with django_db_blocker.unblock(), tenant_context(business):
        from cabinet.ledger.models import Transaction

        credit = Transaction.objects.get(reason="topup")
        assert credit.idempotency_key.startswith("pi_")
        assert credit.entries.filter(account__owner__email=CUSTOMER[1]).get().amount == Decimal("250.00")
    connection.set_schema_to_public()
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for path in (shot, after):
        shutil.copyfile(path, DOCS_SCREENSHOTS / path.name)
    context.close()
