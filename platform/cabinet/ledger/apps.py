from django.apps import AppConfig

from cabinet.registry import PeriodicTask


class LedgerConfig(AppConfig):
    name = "cabinet.ledger"
    label = "ledger"
    verbose_name = "Ledger"
    default_auto_field = "django.db.models.BigAutoField"
    # Every night each business's balances are recomputed from their entries (cabinet.ledger.reconciliation).
    periodic_tasks = (PeriodicTask("cabinet.ledger.tasks.reconcile_business_ledger", every=86400.0),)
