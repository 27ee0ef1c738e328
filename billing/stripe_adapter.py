"""The one adapter over the `stripe` library. Every call takes the keys of the account it acts for (a
business's or the platform's) and goes to STRIPE_API_BASE (localstripe under `make run` and the tests, the real
Stripe otherwise); nothing else in the code knows which. Each call is written to the call log (`StripeCall`)
with its idempotency key and outcome; a failure is raised as `StripeFailure` with a message for people and
whether trying again may help.

Only what the real Stripe and localstripe both accept is used: a PaymentIntent's description travels in its
metadata, and a card from Stripe.js comes as a token that is saved on a Stripe customer and named as the
intent's payment method (docs/decisions.md: "Card payments through one adapter")."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from .models import StripeCall

# Every currency the platform speaks (cabinet.money.CURRENCIES) has two decimals in Stripe's units.
MINOR_UNITS = Decimal(100)


@dataclass(frozen=True)
class StripeKeys:
    secret_key: str
    publishable_key: str = ""
    webhook_secret: str = ""


class StripeFailure(Exception):
    def __init__(self, message: str, *, retryable: bool = False, code: str = ""):
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.code = code


class BadSignature(Exception):
    """A webhook whose Stripe-Signature does not match the account's signing secret (or is too old)."""


def to_minor(amount: Decimal) -> int:
    minor = amount * MINOR_UNITS
    if minor != minor.to_integral_value() or minor <= 0:
        raise StripeFailure(_("The amount must be positive, in whole cents."))
    return int(minor)


def from_minor(minor: int) -> Decimal:
    return (Decimal(minor) / MINOR_UNITS).quantize(Decimal("0.01"))


def _client(keys: StripeKeys) -> stripe.StripeClient:
    base = settings.STRIPE_API_BASE
    return stripe.StripeClient(
        keys.secret_key,
        base_addresses={"api": base} if base else {},
        # Our own Celery retries do the waiting; a call a person waits for must not hang on retries.
        max_network_retries=0,
        http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT),
    )


@contextmanager
def _logged(operation: str, *, object_ref: str = "", idempotency_key: str = "") -> Iterator[dict[str, str]]:
    started = time.monotonic()
    outcome = {"stripe_id": ""}
    try:
        yield outcome
    except stripe.StripeError as error:
        failure = _failure(error)
        _log(operation, object_ref, idempotency_key, started, ok=False, error=f"{type(error).__name__}: {error}")
        raise failure from error
    _log(operation, object_ref, idempotency_key, started, ok=True, stripe_id=outcome["stripe_id"])


def _log(operation: str, object_ref: str, idempotency_key: str, started: float, *, ok: bool,
         stripe_id: str = "", error: str = "") -> None:
    StripeCall.objects.create(operation=operation, object_ref=object_ref, idempotency_key=idempotency_key, ok=ok,
                              stripe_id=stripe_id, error=error[:300],
                              duration_ms=int((time.monotonic() - started) * 1000))


def _failure(error: stripe.StripeError) -> StripeFailure:
    if isinstance(error, stripe.AuthenticationError | stripe.PermissionError):
        return StripeFailure(_("Stripe refused the secret key: check that you copied the whole key "
                               "(it starts with sk_)."), code="authentication")
    if isinstance(error, stripe.CardError):
        return StripeFailure(_("The card was declined: %(reason)s") % {"reason": error.user_message or error},
                             code="card_declined")
    if isinstance(error, stripe.APIConnectionError | stripe.RateLimitError):
        return StripeFailure(_("Stripe could not be reached; please try again in a minute."), retryable=True,
                             code="connection")
    if isinstance(error, stripe.APIError):
        return StripeFailure(_("Stripe had a problem; please try again in a minute."), retryable=True, code="api")
    return StripeFailure(_("Stripe refused the request: %(reason)s") % {"reason": error.user_message or error},
                         code="invalid_request")


def check_keys(keys: StripeKeys) -> bool:
    """A test call with the secret key (the account's balance); returns whether the account is in live mode."""
    if not keys.secret_key.startswith(("sk_", "rk_")):
        raise StripeFailure(_("This is not a Stripe secret key: it starts with sk_ (or rk_ for a restricted key)."),
                            code="authentication")
    with _logged("balance.retrieve", object_ref="account"):
        balance = _client(keys).v1.balance.retrieve()
    return bool(getattr(balance, "livemode", False))


def create_payment_intent(keys: StripeKeys, *, amount: Decimal, currency: str, metadata: dict[str, str],
                          idempotency_key: str, object_ref: str) -> dict[str, Any]:
    with _logged("payment_intents.create", object_ref=object_ref, idempotency_key=idempotency_key) as log:
        intent = _client(keys).v1.payment_intents.create(
            params={"amount": to_minor(amount), "currency": currency.lower(), "metadata": metadata},
            options={"idempotency_key": idempotency_key})
        log["stripe_id"] = intent.id
    return _plain(intent)


def pay_with_card_token(keys: StripeKeys, *, payment_intent_id: str, token: str, idempotency_key: str,
                        object_ref: str, metadata: dict[str, str]) -> dict[str, Any]:
    """Saves the card of a Stripe.js token on a new Stripe customer, names it as the intent's payment method and
    confirms the intent. The answer's status may be `requires_action` (3-D Secure, finished on the page)."""
    client = _client(keys)
    with _logged("customers.create", object_ref=object_ref, idempotency_key=f"{idempotency_key}:customer") as log:
        customer = client.v1.customers.create(params={"source": token, "metadata": metadata},
                                              options={"idempotency_key": f"{idempotency_key}:customer:{token}"})
        log["stripe_id"] = customer.id
    card = customer.default_source
    card_id = card if isinstance(card, str) else getattr(card, "id", "")
    with _logged("payment_intents.update", object_ref=object_ref) as log:
        client.v1.payment_intents.update(payment_intent_id,
                                         params={"customer": customer.id, "payment_method": card_id})
        log["stripe_id"] = payment_intent_id
    with _logged("payment_intents.confirm", object_ref=object_ref) as log:
        intent = client.v1.payment_intents.confirm(payment_intent_id)
        log["stripe_id"] = intent.id
    return _plain(intent)


def retrieve_payment_intent(keys: StripeKeys, *, payment_intent_id: str, object_ref: str) -> dict[str, Any]:
    with _logged("payment_intents.retrieve", object_ref=object_ref) as log:
        intent = _client(keys).v1.payment_intents.retrieve(payment_intent_id)
        log["stripe_id"] = intent.id
    return _plain(intent)


def refund_payment_intent(keys: StripeKeys, *, payment_intent_id: str, idempotency_key: str, object_ref: str,
                          metadata: dict[str, str]) -> dict[str, Any]:
    with _logged("refunds.create", object_ref=object_ref, idempotency_key=idempotency_key) as log:
        refund = _client(keys).v1.refunds.create(
            params={"payment_intent": payment_intent_id, "metadata": metadata},
            options={"idempotency_key": idempotency_key})
        log["stripe_id"] = refund.id
    return _plain(refund)


def verified_event(payload: bytes, signature_header: str, secret: str) -> dict[str, Any]:
    """The event a webhook carries, once its Stripe-Signature (t=..., v1=HMAC-SHA256 of "t.payload") matches
    `secret` and is recent; BadSignature otherwise (a malformed body included)."""
    if not secret or not signature_header:
        raise BadSignature("no signing secret or no signature")
    try:
        text = payload.decode("utf-8")
        stripe.WebhookSignature.verify_header(text, signature_header, secret,
                                              tolerance=settings.STRIPE_WEBHOOK_TOLERANCE)
        event = json.loads(text)
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as error:
        raise BadSignature(str(error)) from error
    if not isinstance(event, dict) or not isinstance(event.get("id"), str) or not isinstance(event.get("data"), dict):
        raise BadSignature("not an event")
    return event


def _plain(obj: Any) -> dict[str, Any]:
    """A Stripe object as plain JSON data (what the webhooks carry too)."""
    return json.loads(str(obj)) if not isinstance(obj, dict) else obj
