"""What happened to a customer, for the modules that reward or group customers (bonus points, referrals,
clubs). The core and the modules announce; receivers connect in their AppConfig.ready. Sent after the change
is committed (`transaction.on_commit`) and robustly: a receiver's failure is logged and never undoes it.

`customer_event` is sent with `customer` (the User), `event` (one of EVENTS) and `details` (a dict):
- "signed_up": the customer registered; details["request"] is the sign-up request when there was one (a
  referral cookie may be read from it);
- "rated": the customer rated a finished support request; details["rating"] is the feedback Rating;
- "birthday": the customer's birthday today in the business's time zone (announced once a year by accounts,
  which keeps the date of birth); details["year"] is the year of that birthday;
- "referred": the customer brought a friend who registered through their link or code; details["friend"] is
  the new customer (announced by the referrals module, once per friend)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal

SIGNED_UP, RATED, BIRTHDAY, REFERRED = "signed_up", "rated", "birthday", "referred"
EVENTS = (SIGNED_UP, RATED, BIRTHDAY, REFERRED)

customer_event = Signal()

logger = logging.getLogger(__name__)


def announce(customer, event: str, **details: Any) -> None:
    """Announces `event` of `customer` once the surrounding transaction commits (at once outside one)."""
    if event not in EVENTS:
        raise ValueError(f"unknown customer event {event!r}")

    def send() -> None:
        for receiver, result in customer_event.send_robust(sender=None, customer=customer, event=event,
                                                           details=details):
            if isinstance(result, Exception):
                logger.error("customer event %s of customer %s: %r failed", event, customer.pk, receiver,
                             exc_info=(type(result), result, result.__traceback__))

    transaction.on_commit(send)
