"""What the benchmarks share: the services they run against, Django on top of them, the business they measure
and the percentile they report. Import it as `benchmarks._services` after putting the repository root on
sys.path (the benchmarks folder itself stays off sys.path: its http.py is not the standard library's)."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path


def percentile(values: list[float], p: float) -> float:
    xs = sorted(values)
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def with_services(run: Callable[[dict[str, str]], int]) -> int:
    """Runs `run(service_env)` with PostgreSQL and Redis: embedded ones in a temporary directory, removed after
    (unless DATABASE_URL / REDIS_URL are set, which the launcher then uses)."""
    from cabinet.launcher import embedded_services

    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kabinet-bench-")))
        if os.name == "posix" and os.geteuid() == 0:
            tmp.chmod(0o755)  # the embedded PostgreSQL runs as its own OS user
        os.environ.setdefault("KABINET_DATA_DIR", str(tmp / "files"))
        return run(stack.enter_context(embedded_services(tmp, persist=False)))


def start_platform(service_env: dict[str, str]) -> None:
    """Django on the services (tasks run inline: no worker here), migrated with its template schema."""
    os.environ.update(service_env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "cabinet.settings"
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_hex(16))
    os.environ["KABINET_CACHE_PREFIX"] = f"kabinet-bench-{secrets.token_hex(4)}"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    print("Setting up the platform (migrations, template schema)...", flush=True)
    call_command("setup_platform", spares=0, verbosity=0)
    connection.set_schema_to_public()


def bench_business(slug: str, name: str, vertical: str):
    """The measured business, made once (from migrations, not a spare schema) and found again on later runs."""
    from tenants import services
    from tenants.models import Tenant

    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is None:
        tenant = services.create_tenant(slug=slug, name=name, vertical=vertical, owner_email="owner@bench.example.com",
                                        owner_password=None, use_spare=False).tenant
    return tenant
