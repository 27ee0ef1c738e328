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
