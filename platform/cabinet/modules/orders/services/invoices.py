"""Invoices of confirmed orders: a gapless per-tenant number and a PDF rendered once, e-mailed to the
customer in their language (or the business's invoice language)."""

import datetime
import logging

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cabinet.celery import task_named

from ..invoice_pdf import invoice_filename, invoice_language, render_invoice_pdf
from ..models import Invoice, InvoiceCounter, Order
from .sequences import take_number

logger = logging.getLogger(__name__)

# Notification event of the module (declared in module.py; customers choose their channels in "My settings").
EVENT_INVOICE = "orders.invoice"
DEFAULT_TERMS_DAYS = 14


def payment_terms_days() -> int:
    """The module's payment terms (days after issue), as the business set them."""
    from cabinet.portal.selectors import portal_state

    value = portal_state().setting("orders", "payment_terms_days")
    return value if isinstance(value, int) and value >= 0 else DEFAULT_TERMS_DAYS


def payment_required() -> bool:
    """Whether the business confirms orders only once their invoice is paid (setting `require_payment`)."""
    from cabinet.portal.selectors import portal_state

    return bool(portal_state().setting("orders", "require_payment"))


def due_date(issued_at: datetime.datetime) -> datetime.date:
    """The last day to pay an invoice issued at `issued_at`: its local day plus the payment terms."""
    from cabinet.portal.selectors import business_time_zone

    return issued_at.astimezone(business_time_zone()).date() + datetime.timedelta(days=payment_terms_days())


# --- Invoices ----------------------------------------------------------------------------------------------

def issue_invoice(order: Order) -> Invoice:
    """Gives a confirmed order its invoice: the next number of the tenant's sequence and the PDF, rendered
    once and kept. Call it inside the transaction that confirms the order: the counter row stays locked
    until that transaction ends, so a rolled-back confirmation gives its number back and numbers never skip
    or repeat. An order that already has an invoice keeps it. The e-mail to the customer is queued on commit."""
    with transaction.atomic():
        # The order row lock makes a second call for the same order wait and then find the invoice.
        order = (Order.objects.select_for_update(of=("self",)).select_related("customer", "pickup_warehouse")
                 .get(pk=order.pk))
        existing = Invoice.objects.filter(order=order).first()
        if existing is not None:
            return existing
        issued_at = timezone.now()
        invoice = Invoice(order=order, number=take_number(InvoiceCounter), issued_at=issued_at,
                          currency=order.currency, total=order.total, due_on=due_date(issued_at))
        invoice.pdf = render_invoice_pdf(invoice)
        invoice.save()
        task_named("cabinet.orders.tasks.email_invoice").delay_on_commit(invoice.pk)
    return invoice


def send_invoice_email(invoice_id: int, site_url: str) -> bool:
    """Tells the customer about a new invoice through notifications, once: e-mail carries the PDF and a link
    to the order, SMS and push a short line, each on the channels the customer chose, in their language (or
    the business's invoice language). The invoice row is locked and `emailed_at` set in the same transaction
    as the outbox rows. Returns whether the customer was told; a customer no longer active is not."""
    from cabinet.notifications.services import File, notify

    with transaction.atomic():
        invoice = (Invoice.objects.select_for_update(of=("self",)).select_related("order__customer")
                   .filter(pk=invoice_id).first())
        if invoice is None or invoice.emailed_at is not None:
            return False
        customer = invoice.order.customer
        if not customer.is_active:
            logger.info("invoice %s not sent: customer %s is no longer active", invoice.pk, customer.pk)
            return False
        path = reverse("orders:detail", args=[invoice.order.pk])
        notify(customer, EVENT_INVOICE, {
            "invoice": invoice, "order": invoice.order, "customer": customer, "lines": list(invoice.order.lines.all()),
            "order_url": site_url + path}, template="orders/email/invoice", event_id=f"{EVENT_INVOICE}:{invoice.pk}",
            language=invoice_language(invoice.order), url=path,
            attachments=[File(invoice_filename(invoice), bytes(invoice.pdf), "application/pdf")])
        invoice.emailed_at = timezone.now()
        invoice.save(update_fields=["emailed_at"])
    return True
