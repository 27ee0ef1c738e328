from django.apps import AppConfig

from cabinet.registry import PeriodicTask


class PortalConfig(AppConfig):
    name = "cabinet.portal"
    label = "portal"
    verbose_name = "Portal"
    periodic_tasks = (PeriodicTask("cabinet.portal.tasks.delete_old_idempotency_records", every=3600.0),)
