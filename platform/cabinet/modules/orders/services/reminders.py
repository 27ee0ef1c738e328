"""Overdue invoices and their reminders: an invoice not paid in full after its due date is overdue; the
customer is reminded once per step (REMINDER_STEPS days after the due date), by `notify` on the channels
they chose for "orders.overdue". An invoice first seen far past its due date gets only the step it reached."""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.db.models import DecimalField, F, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from ..models import Invoice
from .payments import owed_amount
from .recurring import local_today

logger = logging.getLogger(__name__)

EVENT_OVERDUE = "orders.overdue"
REMINDER_STEPS = (1, 7, 14)  # days after the due date


def step_for(days_overdue: int) -> int:
    """The reminder step (1-based) an invoice this many days past due has reached; 0 before the first."""
    return sum(1 for days in REMINDER_STEPS if days_overdue >= days)


def remind_overdue(today: datetime.date | None = None, site_url: str = "") -> int:
    """Sends each overdue invoice the reminder of the step it reached, unless that step was sent. Returns how
    many reminders were sent."""
    from cabinet.notifications.services import notify

    today = today or local_today()
    candidates = (Invoice.objects.filter(due_on__lte=today - datetime.timedelta(days=REMINDER_STEPS[0]),
                                         reminded_step__lt=len(REMINDER_STEPS))
                  .exclude(order__status="cancelled")
                  .annotate(paid=Coalesce(Sum("payments__amount"), Value(0), output_field=DecimalField()))
                  .filter(paid__lt=F("total")).values_list("pk", flat=True))
    sent = 0
    for pk in list(candidates):
        with transaction.atomic():
            invoice = (Invoice.objects.select_for_update(of=("self",)).select_related("order__customer")
                       .get(pk=pk))
            step = step_for((today - invoice.due_on).days)
            owed = owed_amount(invoice)
            customer = invoice.order.customer
            if step <= invoice.reminded_step or owed == 0:
                continue
            if customer.is_active:
                path = reverse("orders:detail", args=[invoice.order.pk])
                notify(customer, EVENT_OVERDUE, {
                    "invoice": invoice, "order": invoice.order, "customer": customer, "owed": owed,
                    "days": (today - invoice.due_on).days, "order_url": site_url + path},
                    template="orders/email/overdue", event_id=f"{EVENT_OVERDUE}:{invoice.pk}:{step}", url=path)
                sent += 1
            invoice.reminded_step = step
            invoice.save(update_fields=["reminded_step"])
    return sent
