"""Reads of the wallet: a customer's balances and entries (filtered, each explained in the reader's language)
and a period's statement, all through the ledger's selectors."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone

from cabinet.ledger import selectors as ledger
from cabinet.ledger.models import Account, CreditLimitChange, Entry, Kind

Line = ledger.Explained  # entry, text ("+500,00 ₽: top-up by card", in the active language), amount, balance_after
STATEMENT_PAGE_SIZE = 100


def balances(*, customer) -> list[dict]:
    """Each account of the customer as {"account", "kind", "label", "balance", "credit_limit"} (formatted)."""
    found = []
    for account in ledger.balances(customer=customer):
        found.append({"account": account, "kind": account.kind, "label": account.get_kind_display(),
                      "currency": account.currency,
                      "balance": ledger.format_amount(account.balance, account, signed=False),
                      "credit_limit": (ledger.format_amount(account.credit_limit, account, signed=False)
                                       if account.credit_limit else "")})
    return found


def limit_changes(*, customer, limit: int = 20) -> list[dict]:
    """The latest changes of the customer's credit limits, newest first: who, when, from and to (formatted)."""
    found = (CreditLimitChange.objects.filter(account__owner=customer).select_related("account", "actor")
             .order_by("-changed_at", "-id")[:limit])
    return [{"change": change, "changed_at": change.changed_at, "actor": change.actor,
             "label": change.account.get_kind_display(), "currency": change.account.currency,
             "previous": ledger.format_amount(change.previous, change.account, signed=False),
             "limit": ledger.format_amount(change.limit, change.account, signed=False)} for change in found]


def money_balance(*, customer) -> str:
    """The first money balance formatted ("1 200,00 ₽"), or "" when the customer has none."""
    account = Account.objects.filter(owner=customer, kind=Kind.MONEY).order_by("currency").first()
    return ledger.format_amount(account.balance, account, signed=False) if account else ""


def currencies(*, customer) -> list[str]:
    return sorted(set(Account.objects.filter(owner=customer, kind=Kind.MONEY).values_list("currency", flat=True)))


def day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def entries(*, customer, kind: str = "", since: datetime.date | None = None,
            until: datetime.date | None = None) -> QuerySet[Entry]:
    """The customer's entries newest first; `until` is inclusive (the whole day)."""
    return ledger.transactions(customer=customer, kind=kind or None,
                               since=day_start(since) if since else None,
                               until=day_start(until + datetime.timedelta(days=1)) if until else None)


def explain(items) -> list[Line]:
    return ledger.explain_entries(items)


@dataclass(frozen=True)
class StatementView:
    statement: ledger.Statement
    page: Page  # of the period's entries, oldest first
    lines: list[Line]  # the page's entries explained
    opening: str
    closing: str
    credited: str
    debited: str
    first_day: datetime.date
    last_day: datetime.date


def statement(*, customer, currency: str, first_day: datetime.date, last_day: datetime.date,
              page: int | str | None = 1, per_page: int = STATEMENT_PAGE_SIZE) -> StatementView:
    """The reconciliation statement of the customer's money in `currency` for the days first..last inclusive:
    the figures of the whole period and one page of its entries (a bad page number: the nearest page)."""
    found = ledger.statement(customer=customer, currency=currency, since=day_start(first_day),
                             until=day_start(last_day + datetime.timedelta(days=1)))
    account = Account(kind=Kind.MONEY, currency=currency)

    def money(value: Decimal) -> str:
        return ledger.format_amount(value, account, signed=False)

    paginator = Paginator(found.entries, per_page)
    paginator.count = found.count  # counted with the totals already  # type: ignore[misc]
    shown = paginator.get_page(page)
    return StatementView(found, shown, explain(shown.object_list), money(found.opening), money(found.closing),
                         money(found.credited), money(found.debited), first_day, last_day)


def all_lines(found: StatementView, *, chunk: int = 2000) -> Iterator[Line]:
    """Every entry of the period explained, oldest first, read in chunks of `chunk` (the PDF of a long period)."""
    batch: list[Entry] = []
    for entry in found.statement.entries.iterator(chunk_size=chunk):
        batch.append(entry)
        if len(batch) == chunk:
            yield from explain(batch)
            batch = []
    yield from explain(batch)
