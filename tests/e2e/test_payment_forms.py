"""The money forms at 360 px and by keyboard in Chromium: the customer's invoice payment (from the balance, by
card, both) on the order page, and the staff's forms on a customer's balance page (adjust, credit limit, refund
to the balance) and on the order's manage page (record a bank transfer). Each page fits the phone's width; every
control of each form takes the focus with Tab and shows it; Enter sends the form; a refusal is said next to the
field it is about."""

import datetime
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from .conftest import PHONE, error_beside, no_sideways_scroll, sign_in, tab_through

SLUG = "e2e-pay"
CUSTOMER = ("Mykola Shevchuk", "mykola@pay.example", "Paid-In-Full-2026")
OWNER_PASSWORD = "Owner-Of-Pay-2026"
CHECKOUT = {"recipient_name": CUSTOMER[0], "phone": "+380501234567", "delivery_method": "delivery",
            "address": "Kyiv, Khreshchatyk 1"}


@pytest.fixture
def invoiced(make_business, in_business):
    """A wholesale business with card payments connected, a customer with €60 on the balance and a confirmed
    order of €100 (its invoice unpaid)."""
    from billing import services as billing
    from cabinet.ledger import services as ledger
    from cabinet.modules.catalog import services as catalog
    from cabinet.modules.orders import services as orders
    from cabinet.modules.orders.models import Invoice, Order

    if not settings.STRIPE_API_BASE:
        pytest.skip("STRIPE_API_BASE is unset: run the tests through `python -m cabinet.launcher test`")
    tenant = make_business(SLUG, "Pay Wholesale", "wholesale", owner_password=OWNER_PASSWORD,
                           modules=("catalog", "orders", "wallet"))
    with in_business(tenant):
        billing.connect_stripe_account(secret_key="sk_test_e2epay", publishable_key="pk_test_e2epay",
                                       webhook_secret="whsec_e2epay")
        central = catalog.save_warehouse(name="Central warehouse")
        crate = catalog.save_product(None, catalog.ProductData(name="Pears, 10 kg", price="100.00", currency="EUR",
                                                               sku="PEAR-10"))
        catalog.set_stock(crate, central, 20)
        customer = get_user_model().objects.create_user(CUSTOMER[1], CUSTOMER[2], full_name=CUSTOMER[0])
        owner = get_user_model().objects.get(role="owner")
        order = orders.place_order(customer, orders.lines_from_items([(crate.pk, 1)]), CHECKOUT)
        orders.change_status(order, Order.Status.CONFIRMED, owner)
        ledger.post_transaction(
            lines=[(ledger.business_account(name="adjustments", kind="money", currency="EUR"), Decimal("-60.00")),
                   (ledger.customer_account(customer=customer, kind="money", currency="EUR"), Decimal("60.00"))],
            reason="adjustment", params={"note": "welcome"})
        invoice = Invoice.objects.get(order=order)
    return tenant, invoice, customer


def test_customer_pays_an_invoice_at_360_px_by_keyboard(browser, live_daphne, invoiced, in_business, screenshot):
    tenant, invoice, _customer = invoiced
    portal = f"http://{SLUG}.localhost:{live_daphne}"
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, portal, CUSTOMER[1], CUSTOMER[2])
    page.goto(f"{portal}/orders/{invoice.order_id}/")
    form = page.locator("form").filter(has=page.get_by_role("button", name="Pay", exact=True))
    expect(form).to_be_visible()
    no_sideways_scroll(page, "the order page with its invoice")
    assert tab_through(page, form) == [f"pay-amount-{invoice.pk}", "radio:method", "Pay"]
    screenshot(page, "invoice-pay-form")

    # More than is owed: refused next to the amount, by keyboard only.
    amount = page.get_by_label("Amount (empty: all that is owed)")
    amount.focus()
    page.keyboard.type("250")
    page.keyboard.press("Enter")
    amount = page.get_by_label("Amount (empty: all that is owed)")
    error_beside(page, amount, "more than is still owed")
    no_sideways_scroll(page, "the payment form with its error")
    screenshot(page, "invoice-pay-error")

    # €60 from the balance, then the rest by card: the radio buttons change with the arrow keys.
    amount.fill("")
    amount.focus()
    page.keyboard.type("60")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Thank you: the payment is recorded.")).to_be_visible()
    expect(page.locator(".invoice-payments .badge").first).to_have_text("Partly paid")
    page.get_by_label("From the balance", exact=True).focus()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("By card", exact=True)).to_be_checked()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pay by card")
    no_sideways_scroll(page, "the card page")
    with in_business(tenant):
        from cabinet.modules.orders.models import InvoicePayment

        assert [p.amount for p in InvoicePayment.objects.filter(invoice=invoice)] == [Decimal("60.00")]
    context.close()


def test_staff_forms_of_a_customer_at_360_px_by_keyboard(browser, live_daphne, invoiced, in_business, screenshot):
    tenant, invoice, customer = invoiced
    portal = f"http://{SLUG}.localhost:{live_daphne}"
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, portal, f"owner@{SLUG}.example", OWNER_PASSWORD)
    page.goto(f"{portal}/manage/wallet/{customer.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(CUSTOMER[0])
    no_sideways_scroll(page, "the customer's balance page")
    screenshot(page, "wallet-manage-customer")
    forms = {name: page.locator("form").filter(has=page.get_by_role("heading", name=name))
             for name in ("Adjust the balance", "Credit limit", "Refund to the balance")}
    for name, form in forms.items():
        reached = tab_through(page, form)
        assert len(reached) == len(set(reached)), f"{name}: two controls share an id"

    # Each refusal is said next to its field; the field is found by its own label.
    adjust = forms["Adjust the balance"]
    adjust.get_by_label("Amount").fill("-10")
    adjust.get_by_label("Amount").press("Enter")
    adjust = page.locator("form").filter(has=page.get_by_role("heading", name="Adjust the balance"))
    error_beside(page, adjust.get_by_label("Reason"), "Say why the balance changes")
    no_sideways_scroll(page, "the balance page with an error")
    screenshot(page, "wallet-manage-adjust-error")
    adjust.get_by_label("Reason").fill("Damaged crate returned")
    adjust.get_by_label("Reason").press("Enter")
    expect(page.get_by_text(f"The balance of {CUSTOMER[0]} is adjusted.")).to_be_visible()

    # A negative limit is stopped by the browser itself, at the field (min="0"), and nothing is sent.
    limit = page.locator("form").filter(has=page.get_by_role("heading", name="Credit limit"))
    limit.get_by_label("Credit limit").fill("-5")
    limit.get_by_label("Credit limit").press("Enter")
    assert limit.get_by_label("Credit limit").evaluate("el => !el.validity.valid && el.validationMessage !== ''")
    limit.get_by_label("Credit limit").fill("500")
    limit.get_by_label("Currency").select_option("EUR")
    limit.get_by_label("Credit limit").press("Enter")
    expect(page.get_by_text(f"The credit limit of {CUSTOMER[0]} is set.")).to_be_visible()

    refund = page.locator("form").filter(has=page.get_by_role("heading", name="Refund to the balance"))
    refund.get_by_label("Amount").fill("15")
    refund.get_by_label("Amount").press("Enter")
    refund = page.locator("form").filter(has=page.get_by_role("heading", name="Refund to the balance"))
    error_beside(page, refund.get_by_label("What is refunded"), "Say what is refunded")
    refund.get_by_label("What is refunded").fill("Two crates short in order #1")
    refund.get_by_label("What is refunded").press("Enter")
    expect(page.get_by_text(f"The refund is credited to the balance of {CUSTOMER[0]}.")).to_be_visible()
    with in_business(tenant):
        from cabinet.ledger.models import Account

        account = Account.objects.get(owner=customer, kind="money", currency="EUR")
        assert (account.balance, account.credit_limit) == (Decimal("65.00"), Decimal("500.00"))  # 60 − 10 + 15
    # The bank transfer against the invoice, on the order's manage page.
    page.goto(f"{portal}/manage/orders/{invoice.order_id}/")
    transfer = page.locator("form").filter(has=page.get_by_role("heading", name="Record a bank transfer"))
    expect(transfer).to_be_visible()
    no_sideways_scroll(page, "the order's manage page")
    tab_through(page, transfer)
    transfer.get_by_label("Reference").fill("PP-77")
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    transfer.get_by_label("Date").fill(tomorrow.isoformat())
    transfer.get_by_label("Reference").press("Enter")
    transfer = page.locator("form").filter(has=page.get_by_role("heading", name="Record a bank transfer"))
    error_beside(page, transfer.get_by_label("Date"), "after today")
    screenshot(page, "orders-transfer-error")
    transfer.get_by_label("Reference").fill("PP-77")
    transfer.get_by_label("Date").fill(datetime.date.today().isoformat())
    transfer.get_by_label("Reference").press("Enter")
    expect(page.get_by_text("The bank transfer is recorded.")).to_be_visible()
    expect(page.locator(".invoice-payments .badge").first).to_have_text(re.compile("Paid"))
    context.close()
