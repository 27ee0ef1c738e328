"""What the portal told a person, on which channel, and every attempt to deliver it.

`Notification` is one message to one recipient (the in-portal entry of the bell, too); `Delivery` is its
outbox row on one channel. A delivery's idempotency key, (event id, recipient, channel), is unique: a
`notify` repeated for the same occurrence, a retried or redelivered task never makes a second row, and a row
is sent at most once. `DeliveryAttempt` is the delivery log: queued, held, sent, failed with the provider's
answer."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    PUSH = "push", _("Push")


class Notification(models.Model):
    event = models.CharField(max_length=80)
    # The occurrence this message is about ("orders.invoice:42"): with the recipient, it is unique.
    event_id = models.CharField(max_length=160)
    # "user:<id>" for a person with an account, "email:<address>" for an address only (a staff invitation).
    recipient_key = models.CharField(max_length=270)
    recipient = models.ForeignKey("accounts.User", on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="notifications")
    language = models.CharField(max_length=8, blank=True)
    subject = models.CharField(max_length=250)
    body = models.TextField()
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=500, blank=True)
    # Shown in the portal's bell; False for messages that carry a secret link (a password reset).
    in_portal = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        unique_together = [("event_id", "recipient_key")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread"),
                   models.Index(fields=["recipient", "-created_at"], name="notification_recent")]
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.event} to {self.recipient_key}"


class Attachment(models.Model):
    """A file an e-mail carries (an invoice's PDF), kept with the message so a retry sends the same file."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=200)
    mimetype = models.CharField(max_length=100)
    content = models.BinaryField()

    def __str__(self):
        return self.filename


class Delivery(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("delivery status", "Queued")
        HELD = "held", pgettext_lazy("delivery status", "Held for quiet hours")
        SENDING = "sending", pgettext_lazy("delivery status", "Sending")
        SENT = "sent", pgettext_lazy("delivery status", "Sent")
        FAILED = "failed", pgettext_lazy("delivery status", "Failed")

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.CharField(max_length=160)
    recipient_key = models.CharField(max_length=270)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # The e-mail address or phone number it goes to ("" for push: every subscription of the recipient).
    address = models.CharField(max_length=254, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        unique_together = [("event_id", "recipient_key", "channel")]
        indexes = [models.Index(fields=["status", "due_at"], name="delivery_due"),
                   models.Index(fields=["-created_at"], name="delivery_recent")]
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.event_id} {self.channel} to {self.recipient_key}: {self.status}"

    @property
    def idempotency_key(self) -> str:
        return f"{self.event_id}|{self.recipient_key}|{self.channel}"


class DeliveryAttempt(models.Model):
    """One line of the delivery log."""

    class Outcome(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("delivery status", "Queued")
        HELD = "held", pgettext_lazy("delivery status", "Held for quiet hours")
        SENT = "sent", pgettext_lazy("delivery status", "Sent")
        FAILED = "failed", pgettext_lazy("delivery status", "Failed")
        REMOVED = "removed", _("Expired subscription removed")

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    # What the provider answered (status line and body, or the error), cut to a readable length.
    detail = models.TextField(blank=True)
    target = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.outcome} at {self.at:%Y-%m-%d %H:%M:%S}"


class PushSubscription(models.Model):
    """A browser of a customer that allowed notifications (the Push API's subscription)."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    user_agent = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.endpoint[:60]

    def info(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class NotificationSettings(models.Model):
    """The business's notification settings (one row, pk=1): quiet hours for SMS and push, the SMS sender
    name and gateway credentials (encrypted), and the events customers cannot switch off."""

    quiet_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet hours until"), null=True, blank=True)
    sms_sender = models.CharField(_("SMS sender name"), max_length=11, blank=True)
    sms_credentials = models.TextField(blank=True)  # Fernet token of the gateway's API key
    mandatory_events = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return "notification settings"
