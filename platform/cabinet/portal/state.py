"""The cached portal state's key and how to drop it: a leaf both the reads and the writes of the portal use."""

from django.core.cache import cache
from django.db import transaction

STATE_CACHE_KEY = "portal-state:v2"  # the cache's key function adds the tenant's schema
STATE_CACHE_SECONDS = 300


def forget_portal_state() -> None:
    """Drops the cached state of the current tenant now and again once the running transaction commits
    (a request of another process may have cached the old state in between)."""
    cache.delete(STATE_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(STATE_CACHE_KEY))
