"""An invoice paid by card against localstripe (purpose `orders.invoice`): the card is paid at Stripe the way
Stripe.js pays it, our server hears it only from Stripe's webhook, delivered twice with one id and once more with
another, as Stripe may; the card's money is credited and the invoice paid exactly once."""

import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request
from decimal import Decimal

import pytest
import stripe
from django.conf import settings
from django_tenants.utils import tenant_context

from billing import services as billing
from billing.models import Payment, StripeEvent
from cabinet.ledger import reconciliation
from cabinet.ledger import selectors as ledger_selectors
from cabinet.ledger.models import Transaction
from cabinet.modules.orders import services
from cabinet.modules.orders.models import Invoice, InvoicePayment, Order
from cabinet.modules.orders.services.payments import owed_amount

from .conftest import make_product, make_warehouse, sign_in, user

pytestmark = pytest.mark.django_db
D = Decimal
CUSTOMER, OWNER = "customer@alpha.test", "owner@alpha.test"
SECRET = "whsec_invoices"
KEYS = {"secret_key": "sk_test_invoices1", "publishable_key": "pk_test_invoices1", "webhook_secret": SECRET}
CHECKOUT = {"recipient_name": "Olena", "phone": "+380501234567", "delivery_method": "delivery",
            "address": "Kyiv, Khreshchatyk 1"}


@pytest.fixture(autouse=True)
def _stripe(alpha, monkeypatch):
    if not settings.STRIPE_API_BASE:
        pytest.skip("STRIPE_API_BASE is unset: run the tests through `python -m cabinet.launcher test`")
    from cabinet.modules.orders import tasks

    monkeypatch.setattr(tasks.email_invoice, "delay", lambda invoice_id: None)
    with tenant_context(alpha):
        billing.connect_stripe_account(**KEYS)


@pytest.fixture
def invoice(alpha):
    with tenant_context(alpha):
        tea = make_product("Sencha", price="100.00", stock={make_warehouse("Central"): 5})
        order = services.place_order(user(alpha, CUSTOMER), services.lines_from_items([(tea.pk, 1)]), CHECKOUT)
        services.change_status(order, Order.Status.CONFIRMED, user(alpha, OWNER))
        return Invoice.objects.get(order=order)


def card_token() -> str:
    """What Stripe.js's createToken does in the browser: the card straight to Stripe with the publishable key."""
    body = urllib.parse.urlencode({"card[number]": "4242424242424242", "card[exp_month]": "12",
                                   "card[exp_year]": "2034", "card[cvc]": "123",
                                   "key": KEYS["publishable_key"]}).encode()
    with urllib.request.urlopen(f"{settings.STRIPE_API_BASE}/v1/tokens", data=body, timeout=10) as answer:
        return json.loads(answer.read())["id"]


def pay_at_stripe(payment: Payment):
    """The card paid at Stripe without our server hearing the answer (the customer closed the tab)."""
    client = stripe.StripeClient(KEYS["secret_key"], base_addresses={"api": settings.STRIPE_API_BASE})
    customer = client.v1.customers.create(params={"source": card_token()})
    client.v1.payment_intents.update(payment.payment_intent_id,
                                     params={"customer": customer.id, "payment_method": customer.default_source})
    return client.v1.payment_intents.confirm(payment.payment_intent_id)


def deliver(client, tenant, obj, event_id: str) -> int:
    """POSTs a signed `payment_intent.succeeded` to the intake and, as the Celery task would, processes it."""
    body = json.dumps({"id": event_id, "object": "event", "type": "payment_intent.succeeded",
                       "created": int(time.time()), "data": {"object": json.loads(str(obj))}}).encode()
    at = int(time.time())
    signature = hmac.new(SECRET.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()
    response = client.post("/billing/stripe/webhook/", body, content_type="application/json",
                           HTTP_STRIPE_SIGNATURE=f"t={at},v1={signature}")
    if response.status_code == 200:
        with tenant_context(tenant):
            for stored in StripeEvent.objects.filter(processed_at__isnull=True):
                billing.process_event(event_pk=stored.pk)
    return response.status_code


def test_an_invoice_paid_by_card_is_paid_once_when_the_webhook_comes_twice(alpha, alpha_client, invoice):
    sign_in(alpha_client, alpha, CUSTOMER)
    answer = alpha_client.post(f"/orders/invoices/{invoice.pk}/pay/", {"method": "card"})
    with tenant_context(alpha):
        payment = Payment.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/billing/pay/{payment.pk}/"
    assert payment.purpose == "orders.invoice" and payment.amount == D("100.00")
    intent = pay_at_stripe(payment)
    assert intent.status == "succeeded"
    for event_id in ("evt_invoice_card", "evt_invoice_card", "evt_invoice_card_again"):
        assert deliver(alpha_client, alpha, intent, event_id) == 200
    with tenant_context(alpha):
        invoice.refresh_from_db()
        by_card = InvoicePayment.objects.filter(invoice=invoice, method=InvoicePayment.Method.CARD)
        assert [p.amount for p in by_card] == [D("100.00")]
        assert owed_amount(invoice) == 0
        credit = Transaction.objects.filter(idempotency_key=f"billing-payment:{payment.id}:in")
        assert credit.count() == 1 and credit.get().cause_id == str(invoice.pk)
        # credited 100 from the card, 100 paid to the invoice: nothing left over, nothing lost
        assert ledger_selectors.balance(customer=user(alpha, CUSTOMER), kind="money",
                                        currency=invoice.currency) == 0
        assert reconciliation.reconcile(record=False).differences == []
    page = alpha_client.get(f"/orders/{invoice.order_id}/").content.decode()
    assert "Paid" in page and "Unpaid" not in page
