"""Reads of the ledger: balances, a customer's entries newest first (an index on account and time serves every
filter), statements for a period (opening and closing balance read from the entries' `balance_after`), and each
entry explained in the reader's language."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
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


def business_balance(*, name: str, kind: str, currency: str = "") -> Decimal:
    """The balance of one of the business's own accounts: the sum of its shards' balances."""
    value = (Account.objects.filter(owner__isnull=True, name=name, kind=kind, currency=currency)
             .aggregate(total=Sum("balance"))["total"])
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
    entries: QuerySet[Entry]  # oldest first, as a statement reads; lazy: paginate it or iterate in chunks
    credited: Decimal
    debited: Decimal
    count: int


def _balance_before(moment: datetime.datetime) -> Subquery:
    """balance_after of the account's last entry before `moment` (one backward step of the account's index)."""
    return Subquery(Entry.objects.filter(account=OuterRef("pk"), created_at__lt=moment)
                    .order_by("-created_at", "-id").values("balance_after")[:1])


def statement(*, customer, currency: str, since: datetime.datetime, until: datetime.datetime,
              kind: str = Kind.MONEY) -> Statement:
    """Opening balance at `since`, every entry in [since, until), closing balance at `until`. The opening and
    closing balances are balance_after of the entries just before each end (exact, whatever the length of the
    period), read with the period's count and totals in one query; the entries are a lazy queryset (a page of
    them on the statement page, all of them in chunks for the PDF)."""
    period = (Entry.objects.filter(account=OuterRef("pk"), created_at__gte=since, created_at__lt=until)
              .order_by().values("account"))
    account = (Account.objects.filter(owner=customer, kind=kind, currency=currency)
               .annotate(opening=_balance_before(since), closing=_balance_before(until),
                         period_count=Subquery(period.annotate(value=Count("id")).values("value")),
                         period_credited=Subquery(period.filter(amount__gt=0).annotate(value=Sum("amount"))
                                                  .values("value")),
                         period_debited=Subquery(period.filter(amount__lt=0).annotate(value=Sum("amount"))
                                                 .values("value")))
               .first())
    zero = Decimal("0")
    if account is None:
        return Statement(currency, kind, since, until, zero, zero, Entry.objects.none(), zero, zero, 0)
    figures = account.__dict__
    entries = (Entry.objects.filter(account=account, created_at__gte=since, created_at__lt=until)
               .select_related("transaction", "account", "transaction__actor").order_by("created_at", "id"))
    # No entry in the period: the last one before its end is the last one before its start, so closing = opening.
    return Statement(currency, kind, since, until, figures["opening"] or zero, figures["closing"] or zero, entries,
                     figures["period_credited"] or zero, -(figures["period_debited"] or zero),
                     figures["period_count"] or 0)


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


def reason_text(record: Transaction, originals: dict[int, Transaction] | None = None) -> str:
    """The reason in the active language; a correction names what it corrects (from `originals` when given,
    the reversed transactions read in one query by `explain_entries`, else read here)."""
    if record.reason == "reversal":
        of = record.params.get("of")
        original = originals.get(of) if originals is not None and isinstance(of, int) else None
        if original is None and originals is None:
            original = Transaction.objects.filter(pk=of).first()
        if original is not None:
            return _("correction of: %(original)s") % {"original": reasons.render(original.reason, original.params)}
    return reasons.render(record.reason, record.params)


def describe(item: Entry | Transaction) -> str:
    """"+120 points: order #1042" for an entry; the reason alone for a transaction."""
    if isinstance(item, Transaction):
        return reason_text(item)
    return f"{format_amount(item.amount, item.account)}: {reason_text(item.transaction)}"


@dataclass(frozen=True)
class Explained:
    entry: Entry
    text: str  # "+500,00 ₽: top-up by card"
    amount: str  # "+500,00 ₽"
    balance_after: str  # "1 200,00 ₽"


def explain_entries(entries: Iterable[Entry]) -> list[Explained]:
    """Many entries (with their transaction and account selected) explained at once, the way `describe` does
    one: the originals of corrections are read in one query, and each distinct amount and reason is formatted
    once (a statement repeats the same few amounts and reasons; CLDR formatting is the cost of a long one)."""
    entries = list(entries)
    wanted = {e.transaction.params.get("of") for e in entries if e.transaction.reason == "reversal"}
    wanted = {pk for pk in wanted if isinstance(pk, int)}
    originals = Transaction.objects.in_bulk(wanted) if wanted else {}
    amounts: dict[tuple[str, str, str, bool], str] = {}
    texts: dict[tuple, str] = {}

    def amount_text(value: Decimal, account: Account, signed: bool) -> str:
        key = (str(value), account.kind, account.currency, signed)
        if key not in amounts:
            amounts[key] = format_amount(value, account, signed=signed)
        return amounts[key]

    def why(record: Transaction) -> str:
        try:
            key: tuple = (record.reason, tuple(sorted(record.params.items())))
            hash(key)
        except (AttributeError, TypeError):
            return reason_text(record, originals)
        if key not in texts:
            texts[key] = reason_text(record, originals)
        return texts[key]

    found = []
    for entry in entries:
        amount = amount_text(entry.amount, entry.account, True)
        found.append(Explained(entry, f"{amount}: {why(entry.transaction)}", amount,
                               amount_text(entry.balance_after, entry.account, False)))
    return found
