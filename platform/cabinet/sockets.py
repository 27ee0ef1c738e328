"""Database work of socket consumers, which never pass through Django's request cycle.

`in_tenant(tenant, fn)` runs `fn` in a worker thread with the tenant's schema set (a consumer's thread keeps
no schema of its own between frames), cleaning up stale connections before and after, as Channels'
`database_sync_to_async` does — except inside an atomic block (a test's transaction), which closing would
break."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from asgiref.sync import SyncToAsync
from django.db import close_old_connections, connections
from django_tenants.utils import tenant_context

T = TypeVar("T")


def _tidy() -> None:
    if not any(conn.in_atomic_block for conn in connections.all(initialized_only=True)):
        close_old_connections()


class DatabaseWork(SyncToAsync):
    def thread_handler(self, loop, *args, **kwargs):
        _tidy()
        try:
            return super().thread_handler(loop, *args, **kwargs)
        finally:
            _tidy()


database_work = DatabaseWork


async def in_tenant(tenant, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`fn(*args, **kwargs)` in the schema of `tenant`, off the event loop."""

    def run() -> T:
        with tenant_context(tenant):
            return fn(*args, **kwargs)

    return await DatabaseWork(run)()
