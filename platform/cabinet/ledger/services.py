"""Writes of the ledger. Every movement is `post_transaction`: its lines sum to zero per kind and currency, the
accounts it touches are locked in id order (so two transactions over the same accounts never deadlock), each
balance changes under its lock in the same database transaction as its entry, and a customer's account never
passes its credit limit (checked here for a clear message, and by a CHECK constraint whatever the code does). A
business's side goes to one of its account's shards, picked per transaction (docs/decisions.md), so spends of
different customers at once never queue behind one business row."""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext as _

from cabinet.ledger import reasons
from cabinet.ledger.models import Account, CreditLimitChange, Entry, Kind, Transaction
from cabinet.money import CURRENCIES, format_money

MAX_AMOUNT = Decimal("1e15")
# Rows each business account is spread over (docs/decisions.md: measured with benchmarks/ledger.py).
BUSINESS_SHARDS = 16


def business_shards() -> int:
    return max(1, int(getattr(settings, "LEDGER_BUSINESS_SHARDS", BUSINESS_SHARDS)))


class InsufficientFunds(ValidationError):
    """A customer's account would go below its credit limit: nothing was written."""


class UnbalancedTransaction(ValueError):
    """Lines that do not sum to zero per kind and currency: a bug in the caller, never posted."""


def _check_kind(kind: str, currency: str) -> None:
    if kind not in Kind.values:
        raise ValueError(f"unknown ledger kind {kind!r}")
    if kind == Kind.POINTS:
        if currency:
            raise ValueError("bonus points have no currency")
    elif currency not in CURRENCIES:
        raise ValueError(f"unsupported currency {currency!r}")


def customer_account(*, customer, kind: str, currency: str = "") -> Account:
    """The customer's account of this kind and currency, made on first use."""
    _check_kind(kind, currency)
    if customer is None or customer.pk is None:
        raise ValueError("a customer account needs a saved customer")
    account, _made = Account.objects.get_or_create(owner=customer, kind=kind, currency=currency)
    return account


def business_account(*, name: str, kind: str, currency: str = "") -> Account:
    """One of the business's own accounts ("cash", "bank", "card", "revenue", "adjustments"...)."""
    _check_kind(kind, currency)
    if not name:
        raise ValueError("a business account needs a name")
    account, _made = Account.objects.get_or_create(owner=None, name=name, kind=kind, currency=currency, shard=0)
    return account


def _make_shards(keys) -> None:
    """Every shard of these business accounts (name, kind, currency), made where missing."""
    Account.objects.bulk_create([Account(owner=None, name=name, kind=kind, currency=currency, shard=number)
                                 for name, kind, currency in keys for number in range(business_shards())],
                                ignore_conflicts=True)


class _MissingShard(Exception):
    pass


def _amount(value: Any) -> Decimal:
    if isinstance(value, float) or isinstance(value, bool):
        raise TypeError("ledger amounts are Decimal, never float")
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError) as error:
        raise ValueError(f"not an amount: {value!r}") from error
    if not amount.is_finite() or amount == 0 or abs(amount) >= MAX_AMOUNT:
        raise ValueError(f"not a usable amount: {value!r}")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"amounts have at most two decimals: {value!r}")
    return amount


def _shortfall_message(account: Account, new_balance: Decimal) -> str:
    left = account.balance + account.credit_limit
    if account.kind == Kind.POINTS:
        return _("Not enough bonus points: %(available)s available.") % {"available": f"{left:g}"}
    return _("Not enough money on the balance: %(available)s available.") % {
        "available": format_money(left, account.currency)}


def post_transaction(*, lines: Sequence[tuple[Account, Decimal]], reason: str, params: dict | None = None,
                     cause: tuple[str, int | str] | None = None, actor=None,
                     idempotency_key: str = "", reverses: Transaction | None = None) -> Transaction:
    """Posts one transaction. With an `idempotency_key` already used, returns that transaction and writes
    nothing (a retried task, a webhook delivered twice). Raises InsufficientFunds when a customer's account
    would pass its limit and UnbalancedTransaction when the lines do not sum to zero."""
    if not reasons.known(reason):
        raise ValueError(f"unknown ledger reason {reason!r}")
    if idempotency_key:
        done = Transaction.objects.filter(idempotency_key=idempotency_key).first()
        if done is not None:
            return done
    # A customer's line stays on its account; a business's line goes to one of that account's shards, picked
    # per transaction, so that spends at once lock different rows (the business's balance is their sum).
    slots: dict[tuple, Decimal] = defaultdict(Decimal)
    by_id: dict[int, Account] = {}
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for account, value in lines:
        if account.pk is None:
            raise ValueError("ledger lines need saved accounts")
        amount = _amount(value)
        slot = ("customer", account.pk) if account.is_customers else \
            ("business", account.name, account.kind, account.currency)
        slots[slot] += amount
        by_id[account.pk] = account
        totals[(account.kind, account.currency)] += amount
    slots = {slot: value for slot, value in slots.items() if value != 0}
    if len(slots) < 2 or any(total != 0 for total in totals.values()):
        raise UnbalancedTransaction(f"lines do not balance: {dict(totals)}")
    cause_type, cause_id = (cause[0], str(cause[1])) if cause else ("", "")
    shards = business_shards()
    picks = {slot: secrets.randbelow(shards) for slot in slots if slot[0] == "business"}
    try:
        try:
            record, locked = _post(slots, picks, reason=reason, params=params, cause_type=cause_type,
                                   cause_id=cause_id, actor=actor, idempotency_key=idempotency_key, reverses=reverses)
        except _MissingShard:
            # The first use of a business account since it was made (or since shards came in): make every shard
            # of it, outside the locks of this transaction, and post again.
            _make_shards([slot[1:] for slot in picks])
            record, locked = _post(slots, picks, reason=reason, params=params, cause_type=cause_type,
                                   cause_id=cause_id, actor=actor, idempotency_key=idempotency_key, reverses=reverses)
    except IntegrityError:
        # Another process posted the same idempotency key at the same moment: that one stands.
        if idempotency_key:
            done = Transaction.objects.filter(idempotency_key=idempotency_key).first()
            if done is not None:
                return done
        raise
    for account_id, account in locked.items():
        if account_id in by_id:
            by_id[account_id].balance = account.balance  # the caller's objects show the new balance
    return record


def _post(slots: dict[tuple, Decimal], picks: dict[tuple, int], *, reason: str, params: dict | None,
          cause_type: str, cause_id: str, actor, idempotency_key: str,
          reverses: Transaction | None) -> tuple[Transaction, dict[int, Account]]:
    """Locks the rows of `slots` in id order (one query), checks the customers' limits, writes the transaction,
    its entries and the new balances. Raises _MissingShard, having written nothing, when a picked shard is
    not made yet."""
    wanted = Q(pk__in=[slot[1] for slot in slots if slot[0] == "customer"])
    for slot, number in picks.items():
        wanted |= Q(owner__isnull=True, name=slot[1], kind=slot[2], currency=slot[3], shard=number)
    with transaction.atomic():
        rows = list(Account.objects.select_for_update().filter(wanted).order_by("pk"))
        locked = {a.pk: a for a in rows}
        amounts: dict[int, Decimal] = {}
        for slot, amount in slots.items():
            if slot[0] == "customer":
                account_id = slot[1]
            else:
                found = [a for a in rows if a.owner_id is None and (a.name, a.kind, a.currency) == slot[1:]
                         and a.shard == picks[slot]]
                if not found:
                    raise _MissingShard(slot)
                account_id = found[0].pk
            amounts[account_id] = amount
        for account_id, amount in amounts.items():
            account = locked[account_id]
            new_balance = account.balance + amount
            if account.is_customers and amount < 0 and new_balance < -account.credit_limit:
                raise InsufficientFunds(_shortfall_message(account, new_balance), code="insufficient_funds")
        record = Transaction.objects.create(
            reason=reason, params=params or {}, cause_type=cause_type, cause_id=cause_id, actor=actor,
            idempotency_key=idempotency_key or None, reverses=reverses)
        entries = []
        for account_id in sorted(amounts):
            account = locked[account_id]
            account.balance += amounts[account_id]
            entries.append(Entry(transaction=record, account=account, amount=amounts[account_id],
                                 balance_after=account.balance))
        # every new balance in one statement: fewer round trips while the rows are locked
        Account.objects.filter(pk__in=amounts).update(balance=Case(
            *[When(pk=pk, then=Value(locked[pk].balance)) for pk in amounts],
            output_field=models.DecimalField(max_digits=18, decimal_places=2)))
        Entry.objects.bulk_create(entries)
    return record, locked


def reverse_transaction(*, transaction: Transaction, actor=None, reason_params: dict | None = None) -> Transaction:
    """Posts the mirror image of `transaction` (once: a second call returns the first reversal). May raise
    InsufficientFunds when the customer has already spent what is to be taken back."""
    lines = [(entry.account, -entry.amount) for entry in transaction.entries.select_related("account")]
    params = {"of": transaction.pk, **(reason_params or {})}
    reversal = post_transaction(lines=lines, reason="reversal", params=params,
                                cause=(transaction.cause_type, transaction.cause_id) if transaction.cause_type else None,
                                actor=actor, idempotency_key=f"ledger-reversal:{transaction.pk}",
                                reverses=transaction)
    return reversal


def set_credit_limit(*, account: Account, limit: Decimal, actor=None) -> Account:
    """How far below zero a customer's account may go. A limit under what is already owed is refused. Each
    change is recorded with its actor and time (CreditLimitChange); setting the same limit again records none."""
    value = Decimal(limit) if not isinstance(limit, float) else None
    if value is None or not value.is_finite() or value < 0 or value >= MAX_AMOUNT:
        raise ValidationError(_("A credit limit is an amount of zero or more."), code="invalid")
    if not account.is_customers:
        raise ValueError("only a customer's account has a credit limit")
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        if locked.balance < -value:
            raise ValidationError(_("The customer already owes more than this limit."), code="below_debt")
        if locked.credit_limit != value:
            CreditLimitChange.objects.create(account=locked, previous=locked.credit_limit, limit=value, actor=actor)
            locked.credit_limit = value
            locked.save(update_fields=["credit_limit"])
    account.credit_limit = value
    return account
