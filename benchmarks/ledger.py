#!/usr/bin/env python
"""The ledger at scale: 1 000 000 entries over 10 000 customers in one business.

    .venv/bin/python benchmarks/ledger.py [--entries 1000000] [--customers 10000] [--spenders 50] [--seconds 10]

Set-up (not timed): embedded PostgreSQL and Redis in a temporary directory (unless DATABASE_URL / REDIS_URL are
set), a business, its customers, and the ledger bulk-loaded in the database with INSERT … SELECT: half the
entries are customers' sides of top-ups (+100.00) and payments (−60.00), half the business's (card, revenue);
every entry's balance_after is the running sum of its account, and each account's balance the sum of its
entries, so reconciliation must find nothing. Only INSERTs: the append-only triggers stay on. One customer has
10 000 entries of their own (a year of history); the others share the rest.

Measured:
  * balance read: `ledger.selectors.balance` for random customers;
  * statement page of the customer with 10 000 entries, as the wallet shows it: the first page of their
    explained entries (25 and the count) and the statement of the last 30 days (opening, credited, debited and
    closing of the whole period, its first page of 100 entries explained);
  * the PDF of their statement of the last year (all 10 000 lines; printed only);
  * spends: `--spenders` spenders at once, each on its own connection, spread over `--processes` processes (threads
    of one Python process would queue on its interpreter lock), paying for orders from 100 customers for
    `--seconds` (many refused as balances run out); afterwards no customer account is below its limit;
  * `manage.py reconcile_ledger` over every account of the business.

Targets (2 cores): balance read p95 < 10 ms; statement page p95 < 100 ms; ≥ 200 spends per second with
0 overdrafts; reconcile_ledger < 60 s with 0 differences. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import random
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]  # http.py here is not the stdlib's
ROOT = _HERE.parent
for _path in (ROOT, ROOT / "platform"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from benchmarks._services import bench_business, percentile, start_platform, with_services  # noqa: E402

SLUG = "bench-ledger"
TARGET_BALANCE_P95_MS = 10.0
TARGET_STATEMENT_P95_MS = 100.0
TARGET_SPENDS_PER_S = 200.0
TARGET_RECONCILE_S = 60.0
HEAVY_ENTRIES = 10_000


# --- data ---------------------------------------------------------------------------------------------

def seed(customers: int, entries: int) -> tuple[list[int], int]:
    """Customers with one rouble account each and `entries` entries in all; returns (customer ids, the heavy
    customer's id)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from cabinet.ledger import services
    from cabinet.ledger.models import Account, Entry, Kind

    User = get_user_model()
    password = make_password(None)
    User.objects.bulk_create([User(email=f"payer{i:05d}@bench.example.com", full_name=f"Payer {i:05d}",
                                   password=password, role="customer") for i in range(customers)], batch_size=2000)
    ids = list(User.objects.filter(role="customer", email__endswith="@bench.example.com")
               .order_by("id").values_list("id", flat=True))
    card = services.business_account(name="card", kind=Kind.MONEY, currency="RUB")
    revenue = services.business_account(name="revenue", kind=Kind.MONEY, currency="RUB")
    transactions = entries // 2
    heavy_count = min(HEAVY_ENTRIES, transactions)
    others = max(len(ids) - 1, 1)
    with transaction.atomic(), connection.cursor() as cursor:
        users = connection.ops.quote_name(User._meta.db_table)
        cursor.execute(  # a quoted table name is the only thing formatted in
            "INSERT INTO ledger_account (owner_id, name, kind, currency, balance, credit_limit, created_at) "  # noqa: S608
            f"SELECT id, '', 'money', 'RUB', 0, 0, now() - interval '400 days' FROM {users} WHERE id = ANY(%s)", [ids])
        # The plan: each customer's n-th transaction (odd: top-up +100.00, even: payment −60.00, so balances
        # only grow), ordered in time across customers; k numbers the transactions, one second apart.
        cursor.execute("""
            CREATE TEMP TABLE plan ON COMMIT DROP AS
            WITH counts AS (
                SELECT a.id AS account_id,
                       CASE WHEN a.owner_id = %(heavy)s THEN %(heavy_count)s
                            ELSE (%(rest)s / %(others)s) + CASE WHEN rn <= %(rest)s %% %(others)s THEN 1 ELSE 0 END
                       END AS n
                FROM (SELECT id, owner_id, row_number() OVER (ORDER BY id) - 1 AS rn
                      FROM ledger_account WHERE owner_id IS NOT NULL) a
            )
            SELECT account_id, seq, row_number() OVER (ORDER BY seq::float / n, account_id) AS k,
                   CASE WHEN seq %% 2 = 1 THEN 100.00 ELSE -60.00 END::numeric(18, 2) AS amount
            FROM counts, generate_series(1, n) AS seq
        """, {"heavy": ids[0], "heavy_count": heavy_count, "rest": transactions - heavy_count, "others": others})
        cursor.execute("SELECT count(*) FROM plan")
        (planned,) = cursor.fetchone()
        cursor.execute("SELECT coalesce(max(id), 0) FROM ledger_transaction")
        (base,) = cursor.fetchone()
        step = 365.0 * 86400 / max(planned, 1)  # seconds between two transactions: a year in all, ending now
        start = f"now() - interval '60 seconds' - interval '1 second' * {step * (planned + 1)}"
        cursor.execute(f"""
            INSERT INTO ledger_transaction (id, reason, params, cause_type, cause_id, created_at)
            SELECT %(base)s + k, CASE WHEN amount > 0 THEN 'topup' ELSE 'order_payment' END,
                   CASE WHEN amount > 0 THEN '{{"amount": "100.00", "currency": "RUB"}}'::jsonb
                        ELSE jsonb_build_object('number', k) END,
                   CASE WHEN amount > 0 THEN '' ELSE 'orders.order' END, CASE WHEN amount > 0 THEN '' ELSE k::text END,
                   {start} + k * interval '1 second' * {step}
            FROM plan
        """, {"base": base})  # noqa: S608 - numbers only
        cursor.execute("SELECT setval(pg_get_serial_sequence('ledger_transaction', 'id'), "
                       "(SELECT max(id) FROM ledger_transaction))")
        cursor.execute("""
            INSERT INTO ledger_entry (transaction_id, account_id, amount, balance_after, created_at)
            SELECT %(base)s + p.k, p.account_id, p.amount,
                   sum(p.amount) OVER (PARTITION BY p.account_id ORDER BY p.seq), t.created_at
            FROM plan p JOIN ledger_transaction t ON t.id = %(base)s + p.k
        """, {"base": base})
        cursor.execute("""
            INSERT INTO ledger_entry (transaction_id, account_id, amount, balance_after, created_at)
            SELECT %(base)s + p.k, CASE WHEN p.amount > 0 THEN %(card)s ELSE %(revenue)s END, -p.amount,
                   sum(-p.amount) OVER (PARTITION BY p.amount > 0 ORDER BY p.k), t.created_at
            FROM plan p JOIN ledger_transaction t ON t.id = %(base)s + p.k
        """, {"base": base, "card": card.pk, "revenue": revenue.pk})
        cursor.execute("""
            UPDATE ledger_account a SET balance = s.total
            FROM (SELECT account_id, sum(amount) AS total FROM ledger_entry GROUP BY account_id) s
            WHERE s.account_id = a.id
        """)
        cursor.execute("ANALYZE ledger_account; ANALYZE ledger_entry; ANALYZE ledger_transaction")
    assert Entry.objects.filter(account__owner_id=ids[0]).count() == heavy_count
    assert Account.objects.filter(owner_id__in=ids).count() == len(ids)
    return ids, ids[0]


# --- measurements -------------------------------------------------------------------------------------

def time_balance_reads(ids: list[int], reads: int) -> list[float]:
    from django.contrib.auth import get_user_model

    from cabinet.ledger import selectors
    from cabinet.ledger.models import Kind

    User = get_user_model()
    people = [User(pk=pk) for pk in random.sample(ids, min(reads, len(ids)))]
    times = []
    for person in people:
        started = time.perf_counter()
        selectors.balance(customer=person, kind=Kind.MONEY, currency="RUB")
        times.append((time.perf_counter() - started) * 1000)
    return times


def time_statement_pages(heavy: int, pages: int) -> tuple[list[float], int, int]:
    """The wallet's page of a customer's entries (first page and count) and the statement of the last 30 days."""
    from django.contrib.auth import get_user_model
    from django.core.paginator import Paginator
    from django.utils import timezone, translation

    from cabinet.modules.wallet import selectors as wallet
    from cabinet.modules.wallet.views import PAGE_SIZE

    person = get_user_model().objects.get(pk=heavy)
    today = timezone.localdate()
    times, total, lines = [], 0, 0
    with translation.override("ru"):
        for number in range(pages):
            started = time.perf_counter()
            page = Paginator(wallet.entries(customer=person), PAGE_SIZE).get_page(1 + number % 3)
            wallet.explain(page.object_list)
            found = wallet.statement(customer=person, currency="RUB", first_day=today - datetime.timedelta(days=30),
                                     last_day=today)
            times.append((time.perf_counter() - started) * 1000)
            total, lines = page.paginator.count, found.statement.count
    return times, total, lines


def time_statement_pdf(heavy: int, runs: int) -> tuple[list[float], int, int]:
    """The PDF the wallet offers of the statement of the last year: every one of the heavy customer's lines."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone, translation

    from cabinet.modules.wallet import selectors as wallet
    from cabinet.modules.wallet.statement_pdf import render_statement_pdf

    person = get_user_model().objects.get(pk=heavy)
    today = timezone.localdate()
    times, lines, size = [], 0, 0
    with translation.override("ru"):
        for _run in range(runs):
            started = time.perf_counter()
            found = wallet.statement(customer=person, currency="RUB", first_day=today - datetime.timedelta(days=366),
                                     last_day=today)
            size = len(render_statement_pdf(found, customer=person))
            times.append((time.perf_counter() - started) * 1000)
            lines = found.statement.count
    return times, lines, size


def _spend_process(schema: str, accounts: list, revenue, numbers: list[int], start, stop_at, results) -> None:
    """One process of spenders: a thread per number in `numbers`, each on its own connection, paying for
    orders until `stop_at`; puts (posted, refused, errors) on `results`."""
    from django.contrib.auth import get_user_model
    from django.db import connections
    from django_tenants.utils import schema_context

    from cabinet.ledger import services

    done = {"posted": 0, "refused": 0, "errors": []}
    lock = threading.Lock()

    def spender(number: int) -> None:
        rng = random.Random(number)
        posted = refused = 0
        try:
            with schema_context(schema):
                get_user_model().objects.exists()  # connect before the clock starts
                start.wait()
                while time.monotonic() < stop_at.value:
                    account = rng.choice(accounts)
                    try:
                        services.post_transaction(lines=[(account, -Decimal("37.00")), (revenue, Decimal("37.00"))],
                                                  reason="order_payment", params={"number": number})
                        posted += 1
                    except services.InsufficientFunds:
                        refused += 1
        except Exception as problem:  # noqa: BLE001 - counted and shown; a benchmark thread must not die silently
            with lock:
                done["errors"].append(repr(problem))
        finally:
            with lock:
                done["posted"] += posted
                done["refused"] += refused
            connections.close_all()

    threads = [threading.Thread(target=spender, args=(n,)) for n in numbers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put((done["posted"], done["refused"], done["errors"]))


def run_spends(schema: str, ids: list[int], spenders: int, seconds: float, processes: int) -> dict:
    """`spenders` spenders at once, spread over `processes` processes (threads of one process would share its
    interpreter lock, and the driver rather than the ledger would be measured)."""
    import multiprocessing

    from django.db import connections
    from django_tenants.utils import schema_context

    from cabinet.ledger import services
    from cabinet.ledger.models import Account, Kind

    payers = ids[1:101]
    with schema_context(schema):
        accounts = list(Account.objects.filter(owner_id__in=payers, kind=Kind.MONEY, currency="RUB"))
        revenue = services.business_account(name="revenue", kind=Kind.MONEY, currency="RUB")
        for account in accounts[:50]:  # half the payers may go into debt up to a limit
            services.set_credit_limit(account=account, limit=Decimal("150.00"))
    connections.close_all()  # the processes start with no connection of ours
    context = multiprocessing.get_context("fork")
    start = context.Barrier(spenders + 1)
    stop_at = context.Value("d", float("inf"))  # set when all are ready
    results = context.Queue()
    processes = max(1, min(processes, spenders))
    groups = [list(range(spenders))[n::processes] for n in range(processes)]
    workers = [context.Process(target=_spend_process, args=(schema, accounts, revenue, group, start, stop_at, results))
               for group in groups]
    for worker in workers:
        worker.start()
    start.wait()
    began = time.monotonic()
    stop_at.value = began + seconds
    done = {"posted": 0, "refused": 0, "errors": []}
    for _worker in workers:
        posted, refused, errors = results.get()
        done["posted"] += posted
        done["refused"] += refused
        done["errors"] += errors
    wall = time.monotonic() - began
    for worker in workers:
        worker.join()
        if worker.exitcode:
            done["errors"].append(f"a spending process exited with {worker.exitcode}")
    with schema_context(schema):
        overdrawn = 0
        for account in Account.objects.filter(pk__in=[a.pk for a in accounts]):
            overdrawn += account.balance < -account.credit_limit
    done.update(wall=wall, overdrawn=overdrawn, per_second=(done["posted"] + done["refused"]) / wall)
    return done


def run(args, service_env: dict[str, str]) -> int:
    start_platform(service_env)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections
    from django_tenants.utils import tenant_context

    from cabinet.ledger.models import Entry

    tenant = bench_business(SLUG, "Benchmark Ledger", "resort")
    with tenant_context(tenant):
        started = time.perf_counter()
        ids, heavy = seed(args.customers, args.entries)
        entries = Entry.objects.count()
        print(f"  {len(ids)} customers, {entries} entries loaded in {time.perf_counter() - started:.1f} s", flush=True)
        balance_ms = time_balance_reads(ids, args.reads)
        statement_ms, heavy_total, month_lines = time_statement_pages(heavy, args.pages)
        pdf_ms, pdf_lines, pdf_size = time_statement_pdf(heavy, args.pdfs)
    connection.set_schema_to_public()
    connections.close_all()
    if args.shards:
        settings.LEDGER_BUSINESS_SHARDS = args.shards
    spends = run_spends(tenant.schema_name, ids, args.spenders, args.seconds, args.processes)
    connection.set_schema_to_public()
    out = io.StringIO()
    started = time.perf_counter()
    try:
        call_command("reconcile_ledger", schema=[tenant.schema_name], stdout=out)
        differences = 0
    except SystemExit:
        differences = 1
    reconcile_s = time.perf_counter() - started
    print(out.getvalue().strip().splitlines()[-1])

    print()
    print(f"Ledger of {SLUG}: {entries} entries, {len(ids)} customers; machine: {os.cpu_count()} CPUs, "
          f"Python {sys.version.split()[0]}")
    print()
    print(f"{'measure':<44} {'n':>6} {'p50':>9} {'p95':>9} {'max':>9}")
    for label, values in (("balance read, ms", balance_ms),
                          (f"statement page ({heavy_total} entries, {month_lines} last 30 days), ms", statement_ms)):
        print(f"{label:<44} {len(values):>6} {percentile(values, 50):>9.2f} {percentile(values, 95):>9.2f} "
              f"{max(values):>9.2f}")
    print(f"{'statement PDF (' + str(pdf_lines) + ' lines, ' + str(pdf_size // 1024) + ' KB), ms':<44} "
          f"{len(pdf_ms):>6} {percentile(pdf_ms, 50):>9.0f} {percentile(pdf_ms, 95):>9.0f} {max(pdf_ms):>9.0f}")
    print(f"{'spends ' + str(args.spenders) + ' at once, ' + str(args.processes) + ' processes, per s':<44} {spends['posted'] + spends['refused']:>6} "
          f"{spends['per_second']:>9.0f}  ({spends['posted']} posted, {spends['refused']} refused, "
          f"{spends['overdrawn']} overdrawn, {len(spends['errors'])} errors)")
    print(f"{'reconcile_ledger, s':<44} {'':>6} {reconcile_s:>9.1f}")
    print()
    targets = [
        (f"balance read p95 < {TARGET_BALANCE_P95_MS:.0f} ms", percentile(balance_ms, 95) < TARGET_BALANCE_P95_MS,
         f"{percentile(balance_ms, 95):.2f} ms"),
        (f"statement page p95 < {TARGET_STATEMENT_P95_MS:.0f} ms",
         percentile(statement_ms, 95) < TARGET_STATEMENT_P95_MS, f"{percentile(statement_ms, 95):.1f} ms"),
        (f"≥ {TARGET_SPENDS_PER_S:.0f} spends/s with 0 overdrafts and 0 errors",
         spends["per_second"] >= TARGET_SPENDS_PER_S and spends["overdrawn"] == 0 and not spends["errors"],
         f"{spends['per_second']:.0f}/s, {spends['overdrawn']} overdrafts, {len(spends['errors'])} errors"),
        (f"reconcile_ledger < {TARGET_RECONCILE_S:.0f} s with 0 differences",
         reconcile_s < TARGET_RECONCILE_S and differences == 0, f"{reconcile_s:.1f} s, {differences} failed runs"),
    ]
    for target, met, figure in targets:
        print(f"Target: {target}: {'met' if met else 'MISSED'} ({figure}).")
    if spends["errors"]:
        print(f"  errors, e.g. {spends['errors'][:3]}")
    return 0 if all(met for _t, met, _f in targets) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--reads", type=int, default=2000, help="balance reads measured")
    parser.add_argument("--pages", type=int, default=100, help="statement pages measured")
    parser.add_argument("--pdfs", type=int, default=3, help="PDFs of the year's statement measured")
    parser.add_argument("--spenders", type=int, default=50, help="threads spending at once")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds of spending")
    parser.add_argument("--processes", type=int, default=10, help="processes the spenders are spread over")
    parser.add_argument("--shards", type=int, default=0,
                        help="rows per business account (default: the ledger's setting)")
    args = parser.parse_args()

    return with_services(lambda service_env: run(args, service_env))


if __name__ == "__main__":
    sys.exit(main())
