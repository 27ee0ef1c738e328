"""The web server as `make run` starts it: several processes on one socket, warmed up, serving HTTP and
WebSockets (Channels) for the test database."""

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings

from cabinet.launcher import ROOT, answers_http, free_port, stop_process, wait_until
from cabinet.serving import web_concurrency, web_server_command, web_server_environment


def test_web_concurrency_defaults_to_the_cores_and_takes_the_environment():
    assert web_concurrency({}) == len(os.sched_getaffinity(0))
    assert web_concurrency({"WEB_CONCURRENCY": " 3 "}) == 3
    for bad in ("0", "-1", "two"):
        with pytest.raises(ValueError, match="WEB_CONCURRENCY"):
            web_concurrency({"WEB_CONCURRENCY": bad})


def test_the_server_command_runs_the_asgi_application_with_the_workers():
    command = web_server_command(bind="0.0.0.0", port=8123, workers=4, python="python")
    assert command[:4] == ["python", "-m", "uvicorn", "cabinet.asgi:application"]
    assert command[command.index("--workers") + 1] == "4" and command[command.index("--port") + 1] == "8123"


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


@pytest.fixture(scope="module")
def live_server_processes(django_db_setup, django_db_blocker, tmp_path_factory):
    db = settings.DATABASES["default"]
    port = free_port()
    log_path = tmp_path_factory.mktemp("web") / "web.log"
    env = {**os.environ, "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "PLATFORM_URL_PORT": str(port), "WEB_WARMUP": "1"}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(web_server_command(bind="127.0.0.1", port=port, workers=2),
                                env=web_server_environment(env), cwd=ROOT,
                                stdout=log, stderr=log)
        try:
            wait_until(lambda: answers_http("127.0.0.1", port, "/livez") or proc.poll() is not None, 120, "web")
            assert proc.poll() is None, log_path.read_text()[-3000:]
            wait_until(lambda: log_path.read_text().count("warmed up in") >= 2, 60, "both workers' warm-up")
            yield port, proc, log_path
        finally:
            stop_process(proc, "web server")


def get(port: int, host: str, path: str):
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": host})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.mark.slow
def test_several_warmed_up_processes_serve_pages_and_probes(live_server_processes):
    port, proc, log_path = live_server_processes
    assert len(children_of(proc.pid)) >= 2
    log = log_path.read_text()
    assert "Warm-up step" not in log, log[-3000:]  # no warm-up step failed
    for _ in range(6):
        assert get(port, "alpha.localhost", "/login/")[0] == 200
    assert get(port, "localhost", "/")[0] == 200
    assert get(port, "alpha.localhost", "/livez") == (200, b'{"status": "ok"}')
    status, body = get(port, "localhost", "/readyz")
    assert status == 200 and b'"database": "ok"' in body


@pytest.mark.slow
def test_a_socket_connects_through_the_server(live_server_processes):
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    port = live_server_processes[0]

    def open_socket(host: str):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        return connect(f"ws://{host}:{port}/ws/ping/", sock=sock, open_timeout=10)

    for _ in range(4):  # whichever process takes the connection
        with open_socket("alpha.localhost") as ws:
            ws.send("ping")
            assert ws.recv(timeout=10) == "pong"
    with pytest.raises(InvalidStatus):  # an unknown host's socket is refused before any consumer runs
        open_socket("nobody.localhost")


@pytest.fixture
def signed_in_customer(django_db_setup, django_db_blocker):
    """A committed session of alpha's customer, which a server in another process can read."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django_tenants.utils import schema_context

    with django_db_blocker.unblock(), schema_context("t_alpha"):
        customer = get_user_model().objects.get(email="customer@alpha.test")
        session = SessionStore()
        session.update({SESSION_KEY: str(customer.pk), BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
                        HASH_SESSION_KEY: customer.get_session_auth_hash()})
        session.create()
    yield session.session_key
    with django_db_blocker.unblock(), schema_context("t_alpha"):
        session.delete()


@pytest.mark.slow
def test_the_real_server_serves_pages_while_its_redis_is_paused(signed_in_customer, tmp_path):
    import http.client
    import signal

    from cabinet.launcher import EmbeddedRedis

    redis = EmbeddedRedis(tmp_path / "redis", free_port(), persist=False)
    redis.start()
    db = settings.DATABASES["default"]
    port = free_port()
    log_path = tmp_path / "web.log"
    env = {**os.environ, "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "REDIS_URL": redis.url, "PLATFORM_URL_PORT": str(port), "WEB_WARMUP": "0"}

    def dashboard() -> tuple[int, float, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        started = time.monotonic()
        try:
            conn.request("GET", "/", headers={"Host": "alpha.localhost", "Cookie": f"sessionid={signed_in_customer}"})
            response = conn.getresponse()
            return response.status, time.monotonic() - started, response.read()
        finally:
            conn.close()

    with open(log_path, "wb") as log:
        proc = subprocess.Popen(web_server_command(bind="127.0.0.1", port=port, workers=1),
                                env=web_server_environment(env), cwd=ROOT, stdout=log, stderr=log)
    try:
        wait_until(lambda: answers_http("127.0.0.1", port, "/livez") or proc.poll() is not None, 120, "web")
        status, _took, body = dashboard()
        assert status == 200 and b"dashboard-card" in body
        time.sleep(1.1)  # the health checks' last result is over a second old
        os.kill(redis.proc.pid, signal.SIGSTOP)
        try:
            for _ in range(10):  # each request has a thread and a cache object of its own
                status, took, body = dashboard()
                assert status == 200 and b"dashboard-card" in body, status
                assert took < 1.5, f"a page took {took:.2f} s"
            status, body = get(port, "localhost", "/healthz")
            assert status == 503 and b'"redis": "error' in body and b'"database": "ok"' in body
            status, body = get(port, "localhost", "/readyz")
            assert status == 200 and b'"status": "degraded"' in body
        finally:
            os.kill(redis.proc.pid, signal.SIGCONT)
        time.sleep(2.2)
        assert dashboard()[0] == 200
        log_text = log_path.read_text()
        assert log_text.count("Redis cache unavailable") == 1, log_text[-3000:]
    finally:
        stop_process(proc, "web server")
        redis.stop()
