"""Celery app. Tasks run inside the schema of the tenant that queued them (tenant-schemas-celery)."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cabinet.settings")

app = CeleryApp("cabinet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def task_named(name: str):
    """The task registered under `name` (its explicit `name=`). A service queues its own module's tasks by name,
    so that it need not import the tasks module that imports it (no cycle between a module's services and
    its tasks)."""
    if name not in app.tasks:
        app.loader.import_default_modules()  # the tasks modules of every app (a web process may not have them)
    return app.tasks[name]
