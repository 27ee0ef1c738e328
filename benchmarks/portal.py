#!/usr/bin/env python
"""Server-side time and SQL queries of the customer dashboard (the portal's home page for a signed-in
customer) in a tenant with 10 000 customers, every module switched on and data in every module.

    .venv/bin/python benchmarks/portal.py [--customers 10000] [--requests 400] [--clients 1 16]

The page goes through the whole Django stack (tenant routing by Host, sessions, auth, the module gate,
every module's dashboard card, template rendering) by Django's in-process test client, so the figure is
server time without network or browser. Each client is a thread with its own database connection, as
a server's worker threads are; all run in this one process, like one Daphne process does. Queries are
counted per request with the connection's query log. Customers are picked at random per request.

Embedded PostgreSQL and Redis are started in a temporary directory (as benchmarks/provisioning.py does)
unless DATABASE_URL / REDIS_URL are set.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import threading
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]  # http.py here is not the stdlib's
ROOT = _HERE.parent
for _path in (ROOT, ROOT / "platform"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from benchmarks._services import bench_business, percentile, start_platform, with_services  # noqa: E402

SLUG = "bench-portal"
HOST = f"{SLUG}.localhost"
TARGET_QUERIES = 15
TARGET_P95_MS_ONE_CLIENT = 50.0


# --- data ---------------------------------------------------------------------------------------------

def switch_every_module_on() -> list[str]:
    from cabinet import registry
    from cabinet.portal.services import enable_with_dependencies

    done: list[str] = []
    for key in registry.modules():
        done += [k for k in enable_with_dependencies(key) if k not in done]
    return done


def seed_customers(count: int) -> list[int]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    User = get_user_model()
    existing = User.objects.filter(role="customer").count()
    password = make_password("Bench-Customer-42")  # hashed once: 10 000 PBKDF2 runs would take 40 min
    batch = [User(email=f"customer{i:05d}@bench.example.com", full_name=f"Customer {i:05d}", password=password,
                  role="customer", phone=f"+38050{i:07d}") for i in range(existing, count)]
    User.objects.bulk_create(batch, batch_size=2000)
    return list(User.objects.filter(role="customer").values_list("id", flat=True))


def seed_module_data(customer_ids: list[int]) -> dict[str, str]:
    """A realistic amount of data in each module, so the dashboard's queries meet full tables."""
    from cabinet import registry

    seeded = {}
    seeders = {"documents": _seed_documents, "support": _seed_support, "feedback": _seed_feedback,
               "news": _seed_news}
    for key in registry.modules():
        seeder = seeders.get(key)
        seeded[key] = seeder(customer_ids) if seeder else "no data generator (module has no customer data)"
    return seeded


def _seed_documents(customer_ids: list[int]) -> str:
    from cabinet.modules.documents.models import Document

    if Document.objects.exists():
        return f"{Document.objects.count()} documents"
    rows = [Document(customer_id=cid, title=f"Contract {cid}-{n}", category="contract",
                     file=f"documents/{secrets.token_hex(8)}/contract.pdf", original_name="contract.pdf",
                     content_type="application/pdf", size=120_000)
            for cid in customer_ids for n in range(3)]
    Document.objects.bulk_create(rows, batch_size=5000)
    return f"{len(rows)} documents (3 per customer)"


def _seed_support(customer_ids: list[int]) -> str:
    from cabinet.modules.support.models import Request

    if Request.objects.exists():
        return f"{Request.objects.count()} requests"
    statuses = ["new", "in_progress", "waiting", "resolved", "closed"]
    rows = [Request(customer_id=cid, topic="General", subject=f"Question {cid}-{n}", message="Hello",
                    contact_name=f"Customer {cid}", status=statuses[(cid + n) % len(statuses)])
            for cid in customer_ids for n in range(2)]
    Request.objects.bulk_create(rows, batch_size=5000)
    return f"{len(rows)} requests (2 per customer)"


def _seed_feedback(customer_ids: list[int]) -> str:
    from cabinet.modules.feedback.models import Rating
    from cabinet.modules.support.models import Request

    if Rating.objects.exists():
        return f"{Rating.objects.count()} ratings"
    rated = Request.objects.filter(status__in=["resolved", "closed"]).values_list("id", "customer_id")
    rows = [Rating(request_id=rid, customer_id=cid, score=1 + rid % 5, comment="") for rid, cid in rated[::2]]
    Rating.objects.bulk_create(rows, batch_size=5000)
    return f"{len(rows)} ratings"


def _seed_news(customer_ids: list[int]) -> str:
    from cms.models import ArticlePage
    from cms.services import ensure_news_index

    index = ensure_news_index()
    have = ArticlePage.objects.live().count()
    for n in range(have, 30):
        article = index.add_child(instance=ArticlePage(
            title=f"News {n}", slug=f"news-{n}", intro="What is new this week.", body="<p>Details.</p>"))
        article.save_revision().publish()
    return f"{ArticlePage.objects.live().count()} live articles"


# --- measurement --------------------------------------------------------------------------------------

def measure(schema: str, customer_ids: list[int], *, clients: int, requests: int,
            warmup: int) -> tuple[list[float], list[int]]:
    from django.contrib.auth import get_user_model
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import schema_context

    User = get_user_model()
    times: list[float] = []
    queries: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()
    per_client = max(1, requests // clients)
    barrier = threading.Barrier(clients)

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        try:
            sessions = []
            for _ in range(4):  # a few signed-in customers per client, as a server sees many
                client = Client(HTTP_HOST=HOST)
                with schema_context(schema):  # each thread has its own connection, on public at first
                    client.force_login(User.objects.get(pk=rng.choice(customer_ids)))
                sessions.append(client)
            for _ in range(warmup):
                rng.choice(sessions).get("/")
            barrier.wait()
            for _ in range(per_client):
                client = rng.choice(sessions)
                with CaptureQueriesContext(connection) as captured:
                    start = time.perf_counter()
                    response = client.get("/")
                    elapsed = (time.perf_counter() - start) * 1000
                if response.status_code != 200 or b"dashboard-card" not in response.content:
                    errors.append(f"status {response.status_code}")
                    continue
                with lock:
                    times.append(elapsed)
                    queries.append(len(captured.captured_queries))
        except Exception as exc:  # reported below; a benchmark thread must not die silently
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"{len(errors)} failed requests, e.g. {errors[:3]}")
    return times, queries


def run(args, service_env: dict[str, str]) -> int:
    start_platform(service_env)
    from django.db import connection, connections
    from django_tenants.utils import tenant_context

    tenant = bench_business(SLUG, "Benchmark Clinic", "clinic")
    with tenant_context(tenant):
        enabled = switch_every_module_on()
        t0 = time.perf_counter()
        customer_ids = seed_customers(args.customers)
        seeded = seed_module_data(customer_ids)
        print(f"  {len(customer_ids)} customers and module data ready in {time.perf_counter() - t0:.1f} s", flush=True)
    connection.set_schema_to_public()
    connections.close_all()

    print()
    print(f"Dashboard of a signed-in customer, tenant {SLUG}: {len(customer_ids)} customers, "
          f"modules on: {', '.join(enabled)}")
    for key, what in seeded.items():
        print(f"  {key}: {what}")
    print(f"  machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print()
    print(f"{'clients':>7} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'req/s':>7} {'queries':>8}")
    results = {}
    for clients in args.clients:
        start = time.perf_counter()
        times, queries = measure(tenant.schema_name, customer_ids, clients=clients, requests=args.requests, warmup=args.warmup)
        wall = time.perf_counter() - start
        results[clients] = (times, queries)
        print(f"{clients:>7} {len(times):>8} {statistics.median(times):>8.1f} {percentile(times, 95):>8.1f} "
              f"{max(times):>8.1f} {len(times) / wall:>7.0f} {min(queries)}–{max(queries):<4}", flush=True)
    print()
    most_queries = max(max(q) for _t, q in results.values())
    print(f"Target: at most {TARGET_QUERIES} queries per page: {'met' if most_queries <= TARGET_QUERIES else 'MISSED'} "
          f"({most_queries}).")
    if 1 in results:
        p95 = percentile(results[1][0], 95)
        print(f"Target: p95 under {TARGET_P95_MS_ONE_CLIENT:.0f} ms at 1 client: "
              f"{'met' if p95 < TARGET_P95_MS_ONE_CLIENT else 'MISSED'} ({p95:.1f} ms).")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=400, help="measured requests per concurrency level")
    parser.add_argument("--warmup", type=int, default=5, help="requests per client before measuring")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 16])
    args = parser.parse_args()

    return with_services(lambda service_env: run(args, service_env))


if __name__ == "__main__":
    sys.exit(main())
