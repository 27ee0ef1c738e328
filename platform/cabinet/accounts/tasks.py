"""Background work of accounts. Each per-tenant task runs inside one tenant's schema (tenant-schemas-celery
carries it)."""

from cabinet.celery import app

from . import services


@app.task(name="cabinet.accounts.tasks.delete_old_account_records", ignore_result=True)
def delete_old_account_records() -> int:
    """Forgets sign-in attempts and e-mail requests past their keeping time in the current schema."""
    return services.delete_old_account_records()


@app.task(name="cabinet.accounts.tasks.announce_birthdays", ignore_result=True)
def announce_birthdays() -> int:
    """Announces today's birthdays of the current schema's customers (once a year each)."""
    return services.announce_birthdays()
