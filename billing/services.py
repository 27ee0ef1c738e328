"""Writes of billing: connecting a business's Stripe account, card payments (start, pay with a card, refund)
and the webhook intake's event log. A payment's state only moves forward (`_RANK`), whatever order Stripe's
answers and events come in, and the purpose's handlers run once each, inside the transaction that records the
new state with the payment row locked."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from cabinet import encryption, registry
from cabinet.celery import task_named
from cabinet.money import CURRENCIES
from cabinet.tenancy import current_schema

from . import selectors, stripe_adapter
from .models import Payment, StripeAccount, StripeEvent
from .stripe_adapter import StripeFailure, StripeKeys

S = Payment.Status
_RANK = {S.CREATED: 0, S.FAILED: 1, S.REQUIRES_ACTION: 1, S.PROCESSING: 2, S.SUCCEEDED: 3, S.CANCELED: 3,
         S.REFUND_PENDING: 4, S.REFUNDED: 5}
_INTENT_STATUS = {"requires_confirmation": S.CREATED, "requires_action": S.REQUIRES_ACTION,
                  "processing": S.PROCESSING, "requires_capture": S.PROCESSING, "succeeded": S.SUCCEEDED,
                  "canceled": S.CANCELED}
MAX_AMOUNT = Decimal("999999.99")


@dataclass(frozen=True)
class PaymentInfo:
    """What a purpose's handler is told about the payment."""

    id: int
    purpose: str
    object_ref: str
    customer_id: int
    amount: Decimal
    currency: str
    payment_intent_id: str


def _info(payment: Payment) -> PaymentInfo:
    return PaymentInfo(id=payment.pk, purpose=payment.purpose, object_ref=payment.object_ref,
                       customer_id=payment.customer_id, amount=payment.amount, currency=payment.currency,
                       payment_intent_id=payment.payment_intent_id or "")


# --- the business's Stripe account --------------------------------------------------------------------------

def connect_stripe_account(*, secret_key: str, publishable_key: str, webhook_secret: str, by=None) -> StripeAccount:
    """Saves the business's keys (encrypted) after a test call proved the secret key; bad keys change nothing."""
    secret_key, publishable_key, webhook_secret = secret_key.strip(), publishable_key.strip(), webhook_secret.strip()
    errors: dict[str, str] = {}
    if not publishable_key.startswith("pk_"):
        errors["publishable_key"] = _("This is not a Stripe publishable key: it starts with pk_.")
    if not webhook_secret.startswith("whsec_"):
        errors["webhook_secret"] = _("This is not a webhook signing secret: it starts with whsec_.")
    if errors:
        raise ValidationError(errors)
    keys = StripeKeys(secret_key, publishable_key, webhook_secret)
    try:
        livemode = stripe_adapter.check_keys(keys)
    except StripeFailure as failure:
        raise ValidationError({"secret_key": failure.message}) from failure
    if publishable_key.startswith("pk_live_") != livemode:
        raise ValidationError({"publishable_key": _("The publishable key and the secret key belong to different "
                                                    "modes (live and test).")})
    account, _created = StripeAccount.objects.update_or_create(pk=1, defaults={
        "secret_key": encryption.encrypt(secret_key), "publishable_key": publishable_key,
        "webhook_secret": encryption.encrypt(webhook_secret), "livemode": livemode,
        "connected_at": timezone.now(), "connected_by": by})
    return account


def disconnect_stripe_account() -> None:
    StripeAccount.objects.filter(pk=1).delete()


# --- card payments -------------------------------------------------------------------------------------------

def _require_keys() -> StripeKeys:
    keys = selectors.business_keys()
    if keys is None:
        raise ValidationError(_("Card payments are not set up here yet."))
    return keys


def _metadata(payment: Payment) -> dict[str, str]:
    return {"payment": str(payment.pk), "schema": current_schema(), "purpose": payment.purpose,
            "object_ref": payment.object_ref, "description": payment.description[:500]}


def start_card_payment(*, purpose: str, object_ref: str, customer, amount: Decimal, currency: str,
                       description: str, return_url: str) -> Payment:
    """A payment of `amount` by card for a declared purpose, with its PaymentIntent (created with the payment's
    idempotency key). The customer pays on billing's card page; the purpose's handlers run when Stripe says."""
    try:
        registry.require_payment_purpose(purpose)
    except LookupError as error:
        raise ValidationError(str(error)) from error
    try:
        amount = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError) as error:
        raise ValidationError({"amount": _("Enter an amount.")}) from error
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": _("Enter an amount above zero, in whole cents, up to %(max)s.")
                               % {"max": MAX_AMOUNT}})
    if currency not in CURRENCIES:
        raise ValidationError({"currency": _("Unknown currency.")})
    if not return_url.startswith("/") or return_url.startswith("//"):
        raise ValidationError(_("The address to come back to must be a page of this portal."))
    keys = _require_keys()
    payment = Payment.objects.create(purpose=purpose, object_ref=object_ref[:120], customer=customer, amount=amount,
                                     currency=currency, description=description[:200], return_url=return_url)
    try:
        intent = stripe_adapter.create_payment_intent(
            keys, amount=amount, currency=currency, metadata=_metadata(payment),
            idempotency_key=str(payment.idempotency_key), object_ref=f"payment:{payment.pk}")
    except StripeFailure as failure:
        Payment.objects.filter(pk=payment.pk).update(status=S.FAILED, last_error=failure.message[:300],
                                                     updated_at=timezone.now())
        raise ValidationError(failure.message) from failure
    Payment.objects.filter(pk=payment.pk).update(payment_intent_id=intent["id"],
                                                 client_secret=intent.get("client_secret") or "",
                                                 updated_at=timezone.now())
    payment.refresh_from_db()
    return payment


def pay_with_card(*, payment: Payment, token: str) -> Payment:
    """Pays `payment` with the card of a Stripe.js token. The answer may ask for 3-D Secure (status
    requires_action): the page finishes it with Stripe.js, then `refresh_payment` reads the outcome."""
    if payment.status not in (S.CREATED, S.FAILED, S.REQUIRES_ACTION) or not payment.payment_intent_id:
        raise ValidationError(_("This payment cannot be paid any more."))
    if not isinstance(token, str) or not token.startswith(("tok_", "pm_")) or len(token) > 255:
        raise ValidationError(_("The card could not be read; please enter it again."))
    keys = _require_keys()
    try:
        intent = stripe_adapter.pay_with_card_token(
            keys, payment_intent_id=payment.payment_intent_id, token=token,
            idempotency_key=str(payment.idempotency_key), object_ref=f"payment:{payment.pk}",
            metadata=_metadata(payment))
    except StripeFailure as failure:
        Payment.objects.filter(pk=payment.pk, status__in=(S.CREATED, S.FAILED, S.REQUIRES_ACTION)).update(
            status=S.FAILED, last_error=failure.message[:300], updated_at=timezone.now())
        raise ValidationError(failure.message) from failure
    apply_payment_intent(intent)
    payment.refresh_from_db()
    return payment


def refresh_payment(*, payment: Payment) -> Payment:
    """Reads the intent's state from Stripe (after 3-D Secure on the page) and applies it."""
    if payment.payment_intent_id and _RANK[S(payment.status)] < _RANK[S.SUCCEEDED]:
        try:
            intent = stripe_adapter.retrieve_payment_intent(
                _require_keys(), payment_intent_id=payment.payment_intent_id, object_ref=f"payment:{payment.pk}")
        except StripeFailure:
            return payment  # the webhook will tell
        apply_payment_intent(intent)
        payment.refresh_from_db()
    return payment


def refund_card_payment(*, payment: Payment) -> Payment:
    """Asks Stripe to refund the whole payment, in a Celery task with retries (`billing.send_refund`). The
    purpose's `refunded` handler runs when Stripe confirms the refund."""
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.status != S.SUCCEEDED:
            raise ValidationError(_("Only a paid payment can be refunded, once."))
        locked.status, locked.updated_at = S.REFUND_PENDING, timezone.now()
        locked.save(update_fields=["status", "updated_at"])
        task_named("billing.send_refund").delay_on_commit(locked.pk)
    return locked


def send_refund(*, payment_id: int) -> str:
    """The refund call itself (the task's body): safe to repeat, Stripe is asked with the same idempotency key."""
    payment = Payment.objects.get(pk=payment_id)
    if payment.status != S.REFUND_PENDING:
        return payment.status
    refund = stripe_adapter.refund_payment_intent(
        _require_keys(), payment_intent_id=payment.payment_intent_id or "",
        idempotency_key=f"{payment.idempotency_key}:refund", object_ref=f"payment:{payment.pk}",
        metadata={"payment": str(payment.pk), "schema": current_schema()})
    apply_refund(refund)
    return Payment.objects.get(pk=payment_id).status


# --- applying Stripe's state ---------------------------------------------------------------------------------

def _matches(payment: Payment, amount_minor: Any, currency: Any) -> bool:
    return (isinstance(amount_minor, int) and isinstance(currency, str)
            and stripe_adapter.from_minor(amount_minor) == payment.amount and currency.upper() == payment.currency)


def _ours(obj: dict[str, Any]) -> bool:
    """An object of another schema (a test Stripe shared by several businesses) is never applied here."""
    schema = (obj.get("metadata") or {}).get("schema")
    return schema in (None, current_schema())


def _move(payment: Payment, status: S, *, error: str = "") -> bool:
    """Moves a locked payment forward to `status` and runs the purpose's handler of that state once."""
    current = S(payment.status)
    sideways = {current, status} == {S.FAILED, S.REQUIRES_ACTION}
    if status == current or (_RANK[status] <= _RANK[current] and not sideways):
        return False
    purpose = registry.require_payment_purpose(payment.purpose)
    now = timezone.now()
    if status == S.SUCCEEDED and payment.succeeded_at is None:
        payment.succeeded_at = now
        import_string(purpose.succeeded)(payment=_info(payment))
    if status == S.REFUNDED and payment.refunded_at is None:
        payment.refunded_at = now
        if purpose.refunded:
            import_string(purpose.refunded)(payment=_info(payment))
    payment.status, payment.updated_at = status, now
    if error:
        payment.last_error = error[:300]
    payment.save(update_fields=["status", "updated_at", "succeeded_at", "refunded_at", "last_error"])
    return True


def apply_payment_intent(intent: dict[str, Any]) -> bool:
    """Applies a PaymentIntent's state (from an answer or an event) to its payment; whether anything changed."""
    if not isinstance(intent, dict) or not _ours(intent):
        return False
    status_name = intent.get("status")
    error = (intent.get("last_payment_error") or {}).get("message") or ""
    if status_name == "requires_payment_method":
        status = S.FAILED if intent.get("last_payment_error") else S.CREATED
    elif status_name in _INTENT_STATUS:
        status = _INTENT_STATUS[status_name]
    else:
        return False
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(payment_intent_id=intent.get("id")).first()
        if payment is None or not _matches(payment, intent.get("amount"), intent.get("currency")):
            return False
        return _move(payment, status, error=str(error))


def _refunded(payment: Payment) -> bool:
    """Settles a confirmed full refund: a payment whose success was not yet seen succeeds first (a refund
    proves it was paid), so its handlers run in order, each once."""
    changed = False
    if _RANK[S(payment.status)] < _RANK[S.SUCCEEDED]:
        changed = _move(payment, S.SUCCEEDED)
    return _move(payment, S.REFUNDED) or changed


def apply_refund(refund: dict[str, Any]) -> bool:
    """A Refund object (the refund call's answer, a refund event): a succeeded full refund refunds the payment."""
    if not isinstance(refund, dict) or refund.get("status") != "succeeded" or not _ours(refund):
        return False
    intent_id = refund.get("payment_intent")
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(payment_intent_id=intent_id).first()
        if payment is None or not _matches(payment, refund.get("amount"), refund.get("currency")):
            return False
        if refund.get("id") and not payment.refund_id:
            payment.refund_id = str(refund["id"])[:255]
            payment.save(update_fields=["refund_id"])
        return _refunded(payment)


def apply_charge(charge: dict[str, Any]) -> bool:
    """A Charge object (charge.refunded): refunded in full means the payment is refunded."""
    if not isinstance(charge, dict) or not charge.get("refunded"):
        return False
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(payment_intent_id=charge.get("payment_intent")).first()
        if payment is None or not _matches(payment, charge.get("amount"), charge.get("currency")):
            return False
        if charge.get("amount_refunded") != charge.get("amount"):
            return False
        return _refunded(payment)


# --- the webhook intake's event log --------------------------------------------------------------------------

def record_event(event: dict[str, Any]) -> tuple[StripeEvent, bool]:
    """Stores a verified event once under its id (a second delivery only counts); queues its processing when it
    is new. Returns the row and whether it was new."""
    obj = (event.get("data") or {}).get("object") or {}
    try:
        with transaction.atomic():
            stored = StripeEvent.objects.create(
                event_id=str(event["id"])[:255], type=str(event.get("type", ""))[:100],
                object_id=str(obj.get("id", ""))[:255] if isinstance(obj, dict) else "", payload=event)
    except IntegrityError:
        StripeEvent.objects.filter(event_id=str(event["id"])[:255]).update(deliveries=F("deliveries") + 1)
        return StripeEvent.objects.get(event_id=str(event["id"])[:255]), False
    task_named("billing.process_event").delay_on_commit(stored.pk)
    return stored, True


PAYMENT_INTENT_EVENTS = ("payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.processing",
                         "payment_intent.requires_action", "payment_intent.canceled", "payment_intent.created")


def process_event(*, event_pk: int) -> str:
    """Applies one stored event (the task's body); an event already processed is left alone."""
    with transaction.atomic():
        event = StripeEvent.objects.select_for_update().get(pk=event_pk)
        if event.processed_at is not None:
            return event.outcome
        obj = (event.payload.get("data") or {}).get("object") or {}
        if event.type in PAYMENT_INTENT_EVENTS:
            known = _known(obj.get("id"))
            changed = apply_payment_intent(obj)
        elif event.type == "charge.refunded":
            known = _known(obj.get("payment_intent"))
            changed = apply_charge(obj)
        elif event.type.startswith(("refund.", "charge.refund.")):
            known = _known(obj.get("payment_intent"))
            changed = apply_refund(obj)
        else:
            # The platform's subscription events (issue 17) and anything else: logged, nothing to do yet.
            known, changed = False, False
        event.outcome = (StripeEvent.Outcome.APPLIED if changed else StripeEvent.Outcome.UNCHANGED if known
                         else StripeEvent.Outcome.IGNORED)
        event.processed_at = timezone.now()
        event.save(update_fields=["outcome", "processed_at"])
        return event.outcome


def _known(intent_id: Any) -> bool:
    return isinstance(intent_id, str) and Payment.objects.filter(payment_intent_id=intent_id).exists()


def refund_failed(*, payment_id: int, message: str) -> None:
    """Stripe refused the refund for good: the payment is paid again, with the reason kept."""
    Payment.objects.filter(pk=payment_id, status=S.REFUND_PENDING).update(
        status=S.SUCCEEDED, last_error=message[:300], updated_at=timezone.now())
