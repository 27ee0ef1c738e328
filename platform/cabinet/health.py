"""Health probes on any host, answered before tenant routing (docs/operations: probes).

- `GET /livez`: liveness. The process is alive and its event loop answers; no I/O at all.
- `GET /readyz`: readiness. 200 while the database answers (Redis is reported, but pages are served without
  it, so a Redis outage does not take every pod out of service); 503 when the database does not.
- `GET /healthz`: the full report for monitors: 200 only when the database and Redis both answer, else 503,
  with the failing part named.

The database and Redis are checked at most once a second per process, by one thread at a time; concurrent
probes get the last result. Under ASGI `cabinet.asgi` answers all three before Django (no request thread);
the middleware here answers them for the WSGI entry point and the test client.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse

LIVENESS_PATH = "/livez"
READINESS_PATH = "/readyz"
REPORT_PATH = "/healthz"
PROBE_PATHS = frozenset({LIVENESS_PATH, READINESS_PATH, REPORT_PATH})
CHECK_SECONDS = 1.0

_lock = threading.Lock()
_last: tuple[str, float, dict[str, str]] | None = None  # (what was checked, when, result)


def database_status() -> str:
    try:
        connection.set_schema_to_public()  # type: ignore[attr-defined]  # django-tenants
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - a health check reports every failure as data
        return f"error: {exc.__class__.__name__}"
    return "ok"


def redis_status() -> str:
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:  # noqa: BLE001
        return f"error: {exc.__class__.__name__}"
    return "ok"


def _target() -> str:
    db = settings.DATABASES["default"]
    return f"{db.get('HOST')}:{db.get('PORT')}/{db.get('NAME')}|{settings.REDIS_URL}"


def fresh_checks() -> dict[str, str] | None:
    """The last result if it is under a second old (no I/O), else None."""
    last = _last
    if last is not None and last[0] == _target() and time.monotonic() - last[1] < CHECK_SECONDS:
        return last[2]
    return None


def checks(*, close_connection: bool = False) -> dict[str, str]:
    """{"database": ..., "redis": ...}, each "ok" or "error: <kind>"; checked at most once a second.
    close_connection: close this thread's database connection afterwards (outside a request)."""
    global _last
    result = fresh_checks()
    if result is not None:
        return result
    target = _target()
    if not _lock.acquire(blocking=_last is None or _last[0] != target):
        return _last[2] if _last is not None else {}  # someone is checking; the last result stands meanwhile
    try:
        result = fresh_checks()
        if result is None:
            result = {"database": database_status(), "redis": redis_status()}
            _last = (target, time.monotonic(), result)
            if close_connection:
                connection.close()
        return result
    finally:
        _lock.release()


def probe(path: str, result: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    """HTTP status and JSON body of a probe path (one of PROBE_PATHS), from `result` when given (no I/O)
    or from checks()."""
    if path == LIVENESS_PATH:
        return 200, {"status": "ok"}
    if result is None:
        result = checks()
    if path == READINESS_PATH:
        if result.get("database") != "ok":
            return 503, {"status": "error", **result}
        return 200, {"status": "ok" if result.get("redis") == "ok" else "degraded", **result}
    healthy = all(value == "ok" for value in result.values())
    return (200 if healthy else 503), {"status": "ok" if healthy else "error", **result}


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path not in PROBE_PATHS:
            return self.get_response(request)
        status, body = probe(request.path)
        return JsonResponse(body, status=status)
