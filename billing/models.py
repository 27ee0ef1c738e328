"""Billing's tables. In a business's schema: its Stripe account (keys encrypted), its card payments, the Stripe
events it received and every call made to Stripe for it. In the public schema the same event and call logs serve
the platform's own account (`StripeAccount` and `Payment` stay empty there)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class StripeAccount(models.Model):
    """The business's own Stripe account: one row (pk 1). Secrets are Fernet tokens (cabinet.encryption)."""

    secret_key = models.TextField()
    publishable_key = models.CharField(max_length=255)
    webhook_secret = models.TextField()
    # What the test call answered about the account (live or test mode), shown in the manage area.
    livemode = models.BooleanField(default=False)
    connected_at = models.DateTimeField(default=timezone.now)
    connected_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="stripe_account_single_row")]

    def __str__(self):
        return f"Stripe account ({self.publishable_key[:12]}…)"


class Payment(models.Model):
    class Status(models.TextChoices):
        CREATED = "created", pgettext_lazy("payment status", "Awaiting card")
        REQUIRES_ACTION = "requires_action", pgettext_lazy("payment status", "Awaiting confirmation")
        PROCESSING = "processing", pgettext_lazy("payment status", "Processing")
        FAILED = "failed", pgettext_lazy("payment status", "Declined")
        SUCCEEDED = "succeeded", pgettext_lazy("payment status", "Paid")
        CANCELED = "canceled", pgettext_lazy("payment status", "Canceled")
        REFUND_PENDING = "refund_pending", pgettext_lazy("payment status", "Refund requested")
        REFUNDED = "refunded", pgettext_lazy("payment status", "Refunded")

    purpose = models.CharField(max_length=60)
    # What the payment is for, in the words of the module that started it ("wallet.topup:17").
    object_ref = models.CharField(max_length=120)
    customer = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="card_payments")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    description = models.CharField(max_length=200)
    return_url = models.CharField(max_length=500)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CREATED)
    payment_intent_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    client_secret = models.CharField(max_length=255, blank=True)
    # Sent with every creating call to Stripe (PaymentIntent, refund), so a retried call never makes two.
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    refund_id = models.CharField(max_length=255, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Set once, when the purpose's handler ran: the guarantee that it runs once per payment.
    succeeded_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "-created_at"], name="payment_customer_recent"),
                   models.Index(fields=["purpose", "object_ref"], name="payment_purpose_object")]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive")]

    def __str__(self):
        return f"Payment {self.pk} ({self.purpose}, {self.amount} {self.currency}, {self.status})"


class StripeEvent(models.Model):
    """The event log of the webhook intake: each Stripe event once (its id is unique), with what was done."""

    class Outcome(models.TextChoices):
        PENDING = "pending", pgettext_lazy("webhook outcome", "Waiting")
        APPLIED = "applied", pgettext_lazy("webhook outcome", "Applied")
        UNCHANGED = "unchanged", pgettext_lazy("webhook outcome", "Nothing to change")
        IGNORED = "ignored", pgettext_lazy("webhook outcome", "Not ours")

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=255, blank=True)
    payload = models.JSONField()
    # How many times Stripe delivered it (a second delivery is counted here, never stored again).
    deliveries = models.PositiveIntegerField(default=1)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.PENDING)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return f"{self.type} {self.event_id}"


class StripeCall(models.Model):
    """The call log: every request made to Stripe, with its idempotency key and how it ended."""

    operation = models.CharField(max_length=60)
    object_ref = models.CharField(max_length=120, blank=True)
    idempotency_key = models.CharField(max_length=120, blank=True)
    ok = models.BooleanField()
    stripe_id = models.CharField(max_length=255, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Stripe call")

    def __str__(self):
        return f"{self.operation} {'ok' if self.ok else 'failed'}"
