"""Recomputes every balance of the current schema from its entries, in two aggregate queries: an account whose
cached balance differs from the sum of its entries (or from its last entry's balance_after), and a transaction
whose entries do not sum to zero per kind and currency. The answer must be no difference at all."""

from __future__ import annotations

import logging

from django.db import connection

from cabinet.ledger.models import Account, ReconciliationRun
from cabinet.tenancy import current_schema

logger = logging.getLogger("cabinet.ledger")

_ACCOUNTS_SQL = """
SELECT a.id, a.balance, COALESCE(s.total, 0), s.last_balance
FROM ledger_account a
LEFT JOIN (
    SELECT account_id, SUM(amount) AS total,
           (ARRAY_AGG(balance_after ORDER BY created_at DESC, id DESC))[1] AS last_balance
    FROM ledger_entry GROUP BY account_id
) s ON s.account_id = a.id
WHERE a.balance <> COALESCE(s.total, 0) OR (s.last_balance IS NOT NULL AND s.last_balance <> a.balance)
"""
_TRANSACTIONS_SQL = """
SELECT e.transaction_id, a.kind, a.currency, SUM(e.amount)
FROM ledger_entry e JOIN ledger_account a ON a.id = e.account_id
GROUP BY e.transaction_id, a.kind, a.currency HAVING SUM(e.amount) <> 0
"""


def reconcile(*, record: bool = True) -> ReconciliationRun:
    """Checks the ledger of the current schema; returns (and, with `record`, keeps) what it found."""
    differences = []
    with connection.cursor() as cursor:
        cursor.execute(_ACCOUNTS_SQL)
        for account_id, cached, total, last in cursor.fetchall():
            differences.append({"account": account_id, "cached": str(cached), "entries": str(total),
                                "last_balance_after": None if last is None else str(last)})
        cursor.execute(_TRANSACTIONS_SQL)
        for transaction_id, kind, currency, total in cursor.fetchall():
            differences.append({"transaction": transaction_id, "kind": kind, "currency": currency,
                                "sum": str(total)})
    run = ReconciliationRun(checked_accounts=Account.objects.count(), differences=differences)
    if differences:
        logger.error("Ledger of %s: %d differences: %s", current_schema(), len(differences), differences[:10])
    if record:
        run.save()
    return run


def last_run() -> ReconciliationRun | None:
    return ReconciliationRun.objects.order_by("-finished_at", "-id").first()
