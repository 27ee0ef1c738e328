"""The pages of invoice payments: the customer pays from the balance on the order page, sees the status, the
history and the totals the staff see on the customer card; staff record a bank transfer and refund it; the
owner sets the legal details; a customer cannot pay another's invoice (404)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from cabinet.ledger import services as ledger
from cabinet.modules.orders import services
from cabinet.modules.orders.models import Invoice, InvoicePayment, Order
from cabinet.portal.selectors import legal_details

from .conftest import make_product, make_user, make_warehouse, sign_in, user

CUSTOMER = "customer@alpha.test"
OWNER = "owner@alpha.test"
CHECKOUT = {"recipient_name": "Olena", "phone": "+380501234567", "delivery_method": "delivery",
            "address": "Kyiv, Khreshchatyk 1"}


@pytest.fixture(autouse=True)
def no_mail_tasks(monkeypatch):
    from cabinet.modules.orders import tasks

    monkeypatch.setattr(tasks.email_invoice, "delay", lambda invoice_id: None)


@pytest.fixture
def invoice(alpha):
    with tenant_context(alpha):
        tea = make_product("Sencha", price="100.00", stock={make_warehouse("Central"): 5})
        customer, owner = user(alpha, CUSTOMER), user(alpha, OWNER)
        order = services.place_order(customer, services.lines_from_items([(tea.pk, 1)]), CHECKOUT)
        services.change_status(order, Order.Status.CONFIRMED, owner)
        ledger.post_transaction(
            lines=[(ledger.business_account(name="adjustments", kind="money", currency="EUR"), Decimal("-60.00")),
                   (ledger.customer_account(customer=customer, kind="money", currency="EUR"), Decimal("60.00"))],
            reason="adjustment", params={"note": "gift"})
        return Invoice.objects.get(order=order)


def test_customer_pays_part_from_the_balance_and_sees_it(alpha, alpha_client, invoice):
    sign_in(alpha_client, alpha, CUSTOMER)
    page = alpha_client.get(f"/orders/{invoice.order_id}/")
    assert page.status_code == 200 and "Unpaid" in page.text and "Due date" in page.text
    answer = alpha_client.post(f"/orders/invoices/{invoice.pk}/pay/", {"method": "balance", "amount": "200"},
                               follow=True)
    assert "more than is still owed" in answer.text
    answer = alpha_client.post(f"/orders/invoices/{invoice.pk}/pay/", {"method": "balance"}, follow=True)
    assert "Not enough money on the balance" in answer.text  # 60 of 100, no credit
    answer = alpha_client.post(f"/orders/invoices/{invoice.pk}/pay/", {"method": "balance", "amount": "60"},
                               follow=True)
    assert answer.status_code == 200 and "Partly paid" in answer.text and "Payment history" in answer.text
    listing = alpha_client.get("/orders/")
    assert "Orders and payments" in listing.text and "Still owed" in listing.text


def test_another_customer_gets_404(alpha, alpha_client, invoice):
    make_user(alpha, "other@alpha.test")
    sign_in(alpha_client, alpha, "other@alpha.test")
    assert alpha_client.post(f"/orders/invoices/{invoice.pk}/pay/", {"method": "balance"}).status_code == 404
    assert alpha_client.get(f"/orders/{invoice.order_id}/").status_code == 404
    with tenant_context(alpha):
        assert not InvoicePayment.objects.exists()


def test_another_business_gets_404(beta_client, beta, invoice):
    make_user(beta, "payer@bravo.test")
    sign_in(beta_client, beta, "payer@bravo.test")
    assert beta_client.post(f"/orders/invoices/{invoice.pk}/pay/", {"method": "balance"}).status_code == 404


def test_staff_record_a_transfer_and_refund_it(alpha, alpha_client, invoice):
    sign_in(alpha_client, alpha, OWNER)
    day = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    answer = alpha_client.post(f"/manage/orders/invoices/{invoice.pk}/transfer/",
                               {"amount": "100.00", "reference": "", "paid_on": day}, follow=True)
    assert "Enter the transfer" in answer.text
    answer = alpha_client.post(f"/manage/orders/invoices/{invoice.pk}/transfer/",
                               {"amount": "100.00", "reference": "PP-77", "paid_on": day}, follow=True)
    assert answer.status_code == 200 and "PP-77" in answer.text and "Paid" in answer.text
    with tenant_context(alpha):
        payment = InvoicePayment.objects.get()
    answer = alpha_client.post(f"/manage/orders/payments/{payment.pk}/refund/", follow=True)
    assert "refunded to the customer" in answer.text
    card = alpha_client.get(f"/manage/customers/{invoice.order.customer_id}/")
    assert card.status_code == 200 and "Orders and payments" in card.text


def test_an_operator_cannot_record_payments(alpha, alpha_client, invoice):
    make_user(alpha, "operator2@alpha.test", role="operator")
    sign_in(alpha_client, alpha, "operator2@alpha.test")
    answer = alpha_client.post(f"/manage/orders/invoices/{invoice.pk}/transfer/",
                               {"amount": "1.00", "reference": "x", "paid_on": "2026-01-01"})
    assert answer.status_code in (302, 403)
    with tenant_context(alpha):
        assert not InvoicePayment.objects.exists()


def test_owner_sets_legal_details(alpha, alpha_client):
    sign_in(alpha_client, alpha, OWNER)
    assert alpha_client.get("/manage/legal/").status_code == 200
    refused = alpha_client.post("/manage/legal/", {"legal_name": "Alpha LLC", "tax_number": "n/a"})
    assert refused.status_code == 400 and "A tax number has" in refused.text
    saved = alpha_client.post("/manage/legal/", {"legal_name": "Alpha LLC", "tax_number": "7707083893",
                                                 "bank_account": "40702810900000000001", "bank_code": "044525225"})
    assert saved.status_code == 302
    with tenant_context(alpha):
        assert legal_details()["bank_code"] == "044525225"
