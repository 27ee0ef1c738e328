#!/usr/bin/env python
"""The customer dashboard and the health probes over real HTTP, through the web server as `make run` starts
it (cabinet.serving: Uvicorn with WEB_CONCURRENCY processes), at 1, 50 and 200 concurrent clients; and, in
the same run, the same page in-process on one thread (Django's test client), for comparison.

    .venv/bin/python benchmarks/http.py [--customers 10000] [--levels 1 50 200] [--seconds 10]

Set-up (not timed): embedded PostgreSQL and Redis in a temporary directory (unless DATABASE_URL / REDIS_URL
are set), the platform, a clinic tenant with every module on, `--customers` customers and module data (as
benchmarks/portal.py makes them), one signed-in session per client (made in the session store). Then the web
server and a Celery worker (as `make run` starts them), and the server is waited for at /livez.

Right after the server answers, `--signups` businesses sign up one after another over HTTP (the signup POST,
then the owner's single-use sign-in link and the page it leads to): the first is compared with the others.
Each client is one keep-alive connection of an asyncio load generator in this process that sends its next
request when the previous answer has arrived in full; each level runs `--seconds` per page. Requests ask
for gzip, as browsers do (the in-process figure too). An answer is an error unless it is 200 (and, for the
dashboard, contains the dashboard's cards; for /healthz and /readyz, JSON). Latency is from sending the
request to the last byte of the answer. Afterwards the resident memory of every web and worker process.

Targets (2 cores): 0 errors at every level; dashboard ≥ 100 req/s at 50 clients with p95 < 1 s; /livez
p95 < 50 ms at 200 clients; HTTP throughput at 50 clients ≥ 70 % of in-process throughput × processes;
every web and worker process under 300 MB resident; the first signup within 25 % of the others' median.
Exits 1 when a target is missed.
"""

# ruff: noqa: E402 - the import path is set before the imports (see below)
from __future__ import annotations

import sys
from pathlib import Path

# This file's name is the standard library's `http`: its folder must not stand first on the import path.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse
import asyncio
import contextlib
import gzip
import json
import os
import secrets
import subprocess
import tempfile
import time
from dataclasses import dataclass, field

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, ROOT / "platform"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

SLUG = "bench-http"
HOST = f"{SLUG}.localhost"
DASHBOARD = "/"
PROBES = ("/livez", "/healthz")
TARGET_DASHBOARD_RPS_AT_50 = 100.0
TARGET_DASHBOARD_P95_MS_AT_50 = 1000.0
TARGET_LIVEZ_P95_MS_AT_200 = 50.0
TARGET_SCALING = 0.70
TARGET_RSS_MB = 300.0


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    xs = sorted(values)
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


@dataclass
class Result:
    page: str
    clients: int
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        lat = self.latencies_ms
        return (f"{self.page:<10} {self.clients:>7} {len(lat):>8} {self.rps:>8.1f} {percentile(lat, 50):>8.1f} "
                f"{percentile(lat, 95):>8.1f} {percentile(lat, 99):>8.1f} {len(self.errors):>6}")


# --- set-up (after django.setup()) ------------------------------------------------------------------------

def _portal_benchmark():
    """benchmarks/portal.py, whose data generators this benchmark shares."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("portal_benchmark", _HERE / "portal.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def prepare(customers: int, sessions: int) -> tuple[str, list[str]]:
    """The tenant with data; returns its schema and `sessions` session keys of distinct customers."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django_tenants.utils import tenant_context

    from tenants import services
    from tenants.models import Tenant

    portal = _portal_benchmark()
    seed_customers, seed_module_data = portal.seed_customers, portal.seed_module_data
    connection.set_schema_to_public()
    tenant = Tenant.objects.filter(slug=SLUG).first() or services.create_tenant(
        slug=SLUG, name="Benchmark Clinic", vertical="clinic", owner_email=f"owner@{SLUG}.example.com",
        owner_password=None, use_spare=False).tenant
    with tenant_context(tenant):
        portal.switch_every_module_on()
        ids = seed_customers(customers)
        seed_module_data(ids)
        User = get_user_model()
        keys = []
        for user in User.objects.filter(pk__in=ids[:sessions]):
            session = SessionStore()
            session.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "cabinet.accounts.backends.IdentifierBackend",
                            HASH_SESSION_KEY: user.get_session_auth_hash()})
            session.create()
            keys.append(session.session_key)
    connection.set_schema_to_public()
    return tenant.schema_name, keys


def in_process(session_keys: list[str], seconds: float) -> Result:
    """The dashboard through Django's test client on this one thread, for `seconds`."""
    from django.db import connections
    from django.test import Client

    result = Result("in-process", 1)
    clients = []
    for key in session_keys[:8]:
        client = Client(HTTP_HOST=HOST, HTTP_ACCEPT_ENCODING="gzip")
        client.cookies["sessionid"] = key
        clients.append(client)
    for client in clients:  # warm-up
        client.get(DASHBOARD)
    started = time.perf_counter()
    n = 0
    while time.perf_counter() - started < seconds:
        t0 = time.perf_counter()
        response = clients[n % len(clients)].get(DASHBOARD)
        elapsed = (time.perf_counter() - t0) * 1000
        body = gzip.decompress(response.content) if response.get("Content-Encoding") == "gzip" else response.content
        if response.status_code == 200 and b"dashboard-card" in body:
            result.latencies_ms.append(elapsed)
        else:
            result.errors.append(f"status {response.status_code}")
        n += 1
    result.seconds = time.perf_counter() - started
    connections.close_all()
    return result


# --- the load generator -----------------------------------------------------------------------------------

async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, _colon, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            parts.append((await reader.readexactly(size + 2))[:-2])
        body = b"".join(parts)
    else:
        body = await reader.read()
    if headers.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    return status, headers, body


def _valid(path: str, status: int, body: bytes) -> str:
    if status != 200:
        return f"status {status}" + (f" {body[:120].decode(errors='replace')}" if path in PROBES else "")
    if path == DASHBOARD:
        return "" if b"dashboard-card" in body else "no dashboard cards"
    try:
        json.loads(body)
    except ValueError:
        return "not JSON"
    return ""


async def _client(port: int, path: str, cookie: str, deadline: float, result: Result) -> None:
    request = (f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nAccept-Encoding: gzip\r\nUser-Agent: kabinet-bench\r\n"
               f"Cookie: sessionid={cookie}\r\nConnection: keep-alive\r\n\r\n").encode()
    reader = writer = None
    while time.perf_counter() < deadline:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            t0 = time.perf_counter()
            writer.write(request)
            await writer.drain()
            status, headers, body = await asyncio.wait_for(_read_answer(reader), 60)
            elapsed = (time.perf_counter() - t0) * 1000
            problem = _valid(path, status, body)
            if problem:
                result.errors.append(problem)
            else:
                result.latencies_ms.append(elapsed)
            if headers.get("connection", "").lower() == "close":
                writer.close()
                reader = writer = None
        except (TimeoutError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as error:
            result.errors.append(f"{error.__class__.__name__}: {error}")
            if writer is not None:
                writer.close()
            reader = writer = None
            await asyncio.sleep(0.05)
    if writer is not None:
        writer.close()


async def _level(port: int, path: str, clients: int, seconds: float, cookies: list[str]) -> Result:
    result = Result(path if path != DASHBOARD else "dashboard", clients)
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(_client(port, path, cookies[i % len(cookies)], deadline, result)
                           for i in range(clients)))
    result.seconds = time.perf_counter() - started
    return result


def over_http(port: int, path: str, clients: int, seconds: float, cookies: list[str]) -> Result:
    import uvloop  # the load generator's own overhead as small as the server's

    return uvloop.run(_level(port, path, clients, seconds, cookies))


# --- signups ----------------------------------------------------------------------------------------------

def _http(port: int, method: str, host: str, path: str, *, body: str = "", cookies: dict[str, str] | None = None):
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Host": host, "Cookie": "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheader("Location", ""), response.read(), response.headers
    finally:
        conn.close()


def signups(port: int, count: int) -> tuple[list[float], list[str]]:
    """`count` businesses sign up one after another, over HTTP: the signup POST and the owner's first page on
    the new portal (the single-use sign-in link and where it leads). Seconds each, and errors."""
    import re
    from urllib.parse import urlencode, urlsplit

    platform_host = f"localhost:{port}"
    times, errors = [], []
    for n in range(count):
        slug = f"bench-signup-{secrets.token_hex(3)}"
        status, _loc, page, headers = _http(port, "GET", platform_host, "/signup/")
        csrf = next((c.split("=", 1)[1].split(";", 1)[0] for c in headers.get_all("Set-Cookie") or []
                     if c.startswith("csrftoken=")), "")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not csrf or not token:
            errors.append(f"signup page {status}")
            continue
        form = urlencode({"csrfmiddlewaretoken": token.group(1).decode(), "name": f"Bench Signup {n}", "slug": slug,
                          "vertical": "clinic", "owner_first_name": "Olena", "owner_last_name": "",
                          "owner_email": f"owner@{slug}.example.com", "password": "Bench-Signup-4242"})
        started = time.perf_counter()
        status, location, _body, _h = _http(port, "POST", platform_host, "/signup/", body=form,
                                            cookies={"csrftoken": csrf})
        if status != 302 or "/manage/enter/" not in location:
            errors.append(f"signup POST {status}")
            continue
        target = urlsplit(location)
        status, location, _body, headers = _http(port, "GET", target.netloc, target.path)
        session = next((c.split("=", 1)[1].split(";", 1)[0] for c in headers.get_all("Set-Cookie") or []
                        if c.startswith("sessionid=")), "")
        if status == 302 and location:
            status, _loc, _body, _h = _http(port, "GET", target.netloc, urlsplit(location).path or location,
                                            cookies={"sessionid": session})
        if status != 200:
            errors.append(f"first page of the new portal {status}")
            continue
        times.append(time.perf_counter() - started)
    return times, errors


# --- processes --------------------------------------------------------------------------------------------

def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def command_of(pid: int) -> str:
    with contextlib.suppress(OSError):
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        text = " ".join(a.decode(errors="replace") for a in args if a)
        for marker in ("uvicorn", "multiprocessing", "celery"):
            if marker in text:
                return text[text.find(marker):][:70]
        return text[:70]
    return "?"


# --- the run ----------------------------------------------------------------------------------------------

def run(args, service_env: dict[str, str], workdir: Path) -> int:
    os.environ.update(service_env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "cabinet.settings"
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_hex(16))
    os.environ["KABINET_CACHE_PREFIX"] = f"kabinet-bench-{secrets.token_hex(4)}"
    os.environ["WEB_WARMUP"] = "0"  # this process is the load generator; the servers warm themselves up
    os.environ.setdefault("TENANT_SPARE_SCHEMAS", str(max(args.signups, 3)))  # every signup finds a spare

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from cabinet.launcher import answers_http, free_port, stop_process, wait_until
    from cabinet.serving import web_concurrency, web_server_command, web_server_environment

    print("Setting up the platform, the tenant and its data...", flush=True)
    call_command("setup_platform", verbosity=0)
    _schema, keys = prepare(args.customers, max(args.levels))
    connections.close_all()

    workers = web_concurrency() if args.server == "uvicorn" else 1
    print(f"\nMachine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; server: {args.server}, "
          f"web processes: {workers} "
          f"(WEB_CONCURRENCY {os.environ.get('WEB_CONCURRENCY') or 'unset: the core count'})")
    print(f"In-process: the dashboard through Django's test client on one thread for {args.seconds:.0f} s…", flush=True)
    inproc = in_process(keys, args.seconds)
    connections.close_all()

    port = free_port()
    env = {**os.environ, "WEB_WARMUP": "1", "PYTHONUNBUFFERED": "1"}
    log_path = workdir / "web.log"
    results: list[Result] = []
    memory: list[tuple[str, int, float, str]] = []
    with open(log_path, "wb") as log:
        command = web_server_command(bind="127.0.0.1", port=port, workers=workers)
        if args.server == "daphne":  # for comparison: what `make run` started before (one process)
            command = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "cabinet.asgi:application"]
        web = subprocess.Popen(command, env=web_server_environment(env),
                               cwd=ROOT, stdout=log, stderr=log, start_new_session=True)
        worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "cabinet", "-q", "worker", "-l", "warning",
                                   "--concurrency", "2"], env=env, cwd=ROOT, stdout=log, stderr=log,
                                  start_new_session=True)
        try:
            started = time.perf_counter()
            wait_until(lambda: answers_http("127.0.0.1", port, "/livez") or web.poll() is not None, 180,
                       "The web server")
            if web.poll() is not None:
                raise SystemExit(f"The web server exited:\n{log_path.read_text()[-3000:]}")
            print(f"Web server answering after {time.perf_counter() - started:.1f} s; measuring over HTTP, "
                  f"{args.seconds:.0f} s per page and level…\n", flush=True)
            time.sleep(3)  # every worker has finished its warm-up
            signup_times, signup_errors = signups(port, args.signups)
            if signup_times:
                rest = sorted(signup_times[1:]) or signup_times
                print(f"Signups right after the start ({len(signup_times)}, the signup POST and the owner's first "
                      f"page): first {signup_times[0]:.2f} s, the others median {rest[len(rest) // 2]:.2f} s, "
                      f"max {max(rest):.2f} s; errors: {len(signup_errors)} {signup_errors[:3]}\n", flush=True)
            print(f"{'page':<10} {'clients':>7} {'answers':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
                  f"{'p99 ms':>8} {'errors':>6}")
            print(inproc.line(), flush=True)
            for clients in args.levels:
                for path in (DASHBOARD, *PROBES):
                    result = over_http(port, path, clients, args.seconds, keys)
                    results.append(result)
                    print(result.line(), flush=True)
            for name, proc in (("web", web), ("worker", worker)):
                for pid in descendants(proc.pid):
                    with contextlib.suppress(OSError):
                        memory.append((name, pid, rss_mb(pid), command_of(pid)))
            if worker.poll() is not None:
                print(f"The Celery worker exited with code {worker.returncode} during the run.")
        finally:
            stop_process(worker, "celery worker")
            stop_process(web, "web server")
    problems = [line for line in log_path.read_text(errors="replace").splitlines()
                if "Error" in line or "Traceback" in line]
    if problems:
        print(f"\nThe servers' log has {len(problems)} error lines, e.g.:\n  " + "\n  ".join(problems[:8]))

    print("\nResident memory after the run:")
    for name, pid, mb, command in memory:
        print(f"  {name:<7} pid {pid:<7} {mb:>6.0f} MB  {command}")
    errors = {(r.page, r.clients): r.errors for r in results if r.errors}
    for (page, clients), errs in errors.items():
        print(f"  errors for {page} at {clients} clients, e.g. {sorted(set(errs))[:3]}")
    return report(results, inproc, memory, workers, signup_times, signup_errors)


def report(results: list[Result], inproc: Result, memory: list[tuple[str, int, float, str]], workers: int,
           signup_times: list[float], signup_errors: list[str]) -> int:
    by = {(r.page, r.clients): r for r in results}
    checks: list[tuple[str, str, bool]] = []
    total_errors = sum(len(r.errors) for r in results) + len(inproc.errors) + len(signup_errors)
    if len(signup_times) > 1:
        rest = sorted(signup_times[1:])
        checks.append(("the first signup waits no longer than the others (within 25 % of their median)",
                       f"first {signup_times[0]:.2f} s, median {rest[len(rest) // 2]:.2f} s",
                       signup_times[0] <= 1.25 * rest[len(rest) // 2]))
    checks.append(("0 errors at every level", f"{total_errors} errors", total_errors == 0))
    d50 = by.get(("dashboard", 50))
    if d50:
        checks.append((f"dashboard ≥ {TARGET_DASHBOARD_RPS_AT_50:.0f} req/s at 50 clients", f"{d50.rps:.1f} req/s",
                       d50.rps >= TARGET_DASHBOARD_RPS_AT_50))
        p95 = percentile(d50.latencies_ms, 95)
        checks.append((f"dashboard p95 < {TARGET_DASHBOARD_P95_MS_AT_50:.0f} ms at 50 clients", f"{p95:.0f} ms",
                       p95 < TARGET_DASHBOARD_P95_MS_AT_50))
        wanted = TARGET_SCALING * inproc.rps * workers
        checks.append((f"HTTP ≥ {TARGET_SCALING:.0%} of in-process × {workers} processes at 50 clients",
                       f"{d50.rps:.1f} vs {wanted:.1f} req/s ({d50.rps / (inproc.rps * workers):.0%})",
                       d50.rps >= wanted))
    l200 = by.get(("/livez", 200))
    if l200:
        p95 = percentile(l200.latencies_ms, 95)
        checks.append((f"/livez p95 < {TARGET_LIVEZ_P95_MS_AT_200:.0f} ms at 200 clients", f"{p95:.1f} ms",
                       p95 < TARGET_LIVEZ_P95_MS_AT_200))
    biggest = max((mb for _n, _p, mb, _c in memory), default=0.0)
    checks.append((f"every web and worker process < {TARGET_RSS_MB:.0f} MB", f"largest {biggest:.0f} MB",
                   biggest < TARGET_RSS_MB))
    print()
    for target, figure, met in checks:
        print(f"Target: {target}: {'met' if met else 'MISSED'} ({figure}).")
    return 0 if all(met for _t, _f, met in checks) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 50, 200], help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per page and level")
    parser.add_argument("--signups", type=int, default=10, help="businesses signing up right after the start")
    parser.add_argument("--server", choices=["uvicorn", "daphne"], default="uvicorn",
                        help="uvicorn: as `make run` starts it (default); daphne: one Daphne process, to compare")
    args = parser.parse_args()
    if args.customers < max(args.levels) or min(args.levels) < 1 or args.seconds <= 0:
        parser.error("need at least as many customers as clients, levels of 1 or more and seconds above 0")

    from cabinet.launcher import embedded_services

    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kabinet-bench-")))
        if os.name == "posix" and os.geteuid() == 0:
            tmp.chmod(0o755)  # the embedded PostgreSQL runs as its own OS user
        os.environ.setdefault("KABINET_DATA_DIR", str(tmp / "files"))
        (Path(os.environ["KABINET_DATA_DIR"]) / "static").mkdir(parents=True, exist_ok=True)
        service_env = stack.enter_context(embedded_services(tmp, persist=False))
        return run(args, service_env, tmp)


if __name__ == "__main__":
    sys.exit(main())
