"""What the programme listens to: a sign-up (the referral link's code in the visitor's session or cookie) and
the friends' orders (paid or finished: a commission; cancelled or refunded: cancelled or taken back)."""

from __future__ import annotations

from cabinet import events
from cabinet.portal.selectors import is_module_enabled

from . import services

PURCHASE, UNDONE = ("paid",), ("cancelled", "refunded")


def on_customer_event(sender, customer, event, details, **kwargs) -> None:
    if event == events.SIGNED_UP and is_module_enabled("referrals"):
        services.attribute_from_request(friend=customer, request=details.get("request"))


def on_order_event(sender, order, event, **kwargs) -> None:
    if not is_module_enabled("referrals"):
        return
    if event in PURCHASE:
        services.record_purchase(order)
    elif event == "status" and order.status != "cancelled" and not order.next_statuses:
        # the end of its flow (delivered, collected, done): a purchase even before invoices say "paid", and
        # the return window counts from the day the customer received it
        services.record_purchase(order, received=True)
    elif event in UNDONE:
        services.cancel_for_order(order)
