"""`manage.py reconcile_ledger [--schema t_x]`: recomputes every balance of every business (or one) from its
entries and prints each difference; the answer must be 0. Exits 1 when any is found."""

import sys
import time

from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from cabinet.ledger import reconciliation
from cabinet.tenancy import business_schemas


class Command(BaseCommand):
    help = "Recompute every ledger balance from its entries and report any difference (the answer must be 0)."

    def add_arguments(self, parser):
        parser.add_argument("--schema", action="append", help="only this schema (may be repeated)")

    def handle(self, *args, schema=None, **options):
        schemas = schema or business_schemas()
        started = time.perf_counter()
        accounts = differences = 0
        live = self.stdout.isatty()
        for number, name in enumerate(schemas, start=1):
            with schema_context(name):
                run = reconciliation.reconcile()
            accounts += run.checked_accounts
            differences += len(run.differences)
            for difference in run.differences:
                self.stdout.write(f"\n  {name}: {difference}")
            line = f"Reconciling ledgers {number}/{len(schemas)} ({accounts} accounts, {differences} differences)"
            self.stdout.write(("\r" + line) if live else line, ending="" if live else "\n")
        if live:
            self.stdout.write("")
        self.stdout.write(f"{accounts} accounts in {len(schemas)} businesses checked in "
                          f"{time.perf_counter() - started:.1f} s: {differences} differences.")
        if differences:
            sys.exit(1)
