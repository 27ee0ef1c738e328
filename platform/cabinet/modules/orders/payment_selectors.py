"""Reads about invoices' money: paid, partly paid or unpaid, overdue, the payment history, and a customer's
totals. The customer's pages and the staff's customer card call the same functions, so both read the same
figures."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Invoice, InvoicePayment, Order

ZERO = Decimal("0.00")
PAID, PARTLY_PAID, UNPAID = "paid", "partly_paid", "unpaid"
STATUS_LABELS = {PAID: pgettext_lazy("payment status", "Paid"), PARTLY_PAID: _("Partly paid"), UNPAID: _("Unpaid")}


def _today() -> datetime.date:
    from .services.recurring import local_today

    return local_today()


def payment_status(total: Decimal, paid: Decimal) -> str:
    if paid >= total:
        return PAID
    return PARTLY_PAID if paid > 0 else UNPAID


@dataclass(frozen=True)
class InvoiceState:
    total: Decimal
    paid: Decimal
    owed: Decimal
    status: str
    due_on: datetime.date
    overdue: bool

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def state_of(invoice: Invoice, paid: Decimal | None = None, today: datetime.date | None = None) -> InvoiceState:
    """`paid` may come from `with_paid`'s annotation (no query)."""
    if paid is None:
        paid = getattr(invoice, "paid", None)
    if paid is None:
        paid = InvoicePayment.objects.filter(invoice=invoice).aggregate(s=Sum("amount"))["s"] or ZERO
    owed = max(invoice.total - paid, ZERO)
    return InvoiceState(total=invoice.total, paid=paid, owed=owed, status=payment_status(invoice.total, paid),
                        due_on=invoice.due_on, overdue=owed > 0 and invoice.due_on < (today or _today()))


def with_paid(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Invoices annotated with `paid` (payments less refunds), one query for a whole list."""
    return invoices.annotate(paid=Coalesce(Sum("payments__amount"), Value(ZERO), output_field=DecimalField()))


def overdue_invoices(today: datetime.date | None = None) -> QuerySet[Invoice]:
    """Invoices past their due date and not paid in full, for the staff's list."""
    from django.db.models import F

    return (with_paid(Invoice.objects.exclude(order__status=Order.Status.CANCELLED))
            .filter(due_on__lt=today or _today(), paid__lt=F("total")))


def payment_history(invoice: Invoice) -> list[InvoicePayment]:
    """The invoice's payments and refunds, oldest first, with who recorded them."""
    return list(InvoicePayment.objects.filter(invoice=invoice).select_related("by", "refund"))


def customer_payment_history(customer) -> list[InvoicePayment]:
    return list(InvoicePayment.objects.filter(invoice__order__customer=customer)
                .select_related("invoice", "refund").order_by("-created_at", "-id"))


@dataclass(frozen=True)
class AccountSummary:
    """A customer's money with the business, per currency: all orders (cancelled ones aside), what was
    invoiced, paid, and what is still owed (overdue: the part of it past its due date)."""

    currency: str
    orders_total: Decimal
    invoiced: Decimal
    paid: Decimal
    owed: Decimal
    overdue: Decimal


def account_summary(customer, today: datetime.date | None = None) -> list[AccountSummary]:
    today = today or _today()
    orders = (Order.objects.filter(customer=customer).exclude(status=Order.Status.CANCELLED)
              .values("currency").annotate(total=Sum("total")))
    figures: dict[str, dict[str, Decimal]] = {}
    for row in orders:
        figures[row["currency"]] = {"orders_total": row["total"] or ZERO, "invoiced": ZERO, "paid": ZERO,
                                    "owed": ZERO, "overdue": ZERO}
    invoices = with_paid(Invoice.objects.filter(order__customer=customer)
                         .exclude(order__status=Order.Status.CANCELLED)).defer("pdf")
    for invoice in invoices:
        row = figures.setdefault(invoice.currency, {"orders_total": ZERO, "invoiced": ZERO, "paid": ZERO,
                                                    "owed": ZERO, "overdue": ZERO})
        state = state_of(invoice, today=today)
        row["invoiced"] += invoice.total
        row["paid"] += state.paid
        row["owed"] += state.owed
        if state.overdue:
            row["overdue"] += state.owed
    return [AccountSummary(currency=currency, **values) for currency, values in sorted(figures.items())]


def invoice_context(order: Order) -> dict:
    """What the order pages draw of its invoice's money (the customer's and the staff's, the same figures)."""
    invoice = Invoice.objects.filter(order=order).defer("pdf").first()
    if invoice is None:
        return {"invoice": None, "state": None, "history": []}
    return {"invoice": invoice, "state": state_of(invoice), "history": payment_history(invoice)}


def overdue_order_ids(customer=None, today: datetime.date | None = None) -> set[int]:
    """Orders whose invoice is overdue (the customer's, or all), for marking them in lists."""
    invoices = overdue_invoices(today)
    if customer is not None:
        invoices = invoices.filter(order__customer=customer)
    return set(invoices.values_list("order_id", flat=True))
