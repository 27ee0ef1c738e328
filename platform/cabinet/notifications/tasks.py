"""Background delivery of notifications, in the schema of the tenant that queued them."""

from __future__ import annotations

from cabinet.celery import app
from cabinet.tenancy import queue_in_every_business

from . import delivery

BATCH = 200
# Other due rows of the same outbox a task takes along with its own: under load one task (one schema switch,
# one claim, one set of provider connections) sends many rows, and the tasks of the rows it took find
# nothing to do.
TAKE_ALONG = 100


@app.task(name="cabinet.notifications.tasks.deliver", ignore_result=True, acks_late=True)
def deliver(delivery_ids: list[int]) -> int:
    """Sends the given outbox rows (those still due; a row another worker sent is skipped) and up to
    TAKE_ALONG other due rows. Safe to run twice: acks_late lets the broker hand a killed worker's batch to
    another, and a row is sent only by the worker that claimed it."""
    return delivery.deliver_batch(delivery_ids, more=TAKE_ALONG).get("sent", 0)


@app.task(name="cabinet.notifications.tasks.sweep", ignore_result=True)
def sweep() -> int:
    """Queues what is due in this tenant: retries, rows held by quiet hours, lost or stuck tasks."""
    due = delivery.sweep()
    for start in range(0, len(due), BATCH):
        deliver.delay(due[start:start + BATCH])
    return len(due)


# Its own beat entry, not a registry periodic task: the registry's round runs once a minute, and retries start
# at 10 s; every business's outbox is swept, since notifications are core (no module switch gates them).
@app.task(name="cabinet.notifications.tasks.sweep_everywhere", ignore_result=True)
def sweep_everywhere() -> int:
    return queue_in_every_business(sweep)
