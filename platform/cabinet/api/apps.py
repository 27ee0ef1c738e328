from django.apps import AppConfig

from cabinet.registry import PeriodicTask


class ApiConfig(AppConfig):
    """The API core: schema hooks, errors and idempotency shared by every module's API."""

    name = "cabinet.api"
    label = "api"
    verbose_name = "API"
    periodic_tasks = (PeriodicTask("cabinet.portal.tasks.delete_old_idempotency_records", every=3600.0),)
