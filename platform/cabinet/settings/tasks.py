"""Celery: the broker, the beat schedule of the platform's own periodic work."""

from cabinet.settings.core import CACHE_PREFIX, REDIS_URL, TENANT_DOMAIN_CACHE_SECONDS
from cabinet.settings.environment import env_bool
from cabinet.settings.messages import NOTIFICATIONS_SWEEP_SECONDS

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "global_keyprefix": f"{CACHE_PREFIX}:celery:"}
CELERY_BEAT_SCHEDULE = {
    "refill-spare-schemas": {"task": "tenants.tasks.refill_spare_schemas", "schedule": 60.0},
    # Module and core work in every business: the registry's periodic tasks (Module.periodic_tasks), each
    # queued when due in the businesses where its module is on.
    "periodic-work": {"task": "cabinet.portal.tasks.run_periodic_work", "schedule": 60.0},
}
# Notifications: the sweep delivers what is due (retries, held by quiet hours, lost or stuck tasks).
CELERY_BEAT_SCHEDULE["notifications-sweep"] = {
    "task": "cabinet.notifications.tasks.sweep_everywhere", "schedule": NOTIFICATIONS_SWEEP_SECONDS}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER")
# tenant-schemas-celery looks the task's tenant up by schema name: keep it in each worker process for as long
# as the web processes keep host → tenant, instead of one public-schema query per task.
CELERY_TASK_TENANT_CACHE_SECONDS = int(TENANT_DOMAIN_CACHE_SECONDS)
# What a task prints (the local mailbox's one line per message) reaches the terminal as it is, not as a log record.
CELERY_WORKER_REDIRECT_STDOUTS = False
