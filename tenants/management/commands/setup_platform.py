"""Brings a database up to date: migrations, the platform tenant, the template schema, spare schemas,
the first platform staff account and (with --demo) one demo business per vertical. Safe to run again.

Each step is printed as it runs (with a counter where there are many of one thing), so the minute of a first
`make run` is never a silent terminal; `--verbosity 0` prints nothing."""

import contextlib
import multiprocessing
import sys
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django_tenants.signals import schema_migrated
from django_tenants.utils import schema_exists, tenant_context

import verticals
from tenants import services
from tenants.checks import case_folding_warnings
from tenants.models import SpareSchema, Tenant

DEMO_OWNER_PASSWORD = "demo-owner-2026"


class Progress:
    """Prints "  what… done (1.2 s)", and for counted work "  what 3/7" updated in place on a terminal (a
    line per tenth elsewhere, so a log of hundreds of tenants stays short)."""

    def __init__(self, stream, enabled: bool):
        self.stream, self.enabled = stream, enabled
        self.tty = enabled and hasattr(stream, "isatty") and stream.isatty()

    def _write(self, text: str) -> None:
        if self.enabled:
            self.stream.write(text, ending="")
            self.stream.flush()

    @contextlib.contextmanager
    def step(self, what: str):
        self._write(f"  {what}… ")
        started = time.monotonic()
        try:
            yield
        except BaseException:
            self._write("failed\n")
            raise
        self._write(f"done ({time.monotonic() - started:.1f} s)\n")

    @contextlib.contextmanager
    def counter(self, what: str, total: int):
        """Yields tick(done, total=None, detail="")."""
        started = time.monotonic()
        state = {"done": 0, "total": total}

        def tick(done: int, new_total: int | None = None, detail: str = "") -> None:
            state["done"], state["total"] = done, new_total or state["total"]
            count = f"{done}/{state['total']}"
            if self.tty:
                self._write(f"\r  {what} {count}{f' ({detail})' if detail else ''}\033[K")
            elif done == state["total"] or done % max(state["total"] // 10, 1) == 0:
                self._write(f"  {what} {count}{f' ({detail})' if detail else ''}\n")

        if self.tty:
            self._write(f"  {what} 0/{total}")
        try:
            yield tick
        except BaseException:
            self._write(" failed\n")
            raise
        summary = f"  {what} {state['done']}/{state['total']} done ({time.monotonic() - started:.1f} s)"
        self._write(f"\r{summary}\033[K\n" if self.tty else f"{summary}\n")


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="seed one demo business per vertical")
        parser.add_argument("--spares", type=int, default=None, help="spare schemas to keep ready")

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        progress = Progress(self.stdout, enabled=verbosity >= 1)
        quiet = max(verbosity - 1, 0)
        # Public schema first, so the tenant table exists before tenants are listed and migrated.
        with progress.step("Migrating the public schema"):
            call_command("migrate_schemas", shared=True, interactive=False, verbosity=quiet)
        connection.set_schema_to_public()
        for warning in case_folding_warnings():
            self.stderr.write(self.style.WARNING(f"  Warning: {warning.msg}\n  {warning.hint}"))
        services.ensure_platform_tenant()
        if schema_exists(settings.TENANT_BASE_SCHEMA):
            services.ensure_template()
        else:
            with progress.step("Building the template schema new businesses are copied from (first start only)"):
                services.ensure_template()
        self._migrate_tenants(progress, quiet)
        connection.set_schema_to_public()
        self._platform_admin()
        if options["demo"]:
            demo = list(verticals.VERTICALS.values())
            with progress.counter("Demo businesses", len(demo)) as tick:
                for number, vertical in enumerate(demo, start=1):
                    self._demo_tenant(vertical)
                    tick(number, detail=str(vertical.demo_name))
        target = settings.TENANT_SPARE_SCHEMAS if options["spares"] is None else options["spares"]
        missing = max(target - SpareSchema.objects.count(), 0)
        if missing:
            with progress.counter("Spare schemas for fast signups", missing) as tick:
                made = services.refill_spare_schemas(target, progress=lambda done, total: tick(done, total))
        else:
            made = services.refill_spare_schemas(target)
        if verbosity:
            self.stdout.write(f"Platform ready ({made} spare schemas made).")

    def _migrate_tenants(self, progress: Progress, verbosity: int) -> None:
        """Every tenant schema (the template included), with a counter. The multiprocessing executor (for
        more than 20 schemas) migrates in forked workers, so the count is shared memory they all add to."""
        total = Tenant.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME).count()
        done = multiprocessing.Value("i", 0)
        with progress.counter("Migrating tenant schemas", total) as tick:
            def migrated(sender, schema_name, **kwargs):
                if schema_name == settings.PUBLIC_SCHEMA_NAME:
                    return
                with done.get_lock():
                    done.value += 1
                    tick(done.value, detail=schema_name)

            schema_migrated.connect(migrated, weak=False, dispatch_uid="setup_platform_counter")
            try:
                call_command("migrate_schemas", tenant=True, interactive=False, verbosity=verbosity,
                             executor="multiprocessing" if total > 20 else "standard")
            finally:
                schema_migrated.disconnect(dispatch_uid="setup_platform_counter")
                sys.stdout.flush()

    def _platform_admin(self):
        email, password = settings.PLATFORM_ADMIN_EMAIL, settings.PLATFORM_ADMIN_PASSWORD
        if not (email and password):
            return
        User = get_user_model()
        if not User.objects.filter(email__iexact=email).exists():
            User.objects.create_superuser(email, password, full_name="Platform admin")

    def _demo_tenant(self, vertical):
        tenant = Tenant.objects.filter(slug=vertical.demo_slug).first()
        if tenant is None:
            tenant = services.create_tenant(
                slug=vertical.demo_slug, name=vertical.demo_name, vertical=vertical.key,
                owner_email=f"owner@{vertical.demo_slug}.demo", owner_password=DEMO_OWNER_PASSWORD,
                owner_name=f"{vertical.demo_name} owner", is_demo=True).tenant
        # Outside the tenant's creating transaction: what the seeders do on commit (support's signals, the
        # demo invoice's e-mail task) then runs in the tenant's schema, not in the public one.
        with tenant_context(tenant):
            verticals.seed_demo_content(vertical)
