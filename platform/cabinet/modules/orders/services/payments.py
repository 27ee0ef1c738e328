"""Payments of invoices: from the customer's balance, by card (billing's purpose "orders.invoice"), both (the
balance part, then the card for the rest), and bank transfers staff record; refunds of a payment to the balance.

Every payment is one ledger transaction from the customer's money account to the business's account `sales`,
caused by the invoice ("orders.invoice", id) and kept as an `InvoicePayment` row. Money that comes from outside
(a card, a bank transfer) first lands on the customer's balance by its own transaction, so the balance history
explains both steps. Each write locks the invoice row first: two payments of one invoice queue up, and the sum of
payments never passes the total. The balance itself is guarded by the ledger (row lock, credit limit, CHECK)."""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from cabinet.ledger import selectors as ledger_selectors
from cabinet.ledger import services as ledger
from cabinet.money import format_money

from ..models import Invoice, InvoicePayment
from ..signals import PAID, REFUNDED, send_order_event
from .recurring import local_today

logger = logging.getLogger(__name__)

CARD_PURPOSE = "orders.invoice"
SALES_ACCOUNT = "sales"
CARD_ACCOUNT = "card"
BANK_ACCOUNT = "bank"
CAUSE = "orders.invoice"


def paid_amount(invoice: Invoice) -> Decimal:
    """What has been paid for the invoice: its payments less their refunds."""
    return InvoicePayment.objects.filter(invoice=invoice).aggregate(paid=Sum("amount"))["paid"] or Decimal("0.00")


def owed_amount(invoice: Invoice) -> Decimal:
    return max(invoice.total - paid_amount(invoice), Decimal("0.00"))


def _amount(value: Any, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", ".").replace(" ", "").replace("\xa0", ""))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: [_("Enter an amount, for example 120.50.")]}) from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: [_("Enter an amount above zero with at most two decimals.")]})
    return amount


def _locked(invoice: Invoice | int) -> Invoice:
    pk = invoice.pk if isinstance(invoice, Invoice) else invoice
    return Invoice.objects.select_for_update(of=("self",)).select_related("order__customer").get(pk=pk)


def _check_owner(invoice: Invoice, customer) -> None:
    if customer is None or invoice.order.customer_id != customer.pk:
        raise Invoice.DoesNotExist("not this customer's invoice")


def _owed_or_refuse(invoice: Invoice, amount: Decimal) -> Decimal:
    owed = max(invoice.total - paid_amount(invoice), Decimal("0.00"))
    if owed == 0:
        raise ValidationError(_("This invoice is already paid in full."), code="paid")
    if amount > owed:
        raise ValidationError({"amount": [_("That is more than is still owed on this invoice: %(owed)s.") % {
            "owed": format_money(owed, invoice.currency)}]}, code="overpayment")
    return owed


def _pay(invoice: Invoice, amount: Decimal, method: str, *, by=None, reference: str = "",
         paid_on: datetime.date | None = None, idempotency_key: str = "") -> InvoicePayment:
    """Inside the caller's transaction, with the invoice locked: moves `amount` from the customer's money
    account to the business's and records it. InsufficientFunds when the balance (with its credit limit)
    does not cover it."""
    owed = _owed_or_refuse(invoice, amount)
    customer = invoice.order.customer
    record = ledger.post_transaction(
        lines=[(ledger.customer_account(customer=customer, kind="money", currency=invoice.currency), -amount),
               (ledger.business_account(name=SALES_ACCOUNT, kind="money", currency=invoice.currency), amount)],
        reason="invoice_payment", params={"number": invoice.display_number}, cause=(CAUSE, invoice.pk),
        actor=by, idempotency_key=idempotency_key)
    payment, _made = InvoicePayment.objects.get_or_create(transaction=record, defaults={
        "invoice": invoice, "method": method, "amount": amount, "reference": reference,
        "paid_on": paid_on or local_today(), "by": by})
    if _made and amount == owed:
        send_order_event(invoice.order, PAID)
    return payment


def pay_from_balance(*, invoice: Invoice, customer, amount: Any = None) -> InvoicePayment:
    """The customer pays (part of) their invoice from their balance; the whole amount still owed when no
    amount is given. Refused: another customer's invoice (Invoice.DoesNotExist), more than is owed, more than
    the balance and credit limit allow (the ledger's InsufficientFunds, a clear message); nothing is written."""
    with transaction.atomic():
        invoice = _locked(invoice)
        _check_owner(invoice, customer)
        value = owed_amount(invoice) if amount in (None, "") else _amount(amount)
        if value == 0:
            raise ValidationError(_("This invoice is already paid in full."), code="paid")
        return _pay(invoice, value, InvoicePayment.Method.BALANCE, by=customer)


def record_bank_transfer(*, invoice: Invoice, amount: Any, reference: str, paid_on: Any, by) -> InvoicePayment:
    """Staff record money received by bank transfer for an invoice: it lands on the customer's balance (from the
    business's `bank` account, reason "bank_transfer") and pays the invoice, in one transaction."""
    value = _amount(amount)
    reference = " ".join(str(reference or "").split())
    errors: dict[str, list[str]] = {}
    if not reference:
        errors["reference"] = [_("Enter the transfer's reference (its number or purpose line).")]
    elif len(reference) > 100:
        errors["reference"] = [_("Keep the reference under 100 characters.")]
    day = paid_on
    if isinstance(paid_on, str):
        try:
            day = datetime.date.fromisoformat(paid_on.strip())
        except ValueError:
            day = None
    if not isinstance(day, datetime.date):
        errors["paid_on"] = [_("Enter the day the money arrived, as YYYY-MM-DD.")]
    elif day > local_today():
        errors["paid_on"] = [_("The money cannot have arrived after today.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        invoice = _locked(invoice)
        _owed_or_refuse(invoice, value)
        customer = invoice.order.customer
        ledger.post_transaction(
            lines=[(ledger.business_account(name=BANK_ACCOUNT, kind="money", currency=invoice.currency), -value),
                   (ledger.customer_account(customer=customer, kind="money", currency=invoice.currency), value)],
            reason="bank_transfer", params={"reference": reference}, cause=(CAUSE, invoice.pk), actor=by)
        return _pay(invoice, value, InvoicePayment.Method.BANK, by=by, reference=reference, paid_on=day)


def refund_to_balance(*, payment: InvoicePayment, by) -> InvoicePayment:
    """Gives the money of one payment back to the customer's balance (once per payment): the invoice owes it
    again, and the order's "refunded" event is announced."""
    with transaction.atomic():
        invoice = _locked(payment.invoice_id)
        payment = InvoicePayment.objects.select_for_update().get(pk=payment.pk)
        if payment.amount <= 0 or payment.refund_of_id is not None:
            raise ValidationError(_("Only a payment can be refunded."), code="not_a_payment")
        if InvoicePayment.objects.filter(refund_of=payment).exists():
            raise ValidationError(_("This payment has already been refunded."), code="refunded")
        refund = _refund(invoice, payment, by=by)
    return refund


def _refund(invoice: Invoice, payment: InvoicePayment, *, by) -> InvoicePayment:
    customer = invoice.order.customer
    record = ledger.post_transaction(
        lines=[(ledger.business_account(name=SALES_ACCOUNT, kind="money", currency=invoice.currency), -payment.amount),
               (ledger.customer_account(customer=customer, kind="money", currency=invoice.currency), payment.amount)],
        reason="invoice_refund", params={"number": invoice.display_number}, cause=(CAUSE, invoice.pk), actor=by,
        idempotency_key=f"orders-invoice-refund:{payment.pk}")
    refund = InvoicePayment.objects.create(invoice=invoice, method=InvoicePayment.Method.REFUND,
                                           amount=-payment.amount, transaction=record, refund_of=payment,
                                           paid_on=local_today(), by=by)
    send_order_event(invoice.order, REFUNDED)
    return refund


# --- By card -----------------------------------------------------------------------------------------------

def start_card_payment(*, invoice: Invoice, customer, return_url: str, amount: Any = None,
                       use_balance: bool = False):
    """Starts paying an invoice by card (billing's payment for the purpose "orders.invoice"). With
    `use_balance` the positive balance pays first and the card the rest. Returns billing's Payment, or None
    when the balance covered everything."""
    from billing import services as billing

    with transaction.atomic():
        invoice = _locked(invoice)
        _check_owner(invoice, customer)
        owed = owed_amount(invoice)
        value = owed if amount in (None, "") else _amount(amount)
        _owed_or_refuse(invoice, value)
        if use_balance:
            available = ledger_selectors.balance(customer=customer, kind="money", currency=invoice.currency)
            part = min(value, max(available, Decimal("0.00")))
            if part > 0:
                _pay(invoice, part, InvoicePayment.Method.BALANCE, by=customer)
                value -= part
        if value == 0:
            return None
        return billing.start_card_payment(
            purpose=CARD_PURPOSE, object_ref=f"invoice:{invoice.pk}", customer=customer, amount=value,
            currency=invoice.currency, description=_("Invoice %(number)s") % {"number": invoice.display_number},
            return_url=return_url)


def _invoice_of(object_ref: str) -> Invoice | None:
    kind, _sep, pk = (object_ref or "").partition(":")
    if kind != "invoice" or not pk.isdigit():
        return None
    return Invoice.objects.filter(pk=int(pk)).first()


def card_payment_succeeded(*, payment) -> None:
    """Billing's handler (inside its transaction, once per payment): the card's money lands on the
    customer's balance and pays what the invoice still owes; anything beyond that stays on the balance."""
    invoice = _invoice_of(payment.object_ref)
    if invoice is None:
        logger.error("card payment %s names no invoice (%r)", payment.id, payment.object_ref)
        return
    invoice = _locked(invoice)
    customer = invoice.order.customer
    ledger.post_transaction(
        lines=[(ledger.business_account(name=CARD_ACCOUNT, kind="money", currency=payment.currency), -payment.amount),
               (ledger.customer_account(customer=customer, kind="money", currency=payment.currency), payment.amount)],
        reason="payment", params={"reference": invoice.display_number}, cause=(CAUSE, invoice.pk),
        idempotency_key=f"billing-payment:{payment.id}:in")
    if payment.currency != invoice.currency:
        return
    part = min(payment.amount, owed_amount(invoice))
    if part > 0:
        _pay(invoice, part, InvoicePayment.Method.CARD, reference=payment.payment_intent_id,
             idempotency_key=f"billing-payment:{payment.id}:invoice")


def card_payment_refunded(*, payment) -> None:
    """Billing's handler: the card's money went back to the card. The invoice's payment made by that card is
    refunded to the balance, and the amount leaves the balance for the card."""
    invoice = _invoice_of(payment.object_ref)
    if invoice is None:
        return
    invoice = _locked(invoice)
    paid = InvoicePayment.objects.filter(invoice=invoice, method=InvoicePayment.Method.CARD,
                                         transaction__idempotency_key=f"billing-payment:{payment.id}:invoice").first()
    if paid is not None and not InvoicePayment.objects.filter(refund_of=paid).exists():
        _refund(invoice, paid, by=None)
    customer = invoice.order.customer
    try:
        ledger.post_transaction(
            lines=[(ledger.customer_account(customer=customer, kind="money", currency=payment.currency), -payment.amount),
                   (ledger.business_account(name=CARD_ACCOUNT, kind="money", currency=payment.currency), payment.amount)],
            reason="refund", params={"reference": invoice.display_number}, cause=(CAUSE, invoice.pk),
            idempotency_key=f"billing-payment:{payment.id}:out")
    except ledger.InsufficientFunds:
        logger.error("card refund %s: the customer's balance no longer covers it", payment.id)


