"""The referral programme's own rows: each customer's code, who brought whom (once per friend), the keyed hashes
of the contacts of every attributed friend (so an erased or re-registered account cannot be attributed again),
and the commission of each purchase of a friend, pending until it matures into a ledger transaction."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ReferralCode(models.Model):
    """A customer's personal code, made on first use; the link is /referrals/r/<code>/."""

    customer = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral_code")
    code = models.CharField(max_length=12, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.code


class Referral(models.Model):
    """The friend was brought by the referrer: one row per friend, ever (the unique friend), never oneself."""

    class Via(models.TextChoices):
        LINK = "link", _("Referral link")
        CODE = "code", _("Code entered")

    referrer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_made")
    friend = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referred_by")
    via = models.CharField(max_length=4, choices=Via.choices)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [models.CheckConstraint(condition=~Q(referrer=F("friend")), name="referrals_not_oneself")]

    def __str__(self) -> str:
        return f"{self.referrer_id} → {self.friend_id}"


class ReferredContact(models.Model):
    """A keyed hash of a normalised e-mail or phone of an attributed friend. Kept when the friend's account is
    erased, so the same person cannot be brought again under a new account; the contact itself is not kept."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="contacts")
    digest = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return self.digest[:12]


class Commission(models.Model):
    """The referrer's share of one purchase of a friend. Pending until `due_at` (paid and the return window
    passed), then posted to the ledger (`transaction_id`); cancelled when the order is cancelled or refunded
    before, reversed in the ledger when refunded after. `NONE` records a purchase that earned nothing (a cap was
    reached, the programme's months were over) so the referrer sees why."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        AVAILABLE = "available", _("Credited")
        CANCELLED = "cancelled", _("Cancelled")
        REVERSED = "reversed", _("Taken back")
        NONE = "none", _("No commission")

    class Reward(models.TextChoices):
        COMMISSION = "commission", _("Commission")
        MONEY = "money", _("Money on the balance")
        POINTS = "points", _("Bonus points")

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="commissions")
    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="referral_commission")
    reward = models.CharField(max_length=10, choices=Reward.choices)
    # The order's currency for money and commission; "" for points.
    currency = models.CharField(max_length=3, blank=True)
    purchase = models.DecimalField(max_digits=12, decimal_places=2)
    purchase_currency = models.CharField(max_length=3)
    rate = models.DecimalField(max_digits=5, decimal_places=2)
    amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    # Why the amount is less than rate × purchase (or nothing): "friend_cap", "month_cap", "period_over".
    limited_by = models.CharField(max_length=12, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    paid_at = models.DateTimeField()
    due_at = models.DateTimeField()
    settled_at = models.DateTimeField(null=True, blank=True)
    transaction = models.ForeignKey("ledger.Transaction", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    # Set when a refund after crediting could not take the commission back (already spent): staff settle it.
    recovery_due = models.BooleanField(default=False)

    class Meta:
        ordering = ("-paid_at", "-id")
        indexes = [models.Index(fields=("status", "due_at"), name="referrals_due")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="referrals_amount_not_negative"),
            models.CheckConstraint(condition=~Q(status="available") | Q(transaction__isnull=False),
                                   name="referrals_credited_has_transaction"),
        ]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.amount} {self.currency} {self.status}"
