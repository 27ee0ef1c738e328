"""Events of an order that other modules subscribe to (bonus points, referral commission, clubs by spend).
Sent only after the change is committed (`transaction.on_commit`), so a receiver never sees a rolled-back
order; a receiver's failure is logged and never undoes the order's change (`send_robust`).

`order_event` is sent with `order` (the Order) and `event`, one of:
- "placed": the customer placed it (checkout, API or a recurring order);
- "status": staff moved it one step on its flow (`order.status` is the new status);
- "cancelled": it was cancelled, by the customer or by staff;
- "paid": it is paid in full (its invoice, by card, from the balance or offline);
- "refunded": money paid for it went back to the customer."""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import Signal

PLACED, STATUS, CANCELLED, PAID, REFUNDED = "placed", "status", "cancelled", "paid", "refunded"
EVENTS = (PLACED, STATUS, CANCELLED, PAID, REFUNDED)

order_event = Signal()

logger = logging.getLogger(__name__)


def send_order_event(order, event: str) -> None:
    """Announces `event` of `order` once the surrounding transaction commits."""
    if event not in EVENTS:
        raise ValueError(f"unknown order event {event!r}")

    def send() -> None:
        for receiver, result in order_event.send_robust(sender=type(order), order=order, event=event):
            if isinstance(result, Exception):
                logger.error("order event %s of order %s: %r failed", event, order.pk, receiver,
                             exc_info=(type(result), result, result.__traceback__))

    transaction.on_commit(send)
