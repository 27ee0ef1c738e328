#!/usr/bin/env python
"""200 buyers race for 50 units of one product through the real HTTP stack: Daphne serving the portal,
PostgreSQL, Redis. Prints orders placed, units sold, oversold (must be 0) and checkout latency.

    .venv/bin/python benchmarks/checkout.py [--buyers 200] [--stock 50] [--quantities 1] [--keep]

Set-up (not timed): a wholesale tenant with the catalog and orders modules on; one product with `--stock`
units in one warehouse; `--buyers` customers (bulk-inserted with one precomputed password hash), each
signed in by a session made in the session store, each with units of the product in the cart: by default
1 each (200 buyers want 200 units of 50), `--quantities 1 2 3` gives the buyers 1, 2, 3, 1, 2, 3… units.
Daphne runs as one child process (`daphne cabinet.asgi:application`: Daphne has no worker processes; a
deployment runs several pods); every buyer fetches the checkout page over HTTP first, for the CSRF cookie
and token, and opens its TCP connection.

The race (timed): every buyer is a thread with its own connection, released at once by a barrier, and
POSTs the checkout form (delivery to an address). Latency is from sending the request to the last byte of
the answer. Answers: 302 to the order page = order placed; 400 with the catalog's stock message ("you
asked for 1, 0 available") = refused; anything else is an error.

Afterwards the database is checked: orders and their lines, active reservations of the product, stock.
oversold = units reserved − stock, if positive. Exits 1 if anything was oversold, any answer was an error,
or the answers and the database disagree.

Embedded PostgreSQL and Redis are started in a temporary directory (as the other benchmarks do) unless
DATABASE_URL / REDIS_URL are set; with DATABASE_URL set, the benchmark tenant is deleted at the end unless
--keep is given. The embedded PostgreSQL runs with fsync off (throw-away data), so commits are cheaper
than on a production server.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, ROOT / "platform"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

SLUG = "bench-checkout"
PRODUCT_NAME = "Bench pears, 10 kg crate"
CHECKOUT_PATH = "/orders/checkout/"
ORDER_PATH = re.compile(r"^/orders/(\d+)/$")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# The catalog's refusal (catalog.services.reserve), as the checkout page shows it.
STOCK_REFUSAL = re.compile(r"you asked for (\d+), (\d+) available\.")
DELIVERY = {"recipient_name": "Bench Buyer", "phone": "+380501234567", "delivery_method": "delivery",
            "address": "Kyiv, Khreshchatyk 22", "comment": ""}


def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (as the other benchmarks)."""
    xs = sorted(values)
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


@dataclass
class Buyer:
    customer_id: int
    wants: int
    session_key: str
    csrf_cookie: str = ""
    csrf_token: str = ""
    status: int = 0
    location: str = ""
    body: str = ""
    latency_ms: float = 0.0
    error: str = ""

    @property
    def outcome(self) -> str:
        if self.error:
            return "error"
        if self.status == 302 and ORDER_PATH.match(self.location):
            return "placed"
        if self.status == 400 and STOCK_REFUSAL.search(self.body):
            return "refused"
        return "error"


# --- set-up (after django.setup()) ------------------------------------------------------------------------

def make_tenant():
    from django.db import connection

    from tenants import services
    from tenants.models import Tenant

    connection.set_schema_to_public()
    for old in Tenant.objects.filter(slug=SLUG):  # a kept tenant of an earlier run
        services.delete_tenant(old)
    return services.create_tenant(slug=SLUG, name="Benchmark Wholesale", vertical="wholesale",
                                  owner_email=f"owner@{SLUG}.example.com", owner_password=None,
                                  use_spare=False).tenant


def seed_shop(stock: int, quantities: list[int], buyers: int) -> tuple[int, list[Buyer]]:
    """Inside the tenant: modules on, the product and its stock, signed-in customers with full carts."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore

    from cabinet.modules.catalog import services as catalog_services
    from cabinet.modules.orders.models import Cart, CartLine
    from cabinet.portal.services import set_module_enabled

    set_module_enabled("catalog", True)
    set_module_enabled("orders", True)
    warehouse = catalog_services.save_warehouse(name="Central warehouse")
    product = catalog_services.save_product(None, catalog_services.ProductData(
        name=PRODUCT_NAME, price=Decimal("18.40"), currency="EUR", sku="PEAR-10"))
    catalog_services.set_stock(product, warehouse, stock)

    User = get_user_model()
    password = make_password("Bench-Buyer-42")  # hashed once: 200 PBKDF2 runs would take a minute
    customers = User.objects.bulk_create([
        User(email=f"buyer{n:03d}@{SLUG}.example.com", full_name=f"Buyer {n:03d}", phone=f"+38067{n:07d}",
             role="customer", password=password) for n in range(buyers)])
    carts = Cart.objects.bulk_create([Cart(customer=customer) for customer in customers])
    wants = [quantities[n % len(quantities)] for n in range(buyers)]
    CartLine.objects.bulk_create([CartLine(cart=cart, product=product, quantity=quantity)
                                  for cart, quantity in zip(carts, wants, strict=True)])
    # Signed in as django.contrib.auth.login would leave them, without 200 sign-in requests.
    backend = "cabinet.accounts.backends.IdentifierBackend"
    result = []
    for customer, quantity in zip(customers, wants, strict=True):
        session = SessionStore()
        session.update({SESSION_KEY: str(customer.pk), BACKEND_SESSION_KEY: backend,
                        HASH_SESSION_KEY: customer.get_session_auth_hash()})
        session.create()
        result.append(Buyer(customer_id=customer.pk, wants=quantity, session_key=session.session_key))
    return product.pk, result


# --- HTTP ---------------------------------------------------------------------------------------------------

def cookie_header(buyer: Buyer) -> str:
    cookies = [f"sessionid={buyer.session_key}"]
    if buyer.csrf_cookie:
        cookies.append(f"csrftoken={buyer.csrf_cookie}")
    return "; ".join(cookies)


def fetch_checkout_page(port: int, host: str, buyer: Buyer) -> None:
    """GET the checkout page as the buyer: the CSRF cookie and the form's token (not timed)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", CHECKOUT_PATH, headers={"Host": host, "Cookie": cookie_header(buyer)})
        response = conn.getresponse()
        body = response.read().decode()
        if response.status != 200:
            raise RuntimeError(f"checkout page answered {response.status} for customer {buyer.customer_id}")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _eq, rest = header.partition("=")
            if name.strip() == "csrftoken":
                buyer.csrf_cookie = rest.split(";", 1)[0]
        found = CSRF_INPUT.search(body)
        if not (found and buyer.csrf_cookie):
            raise RuntimeError(f"no CSRF token on the checkout page of customer {buyer.customer_id}")
        buyer.csrf_token = found.group(1)
    finally:
        conn.close()


def race(port: int, host: str, buyers: list[Buyer]) -> float:
    """Every buyer POSTs the checkout form at once; returns the wall time of the race in seconds."""
    ready = threading.Barrier(len(buyers) + 1)
    go = threading.Event()

    def checkout(buyer: Buyer) -> None:
        body = urlencode({**DELIVERY, "csrfmiddlewaretoken": buyer.csrf_token})
        headers = {"Host": host, "Cookie": cookie_header(buyer), "Content-Type": "application/x-www-form-urlencoded",
                   "Referer": f"http://{host}{CHECKOUT_PATH}", "Origin": f"http://{host}"}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            conn.connect()  # outside the timed part, as a browser's kept-alive connection would be
            ready.wait()
            go.wait()
            start = time.perf_counter()
            conn.request("POST", CHECKOUT_PATH, body=body, headers=headers)
            response = conn.getresponse()
            buyer.body = response.read().decode(errors="replace")
            buyer.latency_ms = (time.perf_counter() - start) * 1000
            buyer.status, buyer.location = response.status, response.getheader("Location") or ""
        except Exception as problem:  # noqa: BLE001 - counted as an error and printed
            buyer.error = repr(problem)
        finally:
            conn.close()

    threads = [threading.Thread(target=checkout, args=(buyer,)) for buyer in buyers]
    for thread in threads:
        thread.start()
    ready.wait()
    start = time.perf_counter()
    go.set()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


@contextlib.contextmanager
def daphne(env: dict[str, str], log_path: Path):
    from cabinet.launcher import free_port, port_open, stop_process, wait_until

    port = free_port()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                                 "cabinet.asgi:application"], env=env, cwd=ROOT, stdout=log, stderr=log)
        try:
            wait_until(lambda: port_open(port) or proc.poll() is not None, 60, "Daphne")
            if proc.poll() is not None:
                raise SystemExit(f"Daphne exited with code {proc.returncode}:\n{log_path.read_text()[-3000:]}")
            yield port
        finally:
            stop_process(proc, "daphne")


# --- the run ----------------------------------------------------------------------------------------------

def check_database(product_id: int) -> dict:
    from cabinet.modules.catalog import selectors as catalog_selectors
    from cabinet.modules.catalog.models import Reservation, StockLevel
    from cabinet.modules.orders.models import Order, OrderLine

    orders = Order.objects.filter(lines__product_id=product_id).distinct()
    return {
        "orders": orders.count(),
        "order_ids": set(orders.values_list("pk", flat=True)),
        "units_ordered": sum(OrderLine.objects.filter(product_id=product_id).values_list("quantity", flat=True)),
        "units_reserved": sum(Reservation.objects.filter(product_id=product_id, status=Reservation.Status.ACTIVE)
                              .values_list("quantity", flat=True)),
        "stock": sum(StockLevel.objects.filter(product_id=product_id).values_list("quantity", flat=True)),
        "available": catalog_selectors.available(product_id),
    }


def run(args, service_env: dict[str, str], reuse_database: bool, workdir: Path) -> int:
    os.environ.update(service_env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "cabinet.settings"
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_hex(16))
    # Our own cache and Celery key prefix: whatever an order queues is left for a worker, as in production,
    # and no worker sharing this Redis picks it up.
    os.environ["KABINET_CACHE_PREFIX"] = f"kabinet-bench-{secrets.token_hex(4)}"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"

    import django

    django.setup()
    from django.db import connection, connections
    from django_tenants.utils import tenant_context

    from tenants import services

    print("Setting up the platform (migrations, template schema)...", flush=True)
    from django.core.management import call_command

    call_command("setup_platform", spares=0, verbosity=0)
    t0 = time.perf_counter()
    tenant = make_tenant()
    with tenant_context(tenant):
        product_id, buyers = seed_shop(args.stock, args.quantities, args.buyers)
    connection.set_schema_to_public()
    connections.close_all()
    wanted = sum(buyer.wants for buyer in buyers)
    print(f"  tenant {SLUG}, {args.stock} units, {len(buyers)} signed-in buyers with {wanted} units in their "
          f"carts, ready in {time.perf_counter() - t0:.1f} s", flush=True)

    host = f"{SLUG}.localhost"
    log_path = workdir / "daphne.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    try:
        with daphne(env, log_path) as port:
            host = f"{host}:{port}"
            print(f"Daphne on port {port}; every buyer fetches the checkout page (not timed)...", flush=True)
            with ThreadPoolExecutor(max_workers=16) as pool:
                list(pool.map(lambda buyer: fetch_checkout_page(port, host, buyer), buyers))
            print(f"Racing: {len(buyers)} checkouts at once...", flush=True)
            load_before = os.getloadavg()[0]
            wall = race(port, host, buyers)
        with tenant_context(tenant):
            books = check_database(product_id)
        connection.set_schema_to_public()
    finally:
        connections.close_all()
        if reuse_database and not args.keep:
            connection.set_schema_to_public()
            services.delete_tenant(tenant)

    placed = [b for b in buyers if b.outcome == "placed"]
    refused = [b for b in buyers if b.outcome == "refused"]
    errors = [b for b in buyers if b.outcome == "error"]
    answered = [b.latency_ms for b in buyers if not b.error]
    answered_ids = {int(ORDER_PATH.match(b.location).group(1)) for b in placed}
    oversold = max(books["units_reserved"] - books["stock"], 0)
    disagreements = []
    if answered_ids != books["order_ids"]:
        disagreements.append(f"orders answered {sorted(answered_ids)[:5]}… differ from orders in the database")
    if books["units_ordered"] != books["units_reserved"]:
        disagreements.append(f"units ordered {books['units_ordered']} ≠ units reserved {books['units_reserved']}")
    if books["units_ordered"] != sum(b.wants for b in placed):
        disagreements.append("units in placed orders differ from what the winners had in their carts")
    if books["available"] != books["stock"] - books["units_reserved"]:
        disagreements.append(f"available {books['available']} ≠ stock − reserved")

    import django as django_module

    print()
    print(f"Checkout race through the real HTTP stack: Daphne (1 process), tenant {SLUG}")
    print(f"  machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, Django {django_module.get_version()}; "
          f"PostgreSQL {'from DATABASE_URL' if reuse_database else 'embedded, fsync off'}; "
          f"load average before the race {load_before:.1f} (other processes share the CPUs)")
    print(f"  product: “{PRODUCT_NAME}”, {books['stock']} units in one warehouse")
    print(f"  buyers: {len(buyers)}, each signed in, wanting {'/'.join(map(str, args.quantities))} unit(s) "
          f"({wanted} units in all), all POSTing the checkout form at once")
    print()
    rows = [
        ("orders placed", len(placed)),
        ("units sold (order lines)", books["units_ordered"]),
        ("units reserved (active holds)", books["units_reserved"]),
        ("units left to sell", books["available"]),
        ("oversold (must be 0)", oversold),
        ("refused with the stock message", len(refused)),
        ("errors (must be 0)", len(errors)),
    ]
    for label, value in rows:
        print(f"  {label:32} {value:>8}")
    if answered:
        print(f"  {'checkout latency p50 ms':32} {percentile(answered, 50):>8.0f}")
        print(f"  {'checkout latency p95 ms':32} {percentile(answered, 95):>8.0f}")
        print(f"  {'checkout latency max ms':32} {max(answered):>8.0f}")
        placed_ms = [b.latency_ms for b in placed]
        if placed_ms:
            print(f"  {'p50 ms of placed orders':32} {percentile(placed_ms, 50):>8.0f}")
        print(f"  {'race wall time s':32} {wall:>8.2f}  ({len(answered) / wall:.0f} checkouts/s)")
    for buyer in errors[:5]:
        print(f"  error: customer {buyer.customer_id}: {buyer.error or f'HTTP {buyer.status} {buyer.location}'} "
              f"{buyer.body[:200]!r}")
    for problem in disagreements:
        print(f"  DISAGREEMENT: {problem}")
    ok = oversold == 0 and not errors and not disagreements and len(placed) + len(refused) == len(buyers)
    print()
    print("Result: " + ("no overselling, every buyer got an order or a clear refusal." if ok else "FAILED."))
    if errors and log_path.exists():
        print("Daphne's log, last lines:")
        print("\n".join(log_path.read_text(errors="replace").splitlines()[-40:]))
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--buyers", type=int, default=200)
    parser.add_argument("--stock", type=int, default=50)
    parser.add_argument("--quantities", type=int, nargs="+", default=[1],
                        help="units in the buyers' carts, given to the buyers in turn (default: 1 each)")
    parser.add_argument("--keep", action="store_true", help="keep the tenant when DATABASE_URL is set")
    args = parser.parse_args()
    if args.buyers < 1 or args.stock < 0 or any(not 1 <= q <= 999 for q in args.quantities):
        parser.error("need at least one buyer, stock of 0 or more and quantities from 1 to 999")

    from cabinet.launcher import embedded_services

    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kabinet-bench-")))
        if os.name == "posix" and os.geteuid() == 0:
            tmp.chmod(0o755)  # the embedded PostgreSQL runs as its own OS user
        os.environ.setdefault("KABINET_DATA_DIR", str(tmp / "files"))
        (Path(os.environ["KABINET_DATA_DIR"]) / "static").mkdir(parents=True, exist_ok=True)
        reuse_database = bool(os.environ.get("DATABASE_URL"))
        service_env = stack.enter_context(embedded_services(tmp, persist=False))
        return run(args, service_env, reuse_database, tmp)


if __name__ == "__main__":
    sys.exit(main())
