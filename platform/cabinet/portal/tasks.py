"""Background work of the portal core. Each per-tenant task runs inside one tenant's schema
(tenant-schemas-celery carries it)."""

from cabinet.celery import app

from . import services


@app.task(name="cabinet.portal.tasks.delete_old_idempotency_records", ignore_result=True)
def delete_old_idempotency_records() -> int:
    """Forgets stored answers of idempotent requests older than 24 hours."""
    return services.delete_old_idempotency_records()


@app.task(name="cabinet.portal.tasks.delete_old_idempotency_records_everywhere", ignore_result=True)
def delete_old_idempotency_records_everywhere() -> int:
    """Run hourly by beat in the public schema: queues the per-tenant task in every active tenant's schema."""
    from tenants.services import queue_in_every_business

    return queue_in_every_business(delete_old_idempotency_records)
