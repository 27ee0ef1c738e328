"""Reads of the ledger: balances, a customer's entries newest first (an index on account and time serves every
filter), statements for a period (opening and closing balance read from the entries' `balance_after`), and each
entry explained in the reader's language."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cabinet.ledger import reasons
from cabinet.ledger.models import Account, Entry, Kind, Transaction
from cabinet.money import MINUS, format_money


def balances(*, customer) -> list[Account]:
    """The customer's accounts: money per currency first, then points and commission."""
    order: dict[str, int] = {Kind.MONEY: 0, Kind.POINTS: 1, Kind.COMMISSION: 2}
    found = list(Account.objects.filter(owner=customer))
    return sorted(found, key=lambda a: (order.get(a.kind, 9), a.currency))


def balance(*, customer, kind: str, currency: str = "") -> Decimal:
    value = Account.objects.filter(owner=customer, kind=kind, currency=currency).values_list("balance", flat=True).first()
    return value if value is not None else Decimal("0")


def transactions(*, customer, kind: str | None = None, currency: str | None = None,
                 since: datetime.datetime | None = None, until: datetime.datetime | None = None) -> QuerySet[Entry]:
    """The customer's entries, newest first, each with its transaction and account (paginate the result)."""
    # The customer's account ids first (a handful), then the entries by `account_id`: each account's part is an
    # ordered range of ledger_entry_account_time. Filtering through the join to the account instead made the
    # planner read and sort all of a long history (benchmarks/ledger.py: 10 000 entries, a page of 25).
    accounts = Account.objects.filter(owner=customer)
    if kind:
        accounts = accounts.filter(kind=kind)
    if currency is not None:
        accounts = accounts.filter(currency=currency)
    entries = Entry.objects.filter(account_id__in=list(accounts.values_list("id", flat=True)))
    if since is not None:
        entries = entries.filter(created_at__gte=since)
    if until is not None:
        entries = entries.filter(created_at__lt=until)
    return entries.select_related("transaction", "account", "transaction__actor").order_by("-created_at", "-id")


@dataclass(frozen=True)
class Statement:
    currency: str
    kind: str
    since: datetime.datetime
    until: datetime.datetime
    opening: Decimal
    closing: Decimal
    entries: list[Entry]  # oldest first, as a statement reads
    credited: Decimal
    debited: Decimal


def statement(*, customer, currency: str, since: datetime.datetime, until: datetime.datetime,
              kind: str = Kind.MONEY) -> Statement:
    """Opening balance at `since`, every entry in [since, until), closing balance at `until`."""
    account = Account.objects.filter(owner=customer, kind=kind, currency=currency).first()
    if account is None:
        zero = Decimal("0")
        return Statement(currency, kind, since, until, zero, zero, [], zero, zero)
    before = (Entry.objects.filter(account=account, created_at__lt=since).order_by("-created_at", "-id")
              .values_list("balance_after", flat=True).first())
    opening = before if before is not None else Decimal("0")
    entries = list(Entry.objects.filter(account=account, created_at__gte=since, created_at__lt=until)
                   .select_related("transaction", "account", "transaction__actor").order_by("created_at", "id"))
    closing = entries[-1].balance_after if entries else opening
    credited = sum((e.amount for e in entries if e.amount > 0), Decimal("0"))
    debited = sum((-e.amount for e in entries if e.amount < 0), Decimal("0"))
    return Statement(currency, kind, since, until, opening, closing, entries, credited, debited)


def format_amount(amount: Decimal, account: Account, *, signed: bool = True) -> str:
    """"+120 points", "−500,00 ₽" in the active language."""
    if account.kind == Kind.POINTS:
        count = abs(amount)
        number = f"{count:f}".rstrip("0").rstrip(".") if "." in f"{count:f}" else f"{count:f}"
        text = ngettext("%(count)s point", "%(count)s points", int(count)) % {"count": number}
    else:
        text = format_money(abs(amount), account.currency)
    if not signed:
        return text if amount >= 0 else f"{MINUS}{text}"
    return f"+{text}" if amount > 0 else f"{MINUS}{text}"


def reason_text(record: Transaction) -> str:
    if record.reason == "reversal":
        original = Transaction.objects.filter(pk=record.params.get("of")).first()
        if original is not None:
            return _("correction of: %(original)s") % {"original": reasons.render(original.reason, original.params)}
    return reasons.render(record.reason, record.params)


def describe(item: Entry | Transaction) -> str:
    """"+120 points: order #1042" for an entry; the reason alone for a transaction."""
    if isinstance(item, Transaction):
        return reason_text(item)
    return f"{format_amount(item.amount, item.account)}: {reason_text(item.transaction)}"
