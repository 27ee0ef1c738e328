"""Gapless per-tenant numbers (orders 1, 2, 3 …; invoices the same), from a one-row counter table.

`take_number` must run inside the transaction that writes what the number names. The counter row stays
locked until that transaction ends, so a rolled-back one gives its number back and numbers never skip or
repeat; concurrent writers queue on the row. Take the number as late as possible in the transaction: the
lock is held from there to the commit."""

from django.db import transaction

from ..models import InvoiceCounter, OrderCounter


def take_number(counter: type[OrderCounter] | type[InvoiceCounter]) -> int:
    """The next number of the counter model's row pk=1 (made on first use)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take a number inside the transaction that uses it")
    # INSERT ... ON CONFLICT DO NOTHING: a missing counter row is made once, whoever comes first.
    counter.objects.bulk_create([counter(pk=1, last_number=0)], ignore_conflicts=True)  # type: ignore[list-item]
    row = counter.objects.select_for_update().get(pk=1)
    row.last_number += 1
    row.save(update_fields=["last_number"])
    return row.last_number
