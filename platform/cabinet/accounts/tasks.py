"""Background work of accounts. Each per-tenant task runs inside one tenant's schema (tenant-schemas-celery
carries it)."""

from cabinet.celery import app

from . import services


@app.task(name="cabinet.accounts.tasks.delete_old_account_records", ignore_result=True)
def delete_old_account_records() -> int:
    """Forgets sign-in attempts and e-mail requests past their keeping time in the current schema."""
    return services.delete_old_account_records()
