"""Sending the outbox: one delivery at a time, each at most once.

A row is claimed under a row lock (QUEUED → SENDING, committed) before its provider is called, and settled
after (SENT, or FAILED, or QUEUED again with a later `due_at` and growing pauses). A claim whose worker died
is handed out again by the sweep after NOTIFICATIONS_STUCK_AFTER, with the same idempotency key. The sweep
also releases rows held by quiet hours and picks up rows whose task was lost. Celery never holds a row for
longer than a short countdown (no ETA near the broker's visibility timeout)."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .channels import Fail, Retry, email, push, sms
from .models import Delivery, DeliveryAttempt

log = logging.getLogger(__name__)

ADAPTERS: dict[str, Callable[[Delivery], str]] = {"email": email.send, "sms": sms.send, "push": push.send}
# How long a fresh row waits for its own task before the sweep sends it.
SWEEP_GRACE = timedelta(seconds=10)
# Retries sooner than this are also queued as a countdown task; later ones wait for the sweep.
COUNTDOWN_LIMIT = 300


def backoff(attempts: int) -> float:
    """Seconds before the next try: 10, 20, 40, … up to an hour, with a little jitter."""
    return min(3600.0, 5.0 * 2 ** attempts) * random.uniform(0.9, 1.1)  # noqa: S311  (jitter, not a secret)


def _claim(delivery_id: int, now=None) -> Delivery | None:
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (Delivery.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("notification")
                    .filter(pk=delivery_id, status=Delivery.Status.QUEUED, due_at__lte=now).first())
        if delivery is None:
            return None
        delivery.status, delivery.claimed_at = Delivery.Status.SENDING, now
        delivery.attempts += 1
        delivery.save(update_fields=["status", "claimed_at", "attempts"])
    return delivery


def _settle(delivery: Delivery, *, status: str, outcome: str, detail: str, target: str = "",
            due_at=None) -> bool:
    """Writes the outcome unless the claim was taken over meanwhile (the sweep thought the worker dead)."""
    now = timezone.now()
    fields: dict[str, object] = {"status": status, "last_error": "" if status == Delivery.Status.SENT else detail}
    if status == Delivery.Status.SENT:
        fields["sent_at"] = now
    if due_at is not None:
        fields["due_at"] = due_at
    with transaction.atomic():
        changed = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING,
                                          claimed_at=delivery.claimed_at).update(**fields)
        DeliveryAttempt.objects.create(delivery=delivery, at=now, outcome=outcome, detail=detail,
                                       target=target or ("" if delivery.channel == "push" else delivery.address))
    return bool(changed)


def deliver_one(delivery_id: int, *, now=None) -> str | None:
    """Sends one due delivery (due by `now`, default: now); returns its new status, or None when it was not
    due or another worker has it."""
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return None
    try:
        answer = ADAPTERS[delivery.channel](delivery)
    except Fail as error:
        _settle(delivery, status=Delivery.Status.FAILED, outcome=DeliveryAttempt.Outcome.FAILED,
                detail=error.detail, target=error.target)
        return Delivery.Status.FAILED
    except Retry as error:
        if delivery.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
            _settle(delivery, status=Delivery.Status.FAILED, outcome=DeliveryAttempt.Outcome.FAILED,
                    detail=error.detail, target=error.target)
            return Delivery.Status.FAILED
        pause = backoff(delivery.attempts)
        _settle(delivery, status=Delivery.Status.QUEUED, outcome=DeliveryAttempt.Outcome.FAILED, detail=error.detail,
                target=error.target, due_at=timezone.now() + timedelta(seconds=pause))
        if pause < COUNTDOWN_LIMIT:
            from .tasks import deliver

            deliver.apply_async(args=[[delivery.pk]], countdown=pause)
        return Delivery.Status.QUEUED
    except Exception as error:  # a bug or an unexpected library error: logged, retried like a provider's
        log.exception("delivery %s failed unexpectedly", delivery.pk)
        _settle(delivery, status=Delivery.Status.QUEUED, outcome=DeliveryAttempt.Outcome.FAILED,
                detail=f"{type(error).__name__}: {error}",
                due_at=timezone.now() + timedelta(seconds=backoff(delivery.attempts)))
        return Delivery.Status.QUEUED
    _settle(delivery, status=Delivery.Status.SENT, outcome=DeliveryAttempt.Outcome.SENT, detail=answer)
    return Delivery.Status.SENT


def sweep(*, now=None) -> list[int]:
    """Makes due what should be: held rows whose quiet hours ended, claims whose worker died; returns the
    ids of due rows nobody is sending (the caller sends them or queues them)."""
    now = now or timezone.now()
    with transaction.atomic():
        Delivery.objects.filter(status=Delivery.Status.HELD, due_at__lte=now).update(status=Delivery.Status.QUEUED)
        stuck = list(Delivery.objects.select_for_update(skip_locked=True).filter(
            status=Delivery.Status.SENDING,
            claimed_at__lt=now - timedelta(seconds=settings.NOTIFICATIONS_STUCK_AFTER)))
        for delivery in stuck:
            delivery.status, delivery.due_at = Delivery.Status.QUEUED, now
            delivery.save(update_fields=["status", "due_at"])
        DeliveryAttempt.objects.bulk_create(
            DeliveryAttempt(delivery=d, at=now, outcome=DeliveryAttempt.Outcome.FAILED,
                            detail="the worker stopped while sending; sending again") for d in stuck)
    return list(Delivery.objects.filter(status=Delivery.Status.QUEUED, due_at__lte=now - SWEEP_GRACE)
                .order_by("due_at").values_list("pk", flat=True)[:5000])


def deliver_due(*, now=None) -> dict[str, int]:
    """Sends every due delivery here and now (tests, a management shell): counts by the status reached."""
    counts: dict[str, int] = {}
    now = now or timezone.now()
    for delivery_id in sweep(now=now + SWEEP_GRACE):
        status = deliver_one(delivery_id, now=now + SWEEP_GRACE) or "skipped"
        counts[status] = counts.get(status, 0) + 1
    return counts
