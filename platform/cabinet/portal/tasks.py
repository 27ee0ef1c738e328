"""Background work of the portal core. Each per-tenant task runs inside one tenant's schema
(tenant-schemas-celery carries it)."""

import logging

from django.core.cache import cache
from django.db import connection

from cabinet import registry
from cabinet.celery import app, task_named
from cabinet.tenancy import queue_in_every_business

from .selectors import is_module_enabled

log = logging.getLogger(__name__)

PERIODIC_SLACK_SECONDS = 30  # beat's minute tick may come a little early or late; a round is never skipped


@app.task(name="cabinet.portal.tasks.run_periodic_work", ignore_result=True)
def run_periodic_work() -> dict[str, int]:
    """The one beat entry of module work (every minute, in the public schema): each periodic task of the
    registry that is due is queued in every active business whose module is on (core apps' tasks in every
    business), and in the public schema too when it asks. Returns how many schemas each task was queued in.
    Due-ness is a cache key per task that lives for its period, so several beats or a restart never queue
    a round twice."""
    queued: dict[str, int] = {}
    for periodic in registry.periodic_tasks():
        if not cache.add(f"periodic-work:{periodic.task}", 1, timeout=max(periodic.every - PERIODIC_SLACK_SECONDS, 1)):
            continue
        task = task_named(periodic.task)
        module = periodic.module
        count = queue_in_every_business(task, only_if=(lambda key=module: is_module_enabled(key)) if module else None)
        if periodic.also_public:
            task.delay()
            count += 1
        queued[periodic.task] = count
        log.info("periodic %s queued in %s schemas (from %s)", periodic.task, count, connection.schema_name)
    return queued
