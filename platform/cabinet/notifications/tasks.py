"""Background delivery of notifications, in the schema of the tenant that queued them."""

from __future__ import annotations

from cabinet.celery import app

from . import delivery

BATCH = 200


@app.task(ignore_result=True, acks_late=True)
def deliver(delivery_ids: list[int]) -> int:
    """Sends the given outbox rows (those still due; a row another worker sent is skipped). Safe to run
    twice: acks_late lets the broker hand a killed worker's batch to another."""
    return sum(delivery.deliver_one(pk) == "sent" for pk in delivery_ids)


@app.task(ignore_result=True)
def sweep() -> int:
    """Queues what is due in this tenant: retries, rows held by quiet hours, lost or stuck tasks."""
    due = delivery.sweep()
    for start in range(0, len(due), BATCH):
        deliver.delay(due[start:start + BATCH])
    return len(due)


@app.task(ignore_result=True)
def sweep_everywhere() -> int:
    from tenants.services import queue_in_every_business

    return queue_in_every_business(sweep)
