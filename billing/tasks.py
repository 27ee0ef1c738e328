"""Billing's background work, in the schema that queued it: processing stored webhook events, refund calls."""

from __future__ import annotations

from cabinet.celery import app

from . import services
from .stripe_adapter import StripeFailure


@app.task(name="billing.process_event", ignore_result=True, acks_late=True, autoretry_for=(Exception,),
          retry_backoff=5, retry_backoff_max=600, max_retries=8)
def process_event(event_pk: int) -> str:
    """Idempotent (a processed event is left alone; payments only move forward), so acks_late is safe."""
    return services.process_event(event_pk=event_pk)


@app.task(name="billing.send_refund", bind=True, ignore_result=True, acks_late=True, max_retries=8)
def send_refund(self, payment_id: int) -> str:
    """The refund call with the payment's refund idempotency key; retried while Stripe cannot be reached."""
    try:
        return services.send_refund(payment_id=payment_id)
    except StripeFailure as failure:
        if failure.retryable:
            raise self.retry(exc=failure, countdown=min(600, 10 * 2 ** self.request.retries)) from failure
        services.refund_failed(payment_id=payment_id, message=failure.message)
        return "failed"
