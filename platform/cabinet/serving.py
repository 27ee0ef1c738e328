"""How the web server is started, the same way by `make run`, the HTTP benchmark and the Helm chart.

Uvicorn's own supervisor runs WEB_CONCURRENCY worker processes (default: the machine's cores) that share
one listening socket; each serves HTTP and WebSockets (Channels) for the whole ASGI application, restarts
when it dies, and warms itself up before it takes traffic (cabinet.warmup, run on import of cabinet.asgi).
docs/decisions.md says why this server and what was measured.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

ASGI_APPLICATION = "cabinet.asgi:application"


def web_concurrency(environ: Mapping[str, str] | None = None) -> int:
    """WEB_CONCURRENCY if set (a positive whole number), else the number of cores this process may use."""
    environ = os.environ if environ is None else environ
    value = environ.get("WEB_CONCURRENCY", "").strip()
    if value:
        try:
            workers = int(value)
        except ValueError:
            raise ValueError(f"WEB_CONCURRENCY must be a whole number, not {value!r}") from None
        if workers < 1:
            raise ValueError(f"WEB_CONCURRENCY must be at least 1, not {workers}")
        return workers
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def web_server_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment of the web server: `environ` with the database connection pool on unless it says
    otherwise (Celery's forked workers keep plain connections)."""
    return {**environ, "DATABASE_POOL": environ.get("DATABASE_POOL", "1")}


def web_server_command(*, bind: str, port: int, workers: int, python: str | None = None) -> list[str]:
    """The command line of the web server: Uvicorn with `workers` processes on bind:port."""
    return [
        python or sys.executable, "-m", "uvicorn", ASGI_APPLICATION,
        "--host", bind, "--port", str(port), "--workers", str(workers),
        "--loop", "uvloop", "--http", "httptools", "--ws", "websockets-sansio",
        "--lifespan", "off", "--no-access-log", "--no-server-header", "--log-level", "warning",
        "--backlog", "2048", "--timeout-keep-alive", "5", "--timeout-graceful-shutdown", "20",
        # the ingress or load balancer in front sets X-Forwarded-*; settings.TRUSTED_PROXY_COUNT decides
        # what the application believes, so Uvicorn passes the headers on untouched
        "--no-proxy-headers",
    ]
