"""Celery app. Tasks run inside the schema of the tenant that queued them (tenant-schemas-celery)."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cabinet.settings")

app = CeleryApp("cabinet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
