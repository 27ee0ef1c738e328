"""Background work of the catalog. Each task runs inside one tenant's schema (tenant-schemas-celery carries it)."""

from django.utils import timezone

from cabinet.celery import app
from cabinet.portal.gating import module_task

from . import services


@app.task(name="cabinet.catalog.tasks.expire_reservations", ignore_result=True)
@module_task("catalog")
def expire_reservations() -> int:
    """Returns to sale the tenant's reservations whose time ran out."""
    return services.expire_reservations(timezone.now())


@app.task(name="cabinet.catalog.tasks.expire_reservations_everywhere", ignore_result=True)
def expire_reservations_everywhere() -> int:
    """Run by beat in the public schema: queues the per-tenant task in every active tenant's schema
    (where the catalog is off, that task does nothing)."""
    from tenants.services import queue_in_every_business

    return queue_in_every_business(expire_reservations)
