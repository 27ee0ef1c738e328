"""notify(): the one way the portal tells a person anything, and the other writes of notifications."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cabinet import encryption as crypto

from .models import (
    Attachment,
    Channel,
    Delivery,
    DeliveryAttempt,
    Notification,
    NotificationSettings,
    PushSubscription,
)
from .quiet_hours import QUIET_CHANNELS, quiet_hours_end
from .rendering import render, template_for

ALL_CHANNELS: tuple[str, ...] = tuple(Channel.values)


@dataclass(frozen=True)
class File:
    filename: str
    content: bytes
    mimetype: str


def business_settings() -> NotificationSettings:
    found = NotificationSettings.objects.filter(pk=1).first()
    return found or NotificationSettings(pk=1)


def _recipient_key(recipient) -> tuple[str, Any]:
    if isinstance(recipient, str):
        return f"email:{recipient.strip().lower()}", None
    return f"user:{recipient.pk}", recipient


def _wants(user, event: str, channel: str, mandatory: bool) -> bool:
    if mandatory or user is None:
        return True
    from cabinet.accounts.selectors import wants_notification

    return wants_notification(user, event, channel)


def _address(user, channel: str, address: str) -> str | None:
    """Where `channel` reaches the recipient: an address, "" for push, or None when it cannot."""
    if channel == Channel.EMAIL:
        return address or (user.email if user is not None else "") or None
    if user is None:
        return None
    if channel == Channel.SMS:
        return user.phone or None
    return "" if PushSubscription.objects.filter(user=user).exists() else None


def notify(recipient, event: str, context: dict[str, Any] | None = None, *,
           channels: Iterable[str] | None = None, template: str = "", event_id: str = "", url: str = "",
           language: str = "", address: str = "", mandatory: bool = False, in_portal: bool = True,
           attachments: Sequence[File] = ()) -> Notification:
    """Tells `recipient` (a User, or an e-mail address for someone without an account) about `event`.

    Writes the message and one outbox row per channel in the caller's transaction; the rows are delivered
    by a Celery task once it commits (and by the sweep, whatever happens to that task). `event` is the key
    customers choose channels for ("support.reply"); a channel they switched off gets no row unless the
    message is `mandatory` (a link the person just asked for) or the business made the event unswitchable.
    `event_id` names the occurrence ("orders.invoice:42"): notifying it twice gives the same message and no
    second delivery. `address` overrides the recipient's e-mail (a confirmation of a new address)."""
    recipient_key, user = _recipient_key(recipient)
    if user is None:
        address = address or recipient.strip()
    event_id = event_id or f"{event}:{uuid.uuid4().hex}"
    existing = Notification.objects.filter(event_id=event_id, recipient_key=recipient_key).first()
    if existing is not None:
        return existing
    language = language or (getattr(user, "language", "") if user is not None else "") or settings.LANGUAGE_CODE
    words = render(template or template_for(event), {"recipient": user, **(context or {})}, language)
    options = business_settings()
    mandatory = mandatory or event in (options.mandatory_events or [])
    now = timezone.now()
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                event=event, event_id=event_id, recipient_key=recipient_key, recipient=user, language=language,
                subject=words.subject, body=words.body, text=words.text, url=url,
                in_portal=in_portal and user is not None, created_at=now)
    except IntegrityError:  # the same occurrence notified at the same moment by another process
        return Notification.objects.get(event_id=event_id, recipient_key=recipient_key)
    Attachment.objects.bulk_create(
        Attachment(notification=notification, filename=f.filename, mimetype=f.mimetype, content=f.content)
        for f in attachments)
    deliveries = []
    for channel in (ALL_CHANNELS if channels is None else tuple(channels)):
        if channel not in ALL_CHANNELS:
            raise ValueError(f"unknown notification channel {channel!r}")
        target = _address(user, channel, address)
        if target is None or not _wants(user, event, channel, mandatory):
            continue
        held_until = _held_until(channel, now, options.quiet_start, options.quiet_end)
        deliveries.append(Delivery(
            notification=notification, event_id=event_id, recipient_key=recipient_key, channel=channel,
            address=target, status=Delivery.Status.HELD if held_until else Delivery.Status.QUEUED,
            due_at=held_until or now, created_at=now))
    Delivery.objects.bulk_create(deliveries)
    DeliveryAttempt.objects.bulk_create(
        DeliveryAttempt(delivery=d, at=now, outcome=(DeliveryAttempt.Outcome.HELD if d.status == Delivery.Status.HELD
                                                     else DeliveryAttempt.Outcome.QUEUED),
                        detail=(_("Held for quiet hours until %(time)s") % {"time": d.due_at.isoformat()}
                                if d.status == Delivery.Status.HELD else ""))
        for d in deliveries)
    queued = [d.pk for d in deliveries if d.status == Delivery.Status.QUEUED]
    if queued:
        from .tasks import deliver

        deliver.delay_on_commit(queued)
    return notification


def _held_until(channel: str, now: datetime, start: time | None, end: time | None) -> datetime | None:
    if channel not in QUIET_CHANNELS:
        return None
    from cabinet.portal.selectors import business_time_zone

    return quiet_hours_end(now, start, end, business_time_zone())


# --- the bell -------------------------------------------------------------------------------------------

def mark_read(*, user, notification_id: int | None = None) -> int:
    """Marks one of `user`'s notifications (or all of them) read; returns how many changed."""
    rows = Notification.objects.filter(recipient=user, in_portal=True, read_at__isnull=True)
    if notification_id is not None:
        rows = rows.filter(pk=notification_id)
    return rows.update(read_at=timezone.now())


# --- push subscriptions ---------------------------------------------------------------------------------

def save_push_subscription(*, user, endpoint: str, p256dh: str, auth: str, user_agent: str = "") -> PushSubscription:
    """Keeps the browser subscription `user` just allowed (the same endpoint again refreshes its keys)."""
    from django.core.validators import URLValidator

    endpoint = (endpoint or "").strip()
    errors = {}
    try:
        URLValidator(schemes=["https", "http"])(endpoint)
    except ValidationError:
        errors["endpoint"] = [_("The browser gave no valid push address.")]
    if not (p256dh or "").strip() or not (auth or "").strip() or len(p256dh) > 200 or len(auth) > 100:
        errors["keys"] = [_("The browser gave no valid push keys.")]
    if len(endpoint) > 1000:
        errors["endpoint"] = [_("The browser gave no valid push address.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        found = PushSubscription.objects.select_for_update().filter(endpoint=endpoint).first()
        if found is not None and found.user_id != user.pk:
            found.delete()  # the browser now belongs to someone else who signed in on it
            found = None
        if found is None:
            return PushSubscription.objects.create(user=user, endpoint=endpoint, p256dh=p256dh.strip(),
                                                   auth=auth.strip(), user_agent=user_agent[:200])
        found.p256dh, found.auth, found.user_agent = p256dh.strip(), auth.strip(), user_agent[:200]
        found.save(update_fields=["p256dh", "auth", "user_agent"])
        return found


def delete_push_subscription(*, user, endpoint: str) -> int:
    return PushSubscription.objects.filter(user=user, endpoint=(endpoint or "").strip()).delete()[0]


# --- the business's settings and the log -----------------------------------------------------------------

def save_settings(*, quiet_start: time | None, quiet_end: time | None, sms_sender: str, sms_api_key: str | None,
                  mandatory_events: list[str]) -> NotificationSettings:
    """Saves the business's notification settings; `sms_api_key` None keeps the stored one, "" removes it."""
    sender = (sms_sender or "").strip()
    if sender and (len(sender) > 11 or not sender.replace(" ", "").isalnum() or not sender.isascii()):
        raise ValidationError({"sms_sender": [_("Up to 11 Latin letters and digits.")]})
    if (quiet_start is None) != (quiet_end is None):
        raise ValidationError({"quiet_end": [_("Give both ends of the quiet hours, or neither.")]})
    with transaction.atomic():
        options = business_settings()
        options.quiet_start, options.quiet_end, options.sms_sender = quiet_start, quiet_end, sender
        if sms_api_key is not None:
            options.sms_credentials = crypto.encrypt(sms_api_key.strip())
        options.mandatory_events = sorted(set(mandatory_events))
        options.updated_at = timezone.now()
        options.save()
    return options


def retry_delivery(*, delivery_id: int) -> Delivery:
    """Queues a failed delivery again (the business asked for it in the log); its log keeps the failure."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None:
            raise ValidationError(_("There is no such delivery."), code="not_found")
        if delivery.status != Delivery.Status.FAILED:
            raise ValidationError(_("Only a failed delivery can be sent again."), code="not_failed")
        now = timezone.now()
        delivery.status, delivery.due_at, delivery.attempts, delivery.last_error = Delivery.Status.QUEUED, now, 0, ""
        delivery.save(update_fields=["status", "due_at", "attempts", "last_error"])
        DeliveryAttempt.objects.create(delivery=delivery, at=now, outcome=DeliveryAttempt.Outcome.QUEUED,
                                       detail=_("Sent again by staff"))
        from .tasks import deliver

        deliver.delay_on_commit([delivery.pk])
    return delivery
