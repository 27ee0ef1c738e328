"""Writes of the API core: the stored answers of idempotent requests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import IdempotencyRecord

# The stored answers behind `cabinet.api.idempotency.idempotent`: claimed per customer and key, kept for a day.

IDEMPOTENCY_RETENTION = timedelta(hours=24)


def start_idempotent_request(user: Any, key: str, fingerprint: str) -> tuple[IdempotencyRecord, bool]:
    """Claims `key` of `user` for this request. Returns (record, True) when this request is the first with the
    key; otherwise (the earlier record, False). A parallel first request holding the key makes this one wait
    on the unique index until it commits or rolls back."""
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(user=user, key=key, fingerprint=fingerprint), True
    except IntegrityError:
        return IdempotencyRecord.objects.get(user=user, key=key), False


def finish_idempotent_request(record: IdempotencyRecord, status: int, body: Any) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk).update(response_status=status, response_body=body)


def release_idempotent_request(record: IdempotencyRecord) -> None:
    """Frees the key when the request wrote nothing (an error), so the client may retry with it."""
    IdempotencyRecord.objects.filter(pk=record.pk, response_status__isnull=True).delete()


def delete_old_idempotency_records() -> int:
    deleted, _by_model = IdempotencyRecord.objects.filter(
        created_at__lt=timezone.now() - IDEMPOTENCY_RETENTION).delete()
    return deleted
