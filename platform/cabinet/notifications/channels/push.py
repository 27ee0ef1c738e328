"""Web Push with pywebpush, signed with the platform's VAPID key. A subscription the push service no longer
knows (HTTP 404 or 410) is removed; a delivery goes to every subscription of the recipient, each once."""

from __future__ import annotations

import functools
import hashlib
import json

from django.conf import settings
from pywebpush import WebPushException, webpush

from cabinet.vapid import VapidKeys, load_keys

from ..models import Delivery, DeliveryAttempt, PushSubscription
from . import Batch, Fail, Retry, answer_of, http_session


@functools.cache
def vapid_keys() -> VapidKeys:
    return load_keys(settings.DATA_DIR, settings.VAPID_PRIVATE_KEY)


@functools.cache
def _signing_key():
    from py_vapid import Vapid

    return Vapid.from_pem(vapid_keys().private_pem.encode())


def public_key() -> str:
    return vapid_keys().public_key


def _payload(delivery: Delivery) -> str:
    notification = delivery.notification
    return json.dumps({"title": notification.subject, "body": notification.text, "url": notification.url or "/",
                       "tag": f"n{notification.pk}"}, ensure_ascii=False)


def send(delivery: Delivery, batch: Batch | None = None) -> str:
    done = set(delivery.log.filter(outcome=DeliveryAttempt.Outcome.SENT).values_list("target", flat=True))
    owner = delivery.notification.recipient_id
    subscriptions = [s for s in PushSubscription.objects.filter(user_id=owner or 0) if s.endpoint[:200] not in done]
    if not subscriptions and not done:
        raise Fail("no push subscription left")
    key = _signing_key()
    # RFC 8030 Topic: a push service replaces an undelivered message of the same topic, so a resend after a
    # worker died mid-call does not show twice.
    topic = hashlib.sha256(delivery.idempotency_key.encode()).hexdigest()[:32]
    retry: list[str] = []
    for subscription in subscriptions:
        target = subscription.endpoint[:200]
        try:
            response = webpush(subscription.info(), data=_payload(delivery), vapid_private_key=key,
                               vapid_claims={"sub": settings.VAPID_SUBJECT}, ttl=24 * 3600,
                               timeout=settings.PUSH_TIMEOUT, headers={"Topic": topic},
                               requests_session=http_session())
        except WebPushException as error:
            status = getattr(error.response, "status_code", None)
            answer = answer_of(error.response) if error.response is not None else str(error)
            if status in (404, 410):
                subscription.delete()
                DeliveryAttempt.objects.create(delivery=delivery, outcome=DeliveryAttempt.Outcome.REMOVED,
                                               detail=answer, target=target)
                continue
            if status is not None and 400 <= status < 500 and status != 429:
                DeliveryAttempt.objects.create(delivery=delivery, outcome=DeliveryAttempt.Outcome.FAILED,
                                               detail=answer, target=target)
                continue
            retry.append(answer)
            continue
        except Exception as error:  # requests' connection errors arrive unwrapped
            retry.append(f"{type(error).__name__}: {error}")
            continue
        DeliveryAttempt.objects.create(delivery=delivery, outcome=DeliveryAttempt.Outcome.SENT,
                                       detail=answer_of(response), target=target)
        done.add(target)
    if retry:
        raise Retry("; ".join(retry))
    if not done:
        raise Fail("every push subscription was refused or has expired")
    return f"{len(done)} browser(s)"
