from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def refill_spare_schemas() -> int:
    """Keeps TENANT_SPARE_SCHEMAS ready-made schemas so a signup only renames one (docs/provisioning.md).
    Idempotent: it only tops the pool up, so running it twice at once at worst makes one extra spare."""
    return services.refill_spare_schemas()
