"""Sending the outbox: in batches, each row at most once.

A row is claimed under a row lock (QUEUED → SENDING, committed) before its provider is called, and settled
after (SENT, or FAILED, or QUEUED again with a later `due_at` and growing pauses). A claim whose worker died
is handed out again by the sweep after NOTIFICATIONS_STUCK_AFTER, with the same idempotency key. The sweep
also releases rows held by quiet hours and picks up rows whose task was lost. Celery never holds a row for
longer than a short countdown (no ETA near the broker's visibility timeout)."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .channels import Batch, Fail, Retry, email, push, sms
from .models import Delivery, DeliveryAttempt

log = logging.getLogger(__name__)

ADAPTERS: dict[str, Callable[[Delivery, Batch], str]] = {"email": email.send, "sms": sms.send, "push": push.send}
# How long a fresh row waits for its own task before the sweep sends it.
SWEEP_GRACE = timedelta(seconds=10)
# Retries sooner than this are also queued as a countdown task; later ones wait for the sweep.
COUNTDOWN_LIMIT = 300
# A claimed row waiting in its batch longer than this renews its claim before it is sent.
RENEW_AFTER = timedelta(seconds=1)


def backoff(attempts: int) -> float:
    """Seconds before the next try: 10, 20, 40, … up to an hour, with a little jitter."""
    return min(3600.0, 5.0 * 2 ** attempts) * random.uniform(0.9, 1.1)  # noqa: S311  (jitter, not a secret)


def _claim(delivery_ids: Sequence[int], now=None, *, more: int = 0) -> list[Delivery]:
    """Claims the given rows that are still due (QUEUED → SENDING, committed) and up to `more` other due rows
    of this outbox, all in one transaction. Rows another worker holds are skipped, not waited for."""
    now = now or timezone.now()
    with transaction.atomic():
        due = Delivery.objects.filter(status=Delivery.Status.QUEUED, due_at__lte=now)
        rows = list(due.select_for_update(skip_locked=True, of=("self",)).select_related("notification")
                    .filter(pk__in=list(delivery_ids)).order_by("pk"))
        if more > 0:
            rows += list(due.select_for_update(skip_locked=True, of=("self",)).select_related("notification")
                         .exclude(pk__in=[row.pk for row in rows] + list(delivery_ids))
                         .order_by("due_at")[:more])
        if not rows:
            return []
        Delivery.objects.filter(pk__in=[row.pk for row in rows]).update(
            status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    for row in rows:
        row.status, row.claimed_at, row.attempts = Delivery.Status.SENDING, now, row.attempts + 1
    return rows


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


def _renew(delivery: Delivery) -> bool:
    """Renews the claim of a row that waited in its batch, just before its provider is called: the sweep hands
    out claims older than NOTIFICATIONS_STUCK_AFTER, and that age must count from this row's send, not from
    the batch's claim (a batch behind a slow provider outlasts it). False when the sweep took it meanwhile."""
    now = timezone.now()
    if delivery.claimed_at is None or now - delivery.claimed_at < RENEW_AFTER:
        return True
    renewed = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING,
                                      claimed_at=delivery.claimed_at).update(claimed_at=now)
    if renewed:
        delivery.claimed_at = now
    return bool(renewed)


def _send(delivery: Delivery, batch: Batch) -> str | None:
    """Calls the provider for one claimed row and settles it; returns its new status (None: the sweep had
    handed it out again, so another worker sends it)."""
    if not _renew(delivery):
        return None
    try:
        answer = ADAPTERS[delivery.channel](delivery, batch)
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


def deliver_batch(delivery_ids: Sequence[int], *, now=None, more: int = 0) -> dict[str, int]:
    """Sends the given rows that are due by `now` (default: now), plus up to `more` other due rows of this
    outbox, in one claim and with one set of provider connections; counts by the status reached. Each row
    is settled as soon as its provider answered, so a worker killed mid-batch leaves only the row it was
    sending in doubt (the sweep hands it out again with the same idempotency key)."""
    counts: dict[str, int] = {}
    rows = _claim(delivery_ids, now, more=more)
    if not rows:
        return counts
    with Batch() as batch:
        for row in rows:
            status = _send(row, batch) or "skipped"
            counts[status] = counts.get(status, 0) + 1
    return counts


def deliver_one(delivery_id: int, *, now=None) -> str | None:
    """Sends one due delivery (due by `now`, default: now); returns its new status, or None when it was not
    due or another worker has it."""
    counts = deliver_batch([delivery_id], now=now)
    return next((status for status in counts if status != "skipped"), None)


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
    due = sweep(now=now + SWEEP_GRACE)
    for start in range(0, len(due), 200):
        for status, count in deliver_batch(due[start:start + 200], now=now + SWEEP_GRACE).items():
            counts[status] = counts.get(status, 0) + count
    return counts
