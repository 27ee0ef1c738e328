"""Reads of billing: the business's Stripe keys, payments as their customer or staff may see them."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from cabinet import encryption
from cabinet.tenancy import in_public_schema

from .models import Payment, StripeAccount, StripeCall, StripeEvent
from .stripe_adapter import StripeKeys


def account() -> StripeAccount | None:
    return StripeAccount.objects.filter(pk=1).first()


def business_keys() -> StripeKeys | None:
    """The keys of the account this schema acts for: the platform's in the public schema, the business's own
    in a tenant's (None when it has not connected one, or its keys cannot be read any more)."""
    if in_public_schema():
        if not settings.STRIPE_PLATFORM_SECRET_KEY:
            return None
        return StripeKeys(settings.STRIPE_PLATFORM_SECRET_KEY, "", settings.STRIPE_PLATFORM_WEBHOOK_SECRET)
    found = account()
    if found is None:
        return None
    secret, signing = encryption.decrypt(found.secret_key), encryption.decrypt(found.webhook_secret)
    if not secret:
        return None
    return StripeKeys(secret, found.publishable_key, signing)


def takes_card_payments() -> bool:
    return business_keys() is not None


def customer_payment(*, customer, payment_id: int) -> Payment | None:
    """One of the customer's own payments (another's is None, as if it did not exist)."""
    return Payment.objects.filter(pk=payment_id, customer=customer).first()


def payment(payment_id: int) -> Payment | None:
    return Payment.objects.filter(pk=payment_id).first()


def customer_payments(customer) -> QuerySet[Payment]:
    return Payment.objects.filter(customer=customer)


def payments_for(*, purpose: str, object_ref: str) -> QuerySet[Payment]:
    return Payment.objects.filter(purpose=purpose, object_ref=object_ref)


def recent_payments(limit: int = 50) -> list[Payment]:
    return list(Payment.objects.select_related("customer")[:limit])


def recent_events(limit: int = 20) -> list[StripeEvent]:
    return list(StripeEvent.objects.defer("payload")[:limit])


def recent_calls(limit: int = 20) -> list[StripeCall]:
    return list(StripeCall.objects.all()[:limit])
