"""Connects every business to the test Stripe of STRIPE_API_BASE with made-up test keys (through the same service
an owner's form uses) and prints "<slug> <webhook signing secret>" per business for the launcher."""

import secrets

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import get_public_schema_name, get_tenant_model, schema_context

from billing import services


class Command(BaseCommand):
    help = "Connect every business to the test Stripe (localstripe) of STRIPE_API_BASE."

    def handle(self, *args, **options):
        from django.conf import settings

        if not settings.STRIPE_API_BASE:
            raise CommandError("STRIPE_API_BASE is not set: this is for a test Stripe only.")
        for tenant in get_tenant_model().objects.exclude(schema_name=get_public_schema_name()).filter(
                kind="business").order_by("slug"):
            with schema_context(tenant.schema_name):
                from billing import selectors

                keys = selectors.business_keys()
                if keys is None:
                    token = secrets.token_hex(12)
                    services.connect_stripe_account(secret_key=f"sk_test_{token}", publishable_key=f"pk_test_{token}",
                                                    webhook_secret=f"whsec_{secrets.token_hex(16)}")
                    keys = selectors.business_keys()
                assert keys is not None
                self.stdout.write(f"{tenant.slug} {keys.webhook_secret}")
