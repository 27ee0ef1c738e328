#!/usr/bin/env python
"""What one customer dashboard costs the web process, in-process on one thread: CPU milliseconds per request
(`time.process_time`, which does not depend on what else the machine runs), wall milliseconds, requests per
second, and the SQL queries (their number and database time); with `--profile`, the functions that take the
CPU (cProfile, sorted by cumulative or own time).

    .venv/bin/python benchmarks/dashboard_cost.py [--customers 10000] [--requests 300] [--profile [N]]

The tenant and its data are the HTTP benchmark's (benchmarks/http.py: a clinic with every module on and
`--customers` customers with module data, made by benchmarks/portal.py's generators). The page goes through
the whole Django stack by the test client, with the web server's settings (the connection pool on, gzip
asked for), signed in as 8 customers in turn. Embedded PostgreSQL and Redis are started in a temporary
directory unless DATABASE_URL / REDIS_URL are set (then the data made once is reused: fast repeats).
"""

# ruff: noqa: E402 - the import path is set before the imports (see below)
from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]  # http.py here is not the stdlib's

import argparse
import contextlib
import cProfile
import gzip
import io
import os
import pstats
import secrets
import statistics
import tempfile
import time

ROOT = _HERE.parent
for _path in (ROOT, ROOT / "platform"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))


def _http_benchmark():
    import importlib.util

    spec = importlib.util.spec_from_file_location("http_benchmark", _HERE / "http.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def measure(keys: list[str], host: str, requests: int, profile: int) -> None:
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients = []
    for key in keys[:8]:
        client = Client(HTTP_HOST=host, HTTP_ACCEPT_ENCODING="gzip")
        client.cookies["sessionid"] = key
        clients.append(client)
    for client in clients * 3:  # warm: templates compiled, caches filled
        client.get("/")
    with CaptureQueriesContext(connection) as captured:
        response = clients[0].get("/")
    body = gzip.decompress(response.content) if response.get("Content-Encoding") == "gzip" else response.content
    assert response.status_code == 200 and b"dashboard-card" in body, response.status_code
    queries = captured.captured_queries
    print(f"Queries per dashboard: {len(queries)}, {sum(float(q['time']) for q in queries) * 1000:.1f} ms in the "
          f"database (as the connection measured it); body {len(body)} bytes, {len(response.content)} gzipped")
    for q in queries:
        print(f"  {float(q['time']) * 1000:6.2f} ms  {q['sql'][:150]}")

    profiler = cProfile.Profile(time.process_time) if profile else None  # CPU time, not waits
    wall, cpu = [], []
    started = time.perf_counter()
    cpu_started = time.process_time()
    for n in range(requests):
        t0, c0 = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        response = clients[n % len(clients)].get("/")
        if profiler:
            profiler.disable()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.status_code
    elapsed = time.perf_counter() - started
    total_cpu = time.process_time() - cpu_started
    print(f"\n{requests} dashboards on one thread: {requests / elapsed:.1f} req/s, wall p50 "
          f"{statistics.median(wall):.1f} ms, CPU {total_cpu / requests * 1000:.2f} ms per request "
          f"(p50 {statistics.median(cpu):.2f} ms){' (under the profiler)' if profiler else ''}")
    if profiler:
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(profile)
            print(f"\n--- by {order} ---")
            print("\n".join(line for line in out.getvalue().splitlines()[6:] if line.strip()))
    connections.close_all()


def measure_asgi(keys: list[str], host: str, requests: int) -> None:
    """The same page through the ASGI application the web server runs (admission limit, Django's ASGI handler
    and its thread hop), called on an event loop one request at a time: what the web process adds to the page."""
    import asyncio

    from django.db import connections

    from cabinet.asgi import application

    async def one(key: str) -> int:
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                 "scheme": "http", "path": "/", "raw_path": b"/", "query_string": b"", "root_path": "",
                 "headers": [(b"host", host.encode()), (b"accept-encoding", b"gzip"),
                             (b"cookie", f"sessionid={key}".encode())],
                 "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000)}
        sent = False
        status = 0

        async def receive():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}

        async def send(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        await application(scope, receive, send)
        return status

    async def loop() -> None:
        for key in keys[:8] * 3:
            assert await one(key) == 200
        wall = []
        started, cpu_started = time.perf_counter(), time.process_time()
        for n in range(requests):
            t0 = time.perf_counter()
            assert await one(keys[n % min(8, len(keys))]) == 200
            wall.append((time.perf_counter() - t0) * 1000)
        elapsed, total_cpu = time.perf_counter() - started, time.process_time() - cpu_started
        print(f"\n{requests} dashboards through the ASGI application: {requests / elapsed:.1f} req/s, wall p50 "
              f"{statistics.median(wall):.1f} ms, CPU {total_cpu / requests * 1000:.2f} ms per request")

    asyncio.run(loop())
    connections.close_all()


def run(args) -> int:
    os.environ["DJANGO_SETTINGS_MODULE"] = "cabinet.settings"
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_hex(16))
    os.environ.setdefault("KABINET_CACHE_PREFIX", f"kabinet-bench-{secrets.token_hex(4)}")
    os.environ.setdefault("DATABASE_POOL", "1")  # as the web server runs
    os.environ["WEB_WARMUP"] = "0"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    bench = _http_benchmark()
    call_command("setup_platform", spares=0, verbosity=0)
    _schema, keys = bench.prepare(args.customers, 8)
    connections.close_all()
    measure(keys, bench.HOST, args.requests, args.profile)
    if args.asgi:
        measure_asgi(keys, bench.HOST, args.requests)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--profile", type=int, nargs="?", const=40, default=0,
                        help="print the N functions that take the most time (cProfile)")
    parser.add_argument("--asgi", action="store_true",
                        help="then the same page through the ASGI application the web server runs")
    args = parser.parse_args()

    from cabinet.launcher import embedded_services

    with contextlib.ExitStack() as stack:
        if not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")):
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kabinet-bench-")))
            if os.name == "posix" and os.geteuid() == 0:
                tmp.chmod(0o755)  # the embedded PostgreSQL runs as its own OS user
            os.environ.setdefault("KABINET_DATA_DIR", str(tmp / "files"))
            os.environ.update(stack.enter_context(embedded_services(tmp, persist=False)))
        return run(args)


if __name__ == "__main__":
    sys.exit(main())
