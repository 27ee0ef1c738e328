#!/usr/bin/env python
"""Measures how long creating a business tenant takes, three ways (docs/provisioning.md):

  migrations  Tenant row + Domain, CREATE SCHEMA + every tenant migration (`migrate_schemas`), owner user:
              what django-tenants does when there is no template schema.
  clone       tenants.services.create_tenant(use_spare=False): the template schema is cloned.
  spare       tenants.services.create_tenant(use_spare=True): a spare schema, cloned ahead by
              tenants.services.refill_spare_schemas (not timed: the Celery beat task does it), is renamed.

Every way does the same whole signup: validation, Tenant row, Domain, schema, owner with a hashed password,
one after another, each on a new database connection as in a web request (CONN_MAX_AGE=0). The fast path
is run once more with no owner password ("spare-nopw", skip with --no-extra) to show the PBKDF2 share,
and make_password is timed after each signup as well. Machine facts, the PostgreSQL settings and how busy
the machine was with other processes are printed with the results: numbers from a busy machine are noise.

    .venv/bin/python benchmarks/provisioning.py [--n 20] [--warmup 1]

With DATABASE_URL / REDIS_URL unset it starts embedded PostgreSQL and Redis in a temporary directory
(cabinet.launcher.embedded_services) and throws them away afterwards. With DATABASE_URL set it uses that
database, runs `setup_platform` on it (migrations, template) and deletes the tenants it made.
Celery tasks queued by create_tenant (the refill after each signup) go to a Redis key prefix of their own,
so no running worker picks them up during the measurement; they are purged at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform as stdlib_platform  # the standard library's module; our platform/ dir is a source root
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, ROOT / "platform"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

TARGET_P95_SECONDS = 1.0  # the target for the fast path
VERTICAL = "clinic"
WAYS = ("migrations", "clone", "spare")
# Not a fourth way: the fast path once more with no owner password (owner invited by a sign-in link,
# as `manage.py create_tenant` without --password-stdin), to show what is left without PBKDF2.
NO_PASSWORD = "spare-nopw"
SLUG_PREFIX = {"migrations": "bench-mig", "clone": "bench-clone", "spare": "bench-spare", NO_PASSWORD: "bench-nopw"}


def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    xs = sorted(values)
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def slug_for(way: str, i: int) -> str:
    return f"{SLUG_PREFIX[way]}-{i:02d}"


# --- the three ways (called after django.setup()) -------------------------------------------------------

def signup_kwargs(slug: str, password: bool = True) -> dict:
    return {
        "slug": slug, "name": f"Benchmark {slug}", "vertical": VERTICAL, "owner_email": f"owner@{slug}.example.com",
        "owner_password": "Bx-" + secrets.token_urlsafe(12) if password else None, "owner_name": "Benchmark owner",
    }


def create_by_migrations(*, slug, name, vertical, owner_email, owner_password, owner_name):
    """create_tenant with the schema step replaced by what django-tenants does without a template
    (TenantMixin.create_schema: CREATE SCHEMA, then migrate_schemas for that schema)."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.core.management import call_command
    from django.db import connection, transaction
    from django_tenants.utils import tenant_context

    from tenants import services
    from tenants.models import Domain, Tenant

    errors = services.validate_new_tenant(slug=slug, name=name, vertical=vertical, owner_email=owner_email,
                                          owner_password=owner_password)
    if errors:
        raise ValidationError(errors)
    connection.set_schema_to_public()
    with transaction.atomic():
        tenant = Tenant.objects.create(
            schema_name=services.schema_name_for(slug), slug=slug, name=name, vertical=vertical,
            owner_email=owner_email, kind=Tenant.Kind.BUSINESS)
        Domain.objects.create(domain=services.domain_for(slug), tenant=tenant, is_primary=True)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {connection.ops.quote_name(tenant.schema_name)}")  # noqa: S608 (quoted)
    call_command("migrate_schemas", tenant=True, schema_name=tenant.schema_name, interactive=False, verbosity=0)
    with tenant_context(tenant):
        get_user_model().objects.create_user(owner_email, owner_password, full_name=owner_name, role="owner",
                                             is_staff=True)
    connection.set_schema_to_public()
    return tenant, False


def create_by_service(use_spare: bool):
    def create(**kwargs):
        from tenants import services

        created = services.create_tenant(**kwargs, use_spare=use_spare)
        return created.tenant, created.fast_path
    return create


# --- helpers ---------------------------------------------------------------------------------------------

def machine_facts() -> list[tuple[str, str]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0]
        settings_rows = []
        for name in ("fsync", "synchronous_commit", "shared_buffers"):
            cursor.execute(f"SHOW {name}")
            settings_rows.append(f"{name}={cursor.fetchone()[0]}")
    import django

    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [
        ("CPUs", f"{os.cpu_count()} (usable by this process: {affinity})"),
        ("Machine", f"{stdlib_platform.machine()}, {stdlib_platform.system()} {stdlib_platform.release()}"),
        ("Python / Django", f"{stdlib_platform.python_version()} / {django.get_version()}"),
        ("PostgreSQL", version),
        ("PostgreSQL settings", ", ".join(settings_rows)),
    ]


def schema_count() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' "
                       "AND nspname <> 'information_schema'")
        return cursor.fetchone()[0]


def schema_facts(schema_name: str) -> tuple[int, str]:
    """Tables in a schema and the md5 of its applied migrations (to check the three ways agree)."""
    from django.db import connection

    from tenants import services

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = %s", [schema_name])
        tables = cursor.fetchone()[0]
    return tables, services._migrations_digest(schema_name)


class CpuMeter:
    """How busy the whole machine was during a stretch, and how much of that was not this benchmark
    (this process and its children, e.g. the embedded PostgreSQL). The machine may be shared; numbers
    taken while something else ran are not comparable."""

    note = ""  # set when the database server is not a child of this process (its work counts as "other")

    def __init__(self):
        self.start = self._sample()

    @staticmethod
    def _ticks(pid: str) -> tuple[int, int]:
        """(ppid, utime+stime+cutime+cstime) of a process from /proc/<pid>/stat."""
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[1]), sum(int(x) for x in fields[11:15])

    def _sample(self) -> tuple[float, int, int] | None:
        try:
            with open("/proc/stat") as f:
                cpu = [int(x) for x in f.readline().split()[1:]]
            busy = sum(cpu) - cpu[3] - cpu[4]  # all but idle and iowait
            procs = {}
            for pid in os.listdir("/proc"):
                if pid.isdigit():
                    with contextlib.suppress(OSError, ValueError, IndexError):
                        procs[int(pid)] = self._ticks(pid)
            me, ours, frontier = os.getpid(), 0, [os.getpid()]
            tree = {me}
            while frontier:  # this process and its descendants
                parent = frontier.pop()
                for pid, (ppid, _t) in procs.items():
                    if ppid == parent and pid not in tree:
                        tree.add(pid)
                        frontier.append(pid)
            own = os.times()
            ours = int((own.user + own.system) * os.sysconf("SC_CLK_TCK"))
            ours += sum(procs[pid][1] for pid in tree if pid != me)
            return time.monotonic(), busy, ours
        except OSError:
            return None

    def report(self) -> str:
        end = self._sample()
        if not (self.start and end):
            return "n/a"
        hz, cpus = os.sysconf("SC_CLK_TCK"), os.cpu_count() or 1
        capacity = (end[0] - self.start[0]) * hz * cpus
        busy, ours = end[1] - self.start[1], end[2] - self.start[2]
        other = max(busy - ours, 0) / capacity
        return f"machine {busy / capacity:.0%} busy, other processes {other:.0%}{self.note}"


def measure_hashing(repeat: int = 5) -> list[float]:
    from django.contrib.auth.hashers import make_password

    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        make_password("Bx-" + secrets.token_urlsafe(12))
        times.append(time.perf_counter() - start)
    return times


def queued_messages(redis_url: str, prefix: str) -> tuple[int, int]:
    """(keys under our prefix, messages waiting in list keys among them)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    messages = sum(client.llen(key) for key in keys if client.type(key) == b"list")
    return len(keys), messages


def purge_prefix(redis_url: str, prefix: str) -> int:
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)
    return len(keys)


# --- the run ---------------------------------------------------------------------------------------------

def run(args, service_env: dict[str, str], reuse_database: bool) -> int:
    os.environ.update(service_env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "cabinet.settings"
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_hex(16))
    # Queued Celery tasks must not run inline during the measurement...
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    # ...nor be picked up by a worker that shares this Redis: our own key prefix (cache and Celery queues).
    prefix = f"kabinet-bench-{secrets.token_hex(4)}"
    os.environ["KABINET_CACHE_PREFIX"] = prefix

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections

    from cabinet import celery_app
    from tenants import services
    from tenants.models import SpareSchema, Tenant

    assert not celery_app.conf.task_always_eager, "Celery would run the refill inline"
    ways = list(args.ways)
    if "spare" in ways and not args.no_extra and NO_PASSWORD not in ways:
        ways.insert(ways.index("spare") + 1, NO_PASSWORD)
    per_way = args.n + args.warmup
    all_slugs = [slug_for(way, i) for way in SLUG_PREFIX for i in range(1, per_way + 1)]

    print("Setting up the platform (migrations, template schema)...", flush=True)
    t0 = time.perf_counter()
    call_command("setup_platform", spares=0, verbosity=0)
    print(f"  done in {time.perf_counter() - t0:.1f} s", flush=True)
    connection.set_schema_to_public()

    leftovers = list(Tenant.objects.filter(slug__in=all_slugs).values_list("slug", flat=True))
    if leftovers:
        if not args.delete_leftovers:
            print(f"Tenants from an earlier run exist ({', '.join(sorted(leftovers)[:5])}...). "
                  "Pass --delete-leftovers to delete them.", file=sys.stderr)
            return 2
        for tenant in Tenant.objects.filter(slug__in=leftovers):
            services.delete_tenant(tenant)

    spares_before = set(SpareSchema.objects.values_list("schema_name", flat=True))
    facts = machine_facts()
    creators = {"migrations": create_by_migrations, "clone": create_by_service(False),
                "spare": create_by_service(True), NO_PASSWORD: create_by_service(True)}
    results: dict[str, list[float]] = {}
    hashes: dict[str, list[float]] = {}  # make_password timed right after each signup (not part of it)
    context: dict[str, str] = {}
    pool: dict[str, str] = {}
    fast_paths: dict[str, int] = {}
    queued = (0, 0)
    try:
        for way in ways:
            if way in ("spare", NO_PASSWORD):
                # What the Celery beat task keeps ready; not part of a signup, so not timed. One spare per
                # connection, as the task makes a few per run (TENANT_SPARE_SCHEMAS, default 3).
                print(f"Refilling the spare pool to {per_way} (not timed)...", flush=True)
                t0, made = time.perf_counter(), 0
                for target in range(SpareSchema.objects.count() + 1, per_way + 1):
                    connections.close_all()
                    made += services.refill_spare_schemas(target)
                refill = time.perf_counter() - t0
                pool[way] = (f"{SpareSchema.objects.count()} spares ready before the timed runs ({made} made in "
                             f"{refill:.1f} s, {refill / max(made, 1):.2f} s a spare, not timed)")
            print(f"Creating {args.n} tenants by {way} (+{args.warmup} warm-up, not counted)...", flush=True)
            schemas_before = schema_count()
            times, hash_times, fast = [], [], 0
            connections.close_all()
            meter = None
            for i in range(1, per_way + 1):
                if i == args.warmup + 1:
                    meter = CpuMeter()
                kwargs = signup_kwargs(slug_for(way, i), password=way != NO_PASSWORD)
                start = time.perf_counter()
                tenant, fast_path = creators[way](**kwargs)
                elapsed = time.perf_counter() - start
                # As at the end of a web request (CONN_MAX_AGE=0): the next signup gets a new connection.
                # One long-lived connection makes every further clone slower (see docs/provisioning.md).
                connections.close_all()
                if i > args.warmup:
                    times.append(elapsed)
                    fast += bool(fast_path)
                    hash_times += measure_hashing(1)
                if args.verbose:
                    print(f"  {tenant.slug:16} {elapsed:7.3f} s{'  (warm-up)' if i <= args.warmup else ''}",
                          flush=True)
            results[way], hashes[way], fast_paths[way] = times, hash_times, fast
            quarter = max(len(times) // 4, 1)
            context[way] = (f"{schemas_before} schemas at the start; first {quarter} mean "
                            f"{sum(times[:quarter]) / quarter:.3f} s, last {quarter} mean "
                            f"{sum(times[-quarter:]) / quarter:.3f} s; {meter.report() if meter else 'n/a'}")
            print(f"  p50 {percentile(times, 50):.3f} s, p95 {percentile(times, 95):.3f} s; {context[way]}",
                  flush=True)
            if way in ("spare", NO_PASSWORD):
                pool[way] += f", {SpareSchema.objects.count()} left after"

        queued = queued_messages(settings.REDIS_URL, prefix)
        # Untimed check that every way produced the same schema as the template.
        shape = {way: schema_facts(services.schema_name_for(slug_for(way, args.warmup + 1))) for way in results}
        template_shape = schema_facts(settings.TENANT_BASE_SCHEMA)
    finally:
        connection.set_schema_to_public()
        if reuse_database:
            print("Deleting the benchmark tenants...", flush=True)
            for tenant in Tenant.objects.filter(slug__in=all_slugs):
                services.delete_tenant(tenant)
            for spare in SpareSchema.objects.exclude(schema_name__in=spares_before):
                services.drop_schema(spare.schema_name)
                spare.delete()
            if spares_before and SpareSchema.objects.count() < len(spares_before):
                services.refill_spare_schemas(len(spares_before))  # the pool as we found it
        purged = purge_prefix(settings.REDIS_URL, prefix)

    # --- report ---
    print()
    print("Tenant provisioning benchmark (whole signup: validation, Tenant row, Domain, schema, owner)")
    for key, value in facts:
        print(f"  {key + ':':21} {value}")
    print(f"  {'Tenants per way:':21} {args.n} (+{args.warmup} warm-up each, not counted), one after another, "
          "a new database connection for each; percentiles by linear interpolation")
    print()
    notes = {
        "migrations": "CREATE SCHEMA + migrate_schemas",
        "clone": "create_tenant(use_spare=False): clone of tenant_template",
        "spare": "create_tenant(use_spare=True): rename of a spare",
        NO_PASSWORD: "the same, owner without a password (no PBKDF2)",
    }
    print(f"  {'way':12} {'p50 s':>7} {'p95 s':>7} {'max s':>7} {'mean s':>7} {'hash s':>7}  notes")
    for way, times in results.items():
        hash_col = f"{percentile(hashes[way], 50):7.3f}" if way != NO_PASSWORD else f"{'-':>7}"
        got = f"; {fast_paths[way]}/{args.n} got a spare" if way in ("spare", NO_PASSWORD) else ""
        print(f"  {way:12} {percentile(times, 50):7.3f} {percentile(times, 95):7.3f} {max(times):7.3f} "
              f"{sum(times) / len(times):7.3f} {hash_col}  {notes[way]}{got}")
    print("  (hash s: median of make_password timed once right after each signup, outside it: "
          "the share of the signup that is password hashing)")
    for way in results:
        print(f"    {way:12} {context[way]}")
    print()
    for slow, fast in [("migrations", "clone"), ("migrations", "spare"), ("clone", "spare")]:
        if slow in results and fast in results:
            p50 = percentile(results[slow], 50) / percentile(results[fast], 50)
            p95 = percentile(results[slow], 95) / percentile(results[fast], 95)
            print(f"  {slow} / {fast}:".ljust(26) + f"p50 x{p50:.1f}, p95 x{p95:.1f}")
    all_hashes = [t for way in hashes for t in hashes[way]]
    if all_hashes:
        print(f"  Owner password hash ({settings.PASSWORD_HASHERS[0].rsplit('.', 1)[-1]}, {len(all_hashes)} "
              f"samples): median {percentile(all_hashes, 50):.3f} s, {min(all_hashes):.3f}-{max(all_hashes):.3f} s")
    for way in ("spare", NO_PASSWORD):
        if way in pool:
            print(f"  Spare pool for {way}: {pool[way]}")
    print(f"  Refill tasks queued by create_tenant (Celery, not eager): {queued[1]} message(s) in {queued[0]} "
          f"Redis key(s) under {prefix}:, none run; purged {purged} key(s)")
    if "spare" in results:
        p95 = percentile(results["spare"], 95)
        met = "MET" if p95 < TARGET_P95_SECONDS else "NOT MET"
        print(f"  Target: fast path (spare) p95 < {TARGET_P95_SECONDS:.1f} s -> {p95:.3f} s: {met}")
    print()
    print(f"  Schema check: template {template_shape[0]} tables, migrations md5 {template_shape[1]}")
    for way, (tables, digest) in shape.items():
        same = "same as template" if (tables, digest) == template_shape else "DIFFERS from template"
        print(f"    {way:12} {tables} tables, migrations md5 {digest} ({same})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20, help="tenants per way (default 20)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed tenants per way first (default 1)")
    parser.add_argument("--ways", nargs="+", choices=WAYS, default=list(WAYS),
                        help="which ways, in this order (default: %(default)s)")
    parser.add_argument("--no-extra", action="store_true",
                        help=f"skip the extra fast-path run without an owner password ({NO_PASSWORD})")
    parser.add_argument("--delete-leftovers", action="store_true",
                        help="delete bench-* tenants left by an interrupted run on a reused database")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every tenant's time")
    args = parser.parse_args(argv)
    if args.n < 1 or args.warmup < 0:
        parser.error("--n must be at least 1 and --warmup at least 0")

    from cabinet.launcher import embedded_services

    reuse_database = bool(os.environ.get("DATABASE_URL"))
    if reuse_database:
        CpuMeter.note = " (including the database server, not started by this script)"
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kabinet-bench-")))
        if os.name == "posix" and os.geteuid() == 0:
            tmp.chmod(0o755)  # the embedded PostgreSQL runs as its own OS user
        os.environ.setdefault("KABINET_DATA_DIR", str(tmp / "files"))
        if not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")):
            print("Starting embedded services in a temporary directory...", flush=True)
        service_env = stack.enter_context(embedded_services(tmp, persist=False))
        return run(args, service_env, reuse_database)


if __name__ == "__main__":
    sys.exit(main())
