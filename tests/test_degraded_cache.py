"""Redis paused (SIGSTOP) under a running portal: pages keep answering from the database, sessions hold,
/healthz names Redis, one warning is logged, and the cache is used again once Redis answers."""

import logging
import os
import signal
import time

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.test import override_settings

from cabinet.launcher import EmbeddedRedis, free_port
from conftest import host_client
from tests.helpers import sign_in

SLOWEST_PAGE_SECONDS = 1.5  # Redis is given REDIS_CACHE_TIMEOUT (0.25 s) once, then left alone


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of this test's own, which it may pause without disturbing anyone else's tests."""
    server = EmbeddedRedis(tmp_path / "redis", free_port(), persist=False)
    server.start()
    caches = {"default": {**settings.CACHES["default"], "LOCATION": server.url}}
    with override_settings(CACHES=caches, REDIS_URL=server.url):
        yield server
    server.stop()


@pytest.fixture
def paused(own_redis):
    """Pauses the server while the block runs; resumes it whatever happens."""
    import contextlib

    @contextlib.contextmanager
    def pause():
        os.kill(own_redis.proc.pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(own_redis.proc.pid, signal.SIGCONT)

    return pause


@pytest.mark.slow
def test_pages_answer_while_redis_is_paused(alpha, own_redis, paused, caplog):
    client = host_client("alpha.localhost")
    sign_in(client, alpha, "customer@alpha.test")
    assert client.get("/").status_code == 200  # the portal state is in this Redis now
    time.sleep(1.1)  # the health checks' last result (Redis fine) is over a second old
    caplog.set_level(logging.WARNING, logger="cabinet.cache")
    with paused():
        for _ in range(12):
            started = time.monotonic()
            response = client.get("/")
            took = time.monotonic() - started
            assert response.status_code == 200, response.status_code
            assert b"dashboard-card" in response.content  # still signed in: the session is in the database
            assert took < SLOWEST_PAGE_SECONDS, f"a page took {took:.2f} s"
        assert client.get("/login/").status_code in (200, 302)
        health = host_client("localhost").get("/healthz")
        assert health.status_code == 503
        assert health.json()["database"] == "ok" and health.json()["redis"].startswith("error")
        ready = host_client("localhost").get("/readyz")
        assert ready.status_code == 200 and ready.json()["status"] == "degraded"
        assert host_client("localhost").get("/livez").status_code == 200
    outages = [r for r in caplog.records if "unavailable" in r.getMessage()]
    assert len(outages) == 1, [r.getMessage() for r in caplog.records]

    time.sleep(2.2)  # the cache's retry interval, and the health checks' second
    assert client.get("/").status_code == 200
    assert cache.set("back", 1) is None and cache.get("back") == 1
    assert host_client("localhost").get("/healthz").json() == {"status": "ok", "database": "ok", "redis": "ok"}
    assert any("is back" in r.getMessage() for r in caplog.records)


@pytest.mark.slow
def test_a_paused_cache_behaves_as_an_empty_one_and_replays_deletes(db, own_redis, paused):
    cache.set("kept", "old value")
    with paused():
        assert cache.get("kept", "default") == "default"
        assert cache.add("throttle", 1) is True  # rate limits let the request through
        with pytest.raises(ValueError):
            cache.incr("throttle")
        cache.delete("kept")  # e.g. a portal state changed meanwhile
        assert cache.get_many(["kept"]) == {}
        started = time.monotonic()
        for _ in range(50):
            cache.get("kept")
        # a request of its own (under ASGI, a cache object of its own) does not wait for the timeout either
        assert caches.create_connection("default").get("kept", "fresh") == "fresh"
        assert time.monotonic() - started < 0.5  # left alone after the first timeout, no wait per call
    time.sleep(2.2)
    assert cache.get("kept") is None  # the delete that failed was done on recovery
    assert cache.get("kept", "gone") == "gone"


def test_sessions_never_depend_on_redis():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
