"""Many spenders at once on committed data, each thread on its own database connection, and the append-only
guard of a freshly cloned business schema. Ledger rows cannot be deleted (that is the point), so each test
works in a schema of its own, cloned from the template the way a new business's is, and drops it afterwards;
these tests therefore use no rolled-back test transaction."""

import secrets
import threading
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import DatabaseError, connection, connections, transaction
from django_tenants.utils import schema_context

from cabinet.ledger import reconciliation, services
from cabinet.ledger.models import Account, Entry, Kind, Transaction
from tenants.services import clone_template, drop_schema

D = Decimal
SPENDERS = 50


@pytest.fixture
def cloned_schema(django_db_setup, django_db_blocker):
    """A new schema cloned from the template and committed; dropped with everything in it afterwards."""
    name = f"t_ledger_{secrets.token_hex(4)}"
    with django_db_blocker.unblock():
        with transaction.atomic():
            clone_template(name)
        connection.set_schema_to_public()
        try:
            yield name, django_db_blocker
        finally:
            connections.close_all()
            connection.set_schema_to_public()
            drop_schema(name)


def test_fifty_threads_spending_one_balance_at_once_never_overdraw(cloned_schema):
    schema, blocker = cloned_schema
    with blocker.unblock(), schema_context(schema):
        customer = get_user_model().objects.create(email="racer@ledger.test", password=make_password(None))
        account = services.customer_account(customer=customer, kind=Kind.MONEY, currency="RUB")
        card = services.business_account(name="card", kind=Kind.MONEY, currency="RUB")
        revenue = services.business_account(name="revenue", kind=Kind.MONEY, currency="RUB")
        services.post_transaction(lines=[(card, D("-100.00")), (account, D("100.00"))], reason="topup",
                                  params={"amount": "100.00", "currency": "RUB"})
        services.set_credit_limit(account=account, limit=D("20.00"))
    # 50 × 7.00 = 350 asked for, 120 available (100 + a limit of 20): exactly 17 spends fit.
    start = threading.Barrier(SPENDERS)
    outcomes: list[object] = []

    def spender(number: int) -> None:
        try:
            with schema_context(schema):
                mine = Account.objects.get(pk=account.pk)
                theirs = Account.objects.get(pk=revenue.pk)
                start.wait()
                try:
                    outcomes.append(services.post_transaction(
                        lines=[(mine, D("-7.00")), (theirs, D("7.00"))], reason="order_payment",
                        params={"number": number}))
                except services.InsufficientFunds as refusal:
                    outcomes.append(refusal)
        except Exception as problem:  # noqa: BLE001 - reported by the assertions, never lost in the thread
            outcomes.append(problem)
        finally:
            connections.close_all()

    with blocker.unblock():
        threads = [threading.Thread(target=spender, args=(n,)) for n in range(SPENDERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a spend hung (lock wait?)"
    crashed = [o for o in outcomes if not isinstance(o, Transaction | services.InsufficientFunds)]
    assert not crashed
    posted = [o for o in outcomes if isinstance(o, Transaction)]
    assert len(outcomes) == SPENDERS and len(posted) == 17
    with blocker.unblock(), schema_context(schema):
        account.refresh_from_db()
        assert account.balance == D("100.00") - 17 * D("7.00") == D("-19.00")
        assert account.balance >= -account.credit_limit
        assert sum(Entry.objects.filter(account=account).values_list("amount", flat=True)) == account.balance
        assert [e.balance_after for e in Entry.objects.filter(account=account).order_by("id")][-1] == account.balance
        assert reconciliation.reconcile(record=False).differences == []


def test_a_cloned_schema_refuses_changes_with_its_own_guard(cloned_schema):
    """The clone's triggers call a function of the clone, not the template's (which a later migration of the
    template could change or drop under every business), and the database refuses UPDATE and DELETE there."""
    schema, blocker = cloned_schema
    with blocker.unblock(), schema_context(schema):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname, tn.nspname, p.proname, pn.nspname FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace tn ON tn.oid = c.relnamespace "
                "JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace pn ON pn.oid = p.pronamespace "
                "WHERE tn.nspname = %s AND t.tgname LIKE 'ledger_%%append_only' ORDER BY c.relname", [schema])
            found = cursor.fetchall()
        assert found == [("ledger_entry", schema, "ledger_refuse_change", schema),
                         ("ledger_transaction", schema, "ledger_refuse_change", schema)]
        customer = get_user_model().objects.create(email="guard@ledger.test", password=make_password(None))
        account = services.customer_account(customer=customer, kind=Kind.MONEY, currency="RUB")
        card = services.business_account(name="card", kind=Kind.MONEY, currency="RUB")
        record = services.post_transaction(lines=[(card, D("-5.00")), (account, D("5.00"))], reason="topup",
                                           params={"amount": "5.00", "currency": "RUB"})
        entry = record.entries.get(account=account)
        with pytest.raises(DatabaseError, match="append-only: UPDATE on ledger_entry"), transaction.atomic():
            Entry.objects.filter(pk=entry.pk).update(amount=D("500.00"))
        with pytest.raises(DatabaseError, match="append-only: DELETE on ledger_entry"), transaction.atomic():
            Entry.objects.filter(pk=entry.pk).delete()
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM ledger_transaction WHERE id = %s", [record.pk])
        assert Entry.objects.get(pk=entry.pk).amount == D("5.00")
