"""Background work of the portal core. Each per-tenant task runs inside one tenant's schema
(tenant-schemas-celery carries it)."""

from cabinet.celery import app

from . import services


@app.task(ignore_result=True)
def delete_old_idempotency_records() -> int:
    """Forgets stored answers of idempotent requests older than 24 hours."""
    return services.delete_old_idempotency_records()


@app.task(ignore_result=True)
def delete_old_idempotency_records_everywhere() -> int:
    """Run hourly by beat in the public schema: queues the per-tenant task in every active tenant's schema."""
    from django_tenants.utils import schema_context

    from tenants.models import Tenant

    schemas = list(Tenant.objects.filter(kind=Tenant.Kind.BUSINESS, status=Tenant.Status.ACTIVE)
                   .values_list("schema_name", flat=True))
    for schema in schemas:
        with schema_context(schema):
            delete_old_idempotency_records.delay()
    return len(schemas)
