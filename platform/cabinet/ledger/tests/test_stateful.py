"""A state machine over earn, spend, refund, expire, adjust and top-up, with credit limits set and changed, for
several customers in money (two currencies) and points, against the real database of the alpha business.
After every step: no value is created or lost (every kind and currency sums to zero over all accounts), every
balance equals the sum of its entries and its last entry's balance_after, no customer's account is below its
limit, and every balance is what a plain model of the rules predicts (a refused step changes nothing). The
business's accounts are spread over shards by the ledger: each shard row is checked as every row is, and the
model's figure of a business account is the sum of its shards.

The default run stays well under a minute; `LEDGER_STATEFUL=thorough` runs many more and longer programs."""

import itertools
import os
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from cabinet.ledger import services
from cabinet.ledger.models import Account, Entry, Kind, Transaction

D = Decimal
CUSTOMERS = 3
MONEY = ("RUB", "EUR")
THOROUGH = os.environ.get("LEDGER_STATEFUL") == "thorough"
RUN = settings(max_examples=300 if THOROUGH else 10, stateful_step_count=60 if THOROUGH else 20,
               deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
_machines = itertools.count()

cents = st.integers(min_value=1, max_value=50_000).map(lambda c: D(c) / 100)
points = st.integers(min_value=1, max_value=2_000).map(D)
customer_index = st.integers(min_value=0, max_value=CUSTOMERS - 1)
currency = st.sampled_from(MONEY)


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        # Every program runs in a savepoint of the test's transaction and is rolled back at teardown.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        number = next(_machines)
        User = get_user_model()
        self.customers = [User.objects.create(email=f"machine{number}-{n}@ledger.test", password=make_password(None))
                          for n in range(CUSTOMERS)]
        self.house = {}  # the business's own accounts, named per program so earlier programs never mix in
        for name, kind, cur in [("card", Kind.MONEY, c) for c in MONEY] + [("revenue", Kind.MONEY, c) for c in MONEY] \
                + [("adjustments", Kind.MONEY, c) for c in MONEY] + [("points-issued", Kind.POINTS, ""),
                                                                     ("points-expired", Kind.POINTS, ""),
                                                                     ("adjustments", Kind.POINTS, "")]:
            self.house[(name, kind, cur)] = services.business_account(name=f"{name}-m{number}", kind=kind,
                                                                      currency=cur)
        self.accounts = {}  # (customer index, kind, currency) -> Account
        for n, customer in enumerate(self.customers):
            for cur in MONEY:
                self.accounts[(n, Kind.MONEY, cur)] = services.customer_account(customer=customer, kind=Kind.MONEY,
                                                                                currency=cur)
            self.accounts[(n, Kind.POINTS, "")] = services.customer_account(customer=customer, kind=Kind.POINTS)
        self.expected = {account.pk: D("0") for account in [*self.house.values(), *self.accounts.values()]}
        self.limits = {account.pk: D("0") for account in self.accounts.values()}
        self.spends: list[tuple[Transaction, int, D]] = []  # spend, customer account, amount
        self.refunded: set[int] = set()

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def all_accounts(self):
        """Every row of the program: the customers' accounts and every shard of the business's."""
        return list(Account.objects.filter(Q(owner__in=self.customers)
                                           | Q(owner__isnull=True, name__in=[a.name for a in self.house.values()])))

    def model_key(self, account: Account) -> int:
        """The model's key of a row: the account itself, or for a shard, the business account it is part of."""
        if account.is_customers:
            return account.pk
        return next(a.pk for a in self.house.values()
                    if (a.name, a.kind, a.currency) == (account.name, account.kind, account.currency))

    def post(self, customer_account: Account, other: Account, amount: D, reason: str, params: dict):
        """Moves `amount` to the customer's account from `other` (negative: from the customer to `other`) and
        checks that the ledger accepted or refused it exactly as the rules say."""
        allowed = self.expected[customer_account.pk] + amount >= -self.limits[customer_account.pk]
        try:
            record = services.post_transaction(lines=[(other, -amount), (customer_account, amount)],
                                               reason=reason, params=params)
        except services.InsufficientFunds:
            assert not allowed and amount < 0, "a movement within the limit was refused"
            return None
        assert allowed, "a customer went below the limit"
        self.expected[customer_account.pk] += amount
        self.expected[other.pk] -= amount
        return record

    @rule(who=customer_index, cur=currency, amount=cents)
    def top_up(self, who, cur, amount):
        self.post(self.accounts[(who, Kind.MONEY, cur)], self.house[("card", Kind.MONEY, cur)], amount, "topup",
                  {"amount": str(amount), "currency": cur})

    @rule(who=customer_index, cur=currency, amount=cents)
    def spend(self, who, cur, amount):
        account = self.accounts[(who, Kind.MONEY, cur)]
        record = self.post(account, self.house[("revenue", Kind.MONEY, cur)], -amount, "order_payment",
                           {"number": len(self.spends) + 1})
        if record is not None:
            self.spends.append((record, account.pk, amount))

    @precondition(lambda self: self.spends)
    @rule(pick=st.integers(min_value=0, max_value=10**6))
    def refund(self, pick):
        """Takes a spend back (its reversal; a second refund of the same spend returns the first)."""
        record, account_id, amount = self.spends[pick % len(self.spends)]
        reversal = services.reverse_transaction(transaction=record)
        if record.pk in self.refunded:
            assert Transaction.objects.filter(reverses=record).count() == 1
            return
        self.refunded.add(record.pk)
        assert reversal.reverses_id == record.pk
        self.expected[account_id] += amount
        revenue = Entry.objects.get(transaction=record, amount=amount).account
        self.expected[self.model_key(revenue)] -= amount

    @rule(who=customer_index, amount=points)
    def earn(self, who, amount):
        self.post(self.accounts[(who, Kind.POINTS, "")], self.house[("points-issued", Kind.POINTS, "")], amount,
                  "earn_order", {"number": 1})

    @rule(who=customer_index, amount=points)
    def spend_points(self, who, amount):
        self.post(self.accounts[(who, Kind.POINTS, "")], self.house[("points-issued", Kind.POINTS, "")], -amount,
                  "spend_order", {"number": 1})

    @rule(who=customer_index, amount=points)
    def expire(self, who, amount):
        self.post(self.accounts[(who, Kind.POINTS, "")], self.house[("points-expired", Kind.POINTS, "")], -amount,
                  "expiry", {})

    @rule(who=customer_index, cur=st.sampled_from((*MONEY, "")), amount=cents, take=st.booleans())
    def adjust(self, who, cur, amount, take):
        kind = Kind.POINTS if cur == "" else Kind.MONEY
        amount = amount.to_integral_value() or D("1") if kind == Kind.POINTS else amount
        self.post(self.accounts[(who, kind, cur)], self.house[("adjustments", kind, cur)],
                  -amount if take else amount, "adjustment", {"note": "machine"})

    @rule(who=customer_index, cur=st.sampled_from((*MONEY, "")), limit=st.integers(min_value=0, max_value=30_000))
    def set_limit(self, who, cur, limit):
        kind = Kind.POINTS if cur == "" else Kind.MONEY
        account = self.accounts[(who, kind, cur)]
        value = D(limit) / 100
        try:
            services.set_credit_limit(account=account, limit=value)
        except ValidationError:
            assert self.expected[account.pk] < -value, "a limit above the debt was refused"
            return
        assert self.expected[account.pk] >= -value, "a limit below the debt was accepted"
        self.limits[account.pk] = value

    @invariant()
    def no_value_created_or_lost(self):
        sums = (Entry.objects.filter(account__in=self.all_accounts())
                .values("account__kind", "account__currency").annotate(total=Sum("amount")))
        assert all(row["total"] == 0 for row in sums), list(sums)
        by_kind: dict[tuple[str, str], D] = {}
        for account in self.all_accounts():
            by_kind[(account.kind, account.currency)] = by_kind.get((account.kind, account.currency), D(0)) + \
                account.balance
        assert all(total == 0 for total in by_kind.values()), by_kind

    @invariant()
    def every_balance_is_the_sum_of_its_entries_and_within_its_limit(self):
        rows = self.all_accounts()
        totals = dict(Entry.objects.filter(account__in=rows).values_list("account").annotate(total=Sum("amount")))
        modelled: dict[int, D] = {}
        for account in rows:
            modelled[self.model_key(account)] = modelled.get(self.model_key(account), D("0")) + account.balance
        assert modelled == self.expected
        for account in rows:
            assert account.balance == totals.get(account.pk, D("0")), account
            last = Entry.objects.filter(account=account).order_by("-created_at", "-id").first()
            assert last is None or last.balance_after == account.balance
            if account.is_customers:
                assert account.credit_limit == self.limits[account.pk]
                assert account.balance >= -account.credit_limit


def test_no_program_of_ledger_operations_creates_loses_or_overdraws_value(in_alpha):
    run_state_machine_as_test(LedgerMachine, settings=RUN)
