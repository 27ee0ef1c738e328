"""Background work of accounts. Each per-tenant task runs inside one tenant's schema (tenant-schemas-celery
carries it)."""

from cabinet.celery import app

from . import services


@app.task(name="cabinet.accounts.tasks.delete_old_account_records", ignore_result=True)
def delete_old_account_records() -> int:
    """Forgets sign-in attempts and e-mail requests past their keeping time in the current schema."""
    return services.delete_old_account_records()


@app.task(name="cabinet.accounts.tasks.delete_old_account_records_everywhere", ignore_result=True)
def delete_old_account_records_everywhere() -> int:
    """Run daily by beat in the public schema: cleans the console's own records here and queues the
    per-tenant task in every active tenant's schema."""
    from tenants.services import queue_in_every_business

    services.delete_old_account_records()
    return queue_in_every_business(delete_old_account_records)
