"""The cache backend: Django's Redis cache that degrades instead of failing.

The cache is an optimisation. When Redis does not answer within `socket_timeout` (paused, restarting, out of
reach), every operation behaves as on an empty cache that keeps nothing: `get` gives the default, `set` and
`delete` do nothing, `add` reports that it added (so a rate limit lets the request through rather than
refusing everyone), `incr` raises ValueError as for a missing key. After a failure Redis is left alone for
`retry_seconds` by the whole process (every thread and request), so requests do not each wait for the
timeout; one warning is logged when the outage starts and one line when Redis answers again. Keys whose `delete` failed meanwhile are deleted on recovery, so a
portal state changed during the outage is not served stale from Redis afterwards.

OPTIONS (besides the redis-py pool's own, e.g. socket_timeout): `retry_seconds` (default 2).
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from typing import Any

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

FAILURES = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)
PENDING_DELETES_LIMIT = 10_000


class _Outage:
    """Per process: since when Redis is considered down, and the deletes to replay when it is back."""

    def __init__(self, retry_seconds: float) -> None:
        self.retry_seconds = retry_seconds
        self.down_since: float | None = None
        self.next_try = 0.0
        self.pending_deletes: set[str] = set()
        self.lock = threading.Lock()

    def skip(self) -> bool:
        return self.down_since is not None and time.monotonic() < self.next_try

    def failed(self, error: BaseException) -> None:
        with self.lock:
            now = time.monotonic()
            first = self.down_since is None
            if first:
                self.down_since = now
            self.next_try = now + self.retry_seconds
        if first:
            logger.warning("Redis cache unavailable (%s: %s); serving without the cache and retrying every %.0f s",
                           error.__class__.__name__, error, self.retry_seconds)

    def recovered(self) -> None:
        with self.lock:
            if self.down_since is None:
                return
            lasted = time.monotonic() - self.down_since
            self.down_since = None
        logger.warning("Redis cache is back after %.1f s", lasted)


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(location: str, retry_seconds: float) -> _Outage:
    """One outage state per Redis server and process. Django makes a cache object per thread and per async
    context, i.e. per request under ASGI: the state must outlive them, or every request would wait for the
    timeout again and log again."""
    with _outages_lock:
        outage = _outages.get(location)
        if outage is None:
            outage = _outages[location] = _Outage(retry_seconds)
        return outage


def _degrading(fallback: Any):
    """Runs the cache operation unless Redis is known to be down; on a Redis failure returns `fallback`
    (called with the arguments, when callable)."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self: ResilientRedisCache, *args: Any, **kwargs: Any) -> Any:
            outage = self._outage
            if not outage.skip():
                try:
                    if outage.down_since is not None:
                        self._recover()  # raises while Redis is still down
                    return method(self, *args, **kwargs)
                except FAILURES as error:
                    outage.failed(error)
            return fallback(self, *args, **kwargs) if callable(fallback) else fallback

        return wrapper

    return decorate


def _default(self, key, default=None, version=None):
    return default


def _missing(self, key, delta=1, version=None):
    raise ValueError(f"Key '{key}' not found")


def _remember_delete(self, key, version=None):
    self._remember(self.make_and_validate_key(key, version=version))
    return False


def _remember_delete_many(self, keys, version=None):
    for key in keys:
        self._remember(self.make_and_validate_key(key, version=version))


class _SharedClient(RedisCacheClient):
    """Django's Redis client, keeping one redis-py client per connection pool: Django's makes a new one (with
    its table of some 200 response callbacks) for every cache operation."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, redis.Redis] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


_clients: dict[tuple[str, str], _SharedClient] = {}
_clients_lock = threading.Lock()


class ResilientRedisCache(RedisCache):
    # Set by Django's RedisCache.__init__; its type stubs do not declare them.
    _servers: list[str]
    _options: dict[str, Any]

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        params = {**params, "OPTIONS": dict(params.get("OPTIONS") or {})}
        retry_seconds = float(params["OPTIONS"].pop("retry_seconds", 2))
        super().__init__(server, params)
        self._outage = _outage_for(str(server), retry_seconds)

    @property
    def _cache(self) -> _SharedClient:  # type: ignore[override]
        """One client (and so one connection pool) per Redis server and process. Django makes a cache object
        per thread and per async context, i.e. per request under ASGI, and each made its own pool: a new
        connection to Redis for every request."""
        index = (str(self._servers), repr(sorted(self._options.items())))
        client = _clients.get(index)
        if client is None:
            with _clients_lock:
                client = _clients.get(index)
                if client is None:
                    client = _clients[index] = _SharedClient(self._servers, **self._options)
        return client

    @property
    def degraded(self) -> bool:
        """Whether the last attempt to reach Redis failed (this process's view)."""
        return self._outage.down_since is not None

    def _remember(self, raw_key: str) -> None:
        pending = self._outage.pending_deletes
        if len(pending) < PENDING_DELETES_LIMIT:
            pending.add(raw_key)

    def _recover(self) -> None:
        """After an outage: the deletes that failed meanwhile (or a ping), then the cache is used again."""
        client = self._cache.get_client(write=True)
        pending = set(self._outage.pending_deletes)
        if pending:
            client.delete(*pending)
        else:
            client.ping()
        self._outage.pending_deletes -= pending
        self._outage.recovered()

    add = _degrading(True)(RedisCache.add)
    get = _degrading(_default)(RedisCache.get)
    set = _degrading(None)(RedisCache.set)
    touch = _degrading(False)(RedisCache.touch)
    delete = _degrading(_remember_delete)(RedisCache.delete)
    get_many = _degrading(lambda self, keys, version=None: {})(RedisCache.get_many)
    has_key = _degrading(False)(RedisCache.has_key)
    incr = _degrading(_missing)(RedisCache.incr)
    set_many = _degrading(lambda self, data, timeout=None, version=None: list(data))(RedisCache.set_many)
    delete_many = _degrading(_remember_delete_many)(RedisCache.delete_many)
    clear = _degrading(False)(RedisCache.clear)
