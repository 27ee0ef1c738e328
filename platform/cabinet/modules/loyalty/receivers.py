"""What the programme listens to: the customer's events (signing up, a birthday, a rating, a friend who
joined) and their orders (paid or finished: points, pending; cancelled or refunded: undone, and the points
spent on it returned)."""

from __future__ import annotations

from django.utils import timezone

from cabinet import events
from cabinet.portal.selectors import is_module_enabled

from . import services
from .models import RuleKind

PURCHASE, UNDONE = ("paid",), ("cancelled", "refunded")


def on_customer_event(sender, customer, event, details, **kwargs) -> None:
    if not is_module_enabled("loyalty"):
        return
    if event == events.SIGNED_UP:
        services.award_event(customer=customer, kind=RuleKind.SIGN_UP, cause=("accounts.user", customer.pk))
    elif event == events.BIRTHDAY:
        year = details.get("year") or timezone.localdate().year
        services.award_event(customer=customer, kind=RuleKind.BIRTHDAY, cause=("birthday", year),
                             facts={"year": year})
    elif event == events.RATED and details.get("rating") is not None:
        services.award_event(customer=customer, kind=RuleKind.REVIEW,
                             cause=("feedback.rating", details["rating"].pk))
    elif event == events.REFERRED and details.get("friend") is not None:
        friend = details["friend"]
        services.award_event(customer=customer, kind=RuleKind.REFERRAL, cause=("referrals.friend", friend.pk),
                             facts={"friend": _masked(friend)})


def _masked(person) -> str:
    """"Anna P." : a friend's first name and initial, never their contact details."""
    parts = (getattr(person, "full_name", "") or "").split()
    if not parts:
        return "—"
    return parts[0] + (f" {parts[-1][0]}." if len(parts) > 1 else "")


def on_order_event(sender, order, event, **kwargs) -> None:
    if not is_module_enabled("loyalty"):
        return
    if event in PURCHASE:
        services.award_order(order)
    elif event == "status" and order.status != "cancelled" and not order.next_statuses:
        # the end of its flow (delivered, collected, done): earned even before invoices say "paid", and the
        # return window counts from the day the customer received it
        services.award_order(order, received=True)
    elif event in UNDONE:
        services.take_back_order(order)
        services.return_for_order(order)
