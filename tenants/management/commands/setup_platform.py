"""Brings a database up to date: migrations, the platform tenant, the template schema, spare schemas,
the first platform staff account and (with --demo) one demo business per vertical. Safe to run again."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django_tenants.utils import tenant_context

import verticals
from tenants import services
from tenants.models import Tenant

DEMO_OWNER_PASSWORD = "demo-owner-2026"


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="seed one demo business per vertical")
        parser.add_argument("--spares", type=int, default=None, help="spare schemas to keep ready")

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        # Public schema first, so the tenant table exists before tenants are listed and migrated.
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=max(verbosity - 1, 0))
        connection.set_schema_to_public()
        services.ensure_platform_tenant()
        services.ensure_template()
        call_command("migrate_schemas", tenant=True, interactive=False, verbosity=max(verbosity - 1, 0),
                     executor="multiprocessing" if Tenant.objects.count() > 20 else "standard")
        connection.set_schema_to_public()
        self._platform_admin()
        if options["demo"]:
            for vertical in verticals.VERTICALS.values():
                self._demo_tenant(vertical)
        made = services.refill_spare_schemas(options["spares"])
        if verbosity:
            self.stdout.write(f"Platform ready ({made} spare schemas made).")

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
