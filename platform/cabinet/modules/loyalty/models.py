"""Bonus points: the business's earning rules (each edit makes a new version, kept on every award), the lots
points are awarded in (pending until the return window passes, then available until they expire), what an
order spent and from which lots. The points themselves are the ledger's (cabinet.ledger, kind "points"): a lot
is credited there when it becomes available, and every spend, return, expiry and taking back is a ledger
transaction, so the customer's balance is always the sum of their entries."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cabinet.money import CURRENCIES


class RuleKind(models.TextChoices):
    PURCHASE = "purchase", _("For every purchase")
    SIGN_UP = "sign_up", _("For signing up")
    FIRST_ORDER = "first_order", _("For the first order")
    BIRTHDAY = "birthday", _("On the birthday")
    REVIEW = "review", _("For a rating or review")
    REFERRAL = "referral", _("For a friend who joins")


class EarningRule(models.Model):
    """What earns points. A purchase rule gives `percent` of the amount paid in its `currency` as points (one
    point per unit of money); the others give a fixed number of `points`. Editing a rule raises its `version`;
    every award keeps the rule and version it was made by (and the figures it used)."""

    kind = models.CharField(_("what earns"), max_length=12, choices=RuleKind.choices)
    currency = models.CharField(_("currency"), max_length=3, blank=True,
                                choices=[(code, code) for code in CURRENCIES])
    percent = models.DecimalField(_("share of the amount (%)"), max_digits=5, decimal_places=2,
                                  default=Decimal("0"))
    points = models.PositiveIntegerField(_("points"), default=0)
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("kind", "currency", "id")
        constraints = [
            models.UniqueConstraint(fields=("kind", "currency"), condition=Q(active=True),
                                    name="loyalty_one_active_rule"),
            models.CheckConstraint(condition=(Q(kind="purchase") & ~Q(currency="") & Q(percent__gt=0)
                                              & Q(percent__lte=100))
                                   | (~Q(kind="purchase") & Q(currency="") & Q(points__gt=0)),
                                   name="loyalty_rule_sound"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.currency} v{self.version}".strip()


class Lot(models.Model):
    """One award of points. Pending ones are not in the ledger yet; an available one was credited by
    `transaction` and has `remaining` left to spend until `expires_at` (None: never)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        AVAILABLE = "available", _("Available")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")  # its order was cancelled before the points became available
        REVERSED = "reversed", _("Taken back")  # its order was cancelled or refunded afterwards

    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=12, choices=RuleKind.choices)
    rule = models.ForeignKey(EarningRule, on_delete=models.PROTECT, related_name="lots")
    rule_version = models.PositiveIntegerField()
    # The figures the award was made with ({"number": 1042, "percent": "5", "amount": "2400.00", ...}).
    facts = models.JSONField(default=dict, blank=True)
    cause_type = models.CharField(max_length=60)  # "orders.order", "feedback.rating", "accounts.user"…
    cause_id = models.CharField(max_length=40)
    points = models.PositiveIntegerField()
    remaining = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    available_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    transaction = models.OneToOneField("ledger.Transaction", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+")
    # Taken back, or still to be when the customer has spent the points already.
    reversal = models.OneToOneField("ledger.Transaction", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    recovery_due = models.BooleanField(default=False)

    class Meta:
        ordering = ("created_at", "id")
        indexes = [models.Index(fields=("customer", "status", "expires_at")),
                   models.Index(fields=("status", "available_at")),
                   models.Index(fields=("cause_type", "cause_id"))]
        constraints = [
            models.UniqueConstraint(fields=("customer", "source", "cause_type", "cause_id"),
                                    name="loyalty_one_award_per_cause"),
            models.CheckConstraint(condition=Q(points__gt=0) & Q(remaining__lte=F("points")),
                                   name="loyalty_lot_remaining_within_points"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.points} ({self.status})"


class Redemption(models.Model):
    """Points an order paid with: `points` worth `amount` of the order's currency, spent by `transaction`, given
    back by `returned` when the order is cancelled or refunded."""

    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    order_id = models.PositiveIntegerField(unique=True)
    order_number = models.PositiveIntegerField()
    points = models.PositiveIntegerField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    transaction = models.OneToOneField("ledger.Transaction", on_delete=models.PROTECT, related_name="+")
    returned = models.OneToOneField("ledger.Transaction", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(points__gt=0) & Q(amount__gt=0),
                                              name="loyalty_redemption_positive")]

    def __str__(self) -> str:
        return f"order {self.order_id}: {self.points}"


class Draw(models.Model):
    """How many points of one lot a redemption used (given back to the same lot when it is returned)."""

    redemption = models.ForeignKey(Redemption, on_delete=models.CASCADE, related_name="draws")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="draws")
    points = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.redemption_id} ← {self.lot_id}: {self.points}"


class Choice(models.Model):
    """What the customer chose to pay with points: in the cart (`points`, or all that may be used with
    `use_all`), and whether their recurring orders use as many as they may."""

    customer = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    points = models.PositiveIntegerField(default=0)
    use_all = models.BooleanField(default=False)
    on_recurring = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.points}"
