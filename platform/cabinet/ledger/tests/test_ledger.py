"""The ledger's rules: balanced double entry, balances equal to their entries, limits, idempotency, reversals,
the database refusing changes to history, reasons in the reader's language, statements and reconciliation."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone, translation
from django_tenants.utils import tenant_context

from cabinet.ledger import reconciliation, selectors, services
from cabinet.ledger.models import Account, Entry, Kind, Transaction

D = Decimal


def top_up(customer, amount, currency="RUB", key=""):
    card = services.business_account(name="card", kind=Kind.MONEY, currency=currency)
    account = services.customer_account(customer=customer, kind=Kind.MONEY, currency=currency)
    return services.post_transaction(lines=[(card, -D(amount)), (account, D(amount))], reason="topup",
                                     params={"amount": str(amount), "currency": currency}, idempotency_key=key)


def spend(customer, amount, currency="RUB", number=1):
    revenue = services.business_account(name="revenue", kind=Kind.MONEY, currency=currency)
    account = services.customer_account(customer=customer, kind=Kind.MONEY, currency=currency)
    return services.post_transaction(lines=[(account, -D(amount)), (revenue, D(amount))], reason="order_payment",
                                     params={"number": number}, cause=("orders.order", number))


def test_a_top_up_moves_value_without_creating_any(in_alpha, make_customer):
    customer = make_customer()
    record = top_up(customer, "500.00")
    assert selectors.balance(customer=customer, kind=Kind.MONEY, currency="RUB") == D("500.00")
    assert sum(e.amount for e in record.entries.all()) == 0
    assert selectors.business_balance(name="card", kind=Kind.MONEY, currency="RUB") <= D("-500.00")
    assert reconciliation.reconcile(record=False).differences == []


def test_lines_that_do_not_balance_are_never_posted(in_alpha, make_customer):
    customer = make_customer()
    account = services.customer_account(customer=customer, kind=Kind.MONEY, currency="RUB")
    card = services.business_account(name="card", kind=Kind.MONEY, currency="RUB")
    before = Transaction.objects.count()
    with pytest.raises(services.UnbalancedTransaction):
        services.post_transaction(lines=[(card, D("-10")), (account, D("11"))], reason="topup", params={})
    eur = services.customer_account(customer=customer, kind=Kind.MONEY, currency="EUR")
    with pytest.raises(services.UnbalancedTransaction):  # roubles out, euros in: two sums, neither zero
        services.post_transaction(lines=[(card, D("-10")), (eur, D("10"))], reason="topup", params={})
    with pytest.raises(TypeError):
        services.post_transaction(lines=[(card, -10.0), (account, 10.0)], reason="topup", params={})
    with pytest.raises(ValueError):
        services.post_transaction(lines=[(card, D("-0.001")), (account, D("0.001"))], reason="topup", params={})
    with pytest.raises(ValueError):
        services.customer_account(customer=customer, kind=Kind.MONEY, currency="XYZ")
    assert Transaction.objects.count() == before
    assert services.customer_account(customer=customer, kind=Kind.MONEY, currency="RUB").balance == 0


def test_a_customer_cannot_spend_more_than_the_balance_and_the_credit_limit(in_alpha, make_customer):
    customer = make_customer()
    top_up(customer, "100.00")
    with pytest.raises(services.InsufficientFunds) as refused:
        spend(customer, "100.01")
    assert "100" in refused.value.messages[0]
    account = services.customer_account(customer=customer, kind=Kind.MONEY, currency="RUB")
    assert account.balance == D("100.00") and account.entries.count() == 1
    services.set_credit_limit(account=account, limit=D("50"))
    spend(customer, "150.00")
    assert selectors.balance(customer=customer, kind=Kind.MONEY, currency="RUB") == D("-50.00")
    with pytest.raises(services.InsufficientFunds):
        spend(customer, "0.01")
    with pytest.raises(ValidationError):  # a limit under what is owed already
        services.set_credit_limit(account=account, limit=D("10"))


def test_the_database_keeps_a_customer_within_the_limit_whatever_the_code_does(in_alpha, make_customer):
    customer = make_customer()
    account = services.customer_account(customer=customer, kind=Kind.MONEY, currency="RUB")
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=account.pk).update(balance=D("-1"))


def test_history_cannot_be_changed_or_deleted_in_the_database(in_alpha, make_customer):
    customer = make_customer()
    record = top_up(customer, "10.00")
    entry = record.entries.first()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(amount=D("1000"))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_transaction SET reason = 'topup' WHERE id = %s", [record.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_transaction WHERE id = %s", [record.pk])
    assert Entry.objects.get(pk=entry.pk).amount == entry.amount


def test_every_business_schema_has_the_guard(alpha, beta):
    """Businesses are copies of a template schema: the trigger must be in each copy, not only in the template."""
    for tenant in (alpha, beta):
        with tenant_context(tenant), connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                           "JOIN pg_namespace n ON n.oid = c.relnamespace "
                           "WHERE n.nspname = %s AND t.tgname LIKE 'ledger_%%append_only'", [tenant.schema_name])
            assert cursor.fetchone()[0] == 2


def test_an_idempotency_key_posts_once(in_alpha, make_customer):
    customer = make_customer()
    first = top_up(customer, "70.00", key="payment:pi_123")
    again = top_up(customer, "70.00", key="payment:pi_123")
    assert again.pk == first.pk
    assert selectors.balance(customer=customer, kind=Kind.MONEY, currency="RUB") == D("70.00")


def test_a_reversal_mirrors_the_original_once(in_alpha, make_customer):
    customer = make_customer()
    original = top_up(customer, "40.00")
    reversal = services.reverse_transaction(transaction=original)
    assert services.reverse_transaction(transaction=original).pk == reversal.pk
    assert reversal.reverses_id == original.pk
    assert selectors.balance(customer=customer, kind=Kind.MONEY, currency="RUB") == 0
    with translation.override("en"):
        assert selectors.describe(reversal.entries.get(account__owner=customer)).startswith("−")
        assert "correction of: top-up by card" in selectors.describe(reversal)


def test_a_reversal_of_money_already_spent_is_refused(in_alpha, make_customer):
    customer = make_customer()
    original = top_up(customer, "40.00")
    spend(customer, "30.00")
    with pytest.raises(services.InsufficientFunds):
        services.reverse_transaction(transaction=original)


def test_each_entry_is_explained_in_the_readers_language(in_alpha, make_customer):
    customer = make_customer()
    top_up(customer, "2400.00")
    entry = spend(customer, "500.00", number=1042).entries.get(account__owner=customer)
    points = services.customer_account(customer=customer, kind=Kind.POINTS)
    issued = services.business_account(name="points-issued", kind=Kind.POINTS)
    earned = services.post_transaction(lines=[(issued, D("-120")), (points, D("120"))], reason="earn_order",
                                       params={"number": 1042}).entries.get(account=points)
    def described(item):  # CLDR puts a no-break space between amount and currency sign
        return selectors.describe(item).replace("\xa0", " ")

    with translation.override("en"):
        assert described(entry) == "−RUB500.00: paid order #1042"
        assert selectors.describe(earned) == "+120 points: order #1042"
    with translation.override("ru"):
        assert described(entry) == "−500,00 ₽: оплата заказа №1042"
        assert selectors.describe(earned) == "+120 баллов: заказ №1042"
    with translation.override("uk"):
        assert selectors.describe(earned) == "+120 балів: замовлення №1042"


def test_a_statement_has_opening_entries_and_closing_balance(in_alpha, make_customer):
    customer = make_customer()
    top_up(customer, "100.00")
    start = timezone.now()
    spend(customer, "30.00")
    top_up(customer, "5.00")
    end = timezone.now()
    spend(customer, "1.00")
    result = selectors.statement(customer=customer, currency="RUB", since=start, until=end)
    assert result.opening == D("100.00") and result.closing == D("75.00")
    assert [e.amount for e in result.entries] == [D("-30.00"), D("5.00")]
    assert (result.credited, result.debited) == (D("5.00"), D("30.00"))


def test_reconciliation_finds_a_tampered_balance(in_alpha, make_customer):
    customer = make_customer()
    top_up(customer, "10.00")
    account = services.customer_account(customer=customer, kind=Kind.MONEY, currency="RUB")
    Account.objects.filter(pk=account.pk).update(balance=D("11.00"))  # behind the ledger's back
    found = reconciliation.reconcile(record=False).differences
    assert [d.get("account") for d in found] == [account.pk]


def test_one_business_never_sees_anothers_accounts(alpha, beta):
    from django.contrib.auth import get_user_model

    with tenant_context(alpha):
        customer = get_user_model().objects.create_user("iso@ledger.test", "Customer-Pass-42")
        top_up(customer, "10.00")
        mine = Account.objects.count()
    with tenant_context(beta):
        assert not Account.objects.filter(owner__email="iso@ledger.test").exists()
        assert Account.objects.count() != mine or Entry.objects.filter(amount=D("10.00")).count() == 0


def test_a_customer_sees_only_their_own_entries(in_alpha, make_customer):
    one, other = make_customer(), make_customer()
    top_up(one, "10.00")
    top_up(other, "20.00")
    assert [e.amount for e in selectors.transactions(customer=one)] == [D("10.00")]
    assert [a.owner_id for a in selectors.balances(customer=other)] == [other.pk]
