"""Switched-off modules do nothing, in the background too."""

import functools
import logging

from django.db import connection

from .selectors import is_module_enabled

log = logging.getLogger(__name__)


def module_task(module_key: str):
    """Wraps a Celery task body (under `@app.task`): when the module is off for the tenant the task runs
    for (tenant-schemas-celery sets the schema), the task logs and returns None without doing anything."""

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            if not is_module_enabled(module_key):
                log.info("skipped %s: module %s is off for %s", func.__name__, module_key, connection.schema_name)
                return None
            return func(*args, **kwargs)

        return wrapper

    return decorator
