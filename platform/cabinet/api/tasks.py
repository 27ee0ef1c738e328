"""Background work of the API core. Task names stay those they were queued under before the move."""

from cabinet.celery import app

from . import services


@app.task(name="cabinet.portal.tasks.delete_old_idempotency_records", ignore_result=True)
def delete_old_idempotency_records() -> int:
    """Forgets stored answers of idempotent requests older than 24 hours."""
    return services.delete_old_idempotency_records()
