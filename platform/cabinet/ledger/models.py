"""The append-only, double-entry ledger behind every balance of a business: customers' money in each currency,
bonus points and referral commission, and the business's own side of each (cash, bank, card, revenue...).

Entries and transactions are never changed or deleted: a trigger in the database refuses UPDATE and DELETE
(migration 0002), and a mistake is corrected by a reversing transaction. An account's balance is the sum of its
entries, cached on its row and changed only under that row's lock (services.post_transaction); a CHECK keeps a
customer's account from going below its credit limit. The business's own accounts are spread over shards (rows
of one name) so that no single row is locked by every spend."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    MONEY = "money", _("Money")
    POINTS = "points", _("Bonus points")
    COMMISSION = "commission", _("Referral commission")


class Account(models.Model):
    """A customer's account (owner set, no name) or one of the business's own (no owner, a name)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="ledger_accounts")
    name = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # ISO code for money and commission; "" for points, which have no currency.
    currency = models.CharField(max_length=3, blank=True)
    balance = models.DecimalField(default=Decimal("0"), max_digits=18, decimal_places=2)
    # A business account is kept as several rows (shards 0..n-1) of one name, kind and currency, each with its own
    # balance and lock, so that spends at once do not queue behind one row; its balance is their sum
    # (selectors.business_balance). A customer's account is one row (shard 0).
    shard = models.PositiveSmallIntegerField(default=0, db_default=0)
    credit_limit = models.DecimalField(default=Decimal("0"), max_digits=18, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "kind", "currency"], condition=Q(owner__isnull=False),
                                    name="ledger_one_customer_account"),
            models.UniqueConstraint(fields=["name", "kind", "currency", "shard"], condition=Q(owner__isnull=True),
                                    name="ledger_one_business_shard"),
            models.CheckConstraint(condition=Q(owner__isnull=True) | Q(shard=0), name="ledger_customer_one_row"),
            models.CheckConstraint(condition=Q(owner__isnull=True) | Q(balance__gte=-models.F("credit_limit")),
                                   name="ledger_customer_within_limit"),
            models.CheckConstraint(condition=Q(credit_limit__gte=0), name="ledger_credit_limit_not_negative"),
            models.CheckConstraint(condition=(Q(owner__isnull=True) & ~Q(name="")) | (Q(owner__isnull=False) & Q(name="")),
                                   name="ledger_owner_or_name"),
        ]

    def __str__(self) -> str:
        shard = f" #{self.shard}" if self.shard else ""
        return f"{self.owner_id or self.name}{shard} {self.kind} {self.currency}".strip()

    @property
    def is_customers(self) -> bool:
        return self.owner_id is not None


class Transaction(models.Model):
    """One movement of value: its entries sum to zero per kind and currency. `reason` is the key of a text
    rendered in the reader's language (cabinet.ledger.reasons) with `params`; `cause` names what it is for."""

    reason = models.CharField(max_length=60)
    params = models.JSONField(default=dict, blank=True)
    cause_type = models.CharField(max_length=60, blank=True)  # "orders.invoice"
    cause_id = models.CharField(max_length=40, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    idempotency_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"#{self.pk} {self.reason}"


class Entry(models.Model):
    """One account's side of a transaction, with the account's balance right after it (statements read the
    opening and closing balance of a period from it in one indexed lookup)."""

    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    balance_after = models.DecimalField(max_digits=18, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["account", "-created_at", "-id"], name="ledger_entry_account_time")]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_not_zero")]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.amount}"


class CreditLimitChange(models.Model):
    """Who set a customer's credit limit, when, and from what to what (services.set_credit_limit writes one per
    change; the wallet's manage page shows them)."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="limit_changes")
    previous = models.DecimalField(max_digits=18, decimal_places=2)
    limit = models.DecimalField(max_digits=18, decimal_places=2)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["account", "-changed_at", "-id"], name="ledger_limit_account_time")]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.previous} -> {self.limit}"


class ReconciliationRun(models.Model):
    """What the nightly recomputation found: any difference is shown to the owner and logged."""

    checked_accounts = models.PositiveIntegerField()
    differences = models.JSONField(default=list, blank=True)
    finished_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d}: {len(self.differences)} differences"
