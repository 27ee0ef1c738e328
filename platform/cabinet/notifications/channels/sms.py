"""SMS through an HTTP gateway. SMS_PROVIDER picks the adapter; "http-json" posts
{"to", "from", "text", "reference"} with the key as a Bearer token and the reference as Idempotency-Key, so a
gateway that honours it drops a repeated request."""

from __future__ import annotations

import phonenumbers
import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from cabinet import encryption as crypto

from ..models import Delivery, NotificationSettings
from . import Batch, Fail, Retry, answer_of, http_session

PROVIDERS = ("http-json",)


def _valid_number(text: str) -> str:
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException as error:
        raise Fail(f"not a phone number: {text!r} ({error})", text) from error
    if not phonenumbers.is_valid_number(number):
        raise Fail(f"not a valid phone number: {text!r}", text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def send(delivery: Delivery, batch: Batch | None = None) -> str:
    if settings.SMS_PROVIDER not in PROVIDERS:
        raise ImproperlyConfigured(f"SMS_PROVIDER {settings.SMS_PROVIDER!r} is none of {PROVIDERS}")
    number = _valid_number(delivery.address)
    if not settings.SMS_GATEWAY_URL:
        raise Fail("SMS is not configured (SMS_GATEWAY_URL is empty)", number)
    options = batch.options() if batch is not None else NotificationSettings.objects.filter(pk=1).first()
    token = (crypto.decrypt(options.sms_credentials) if options else "") or settings.SMS_GATEWAY_TOKEN
    sender = (options.sms_sender if options else "") or "Kabinet"
    try:
        response = http_session().post(
            settings.SMS_GATEWAY_URL, timeout=settings.SMS_TIMEOUT,
            json={"to": number, "from": sender, "text": delivery.notification.text,
                  "reference": delivery.idempotency_key},
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": delivery.idempotency_key})
    except requests.RequestException as error:
        raise Retry(f"gateway unreachable: {type(error).__name__}: {error}", number) from error
    if response.status_code >= 500 or response.status_code == 429:
        raise Retry(answer_of(response), number)
    if response.status_code >= 300:
        raise Fail(answer_of(response), number)
    return answer_of(response)
