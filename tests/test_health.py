import pytest
from django.test import override_settings

from conftest import host_client


@pytest.mark.parametrize("host", ["localhost", "alpha.localhost", "unknown.example.org"])
def test_healthz_on_any_host(db, host):
    response = host_client(host).get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_healthz_reports_a_broken_redis(db):
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
        response = host_client("localhost").get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and body["database"] == "ok" and body["redis"].startswith("error")


def test_healthz_answers_even_for_a_suspended_tenant(staff_client, alpha):
    staff_client.post("/console/tenants/alpha/suspend/", {"reason": "health check test"})
    assert host_client("alpha.localhost").get("/").status_code == 503
    assert host_client("alpha.localhost").get("/healthz").status_code == 200


def test_livez_answers_without_asking_anything(db, django_assert_num_queries):
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"), django_assert_num_queries(0):
        response = host_client("alpha.localhost").get("/livez")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_stays_ready_without_redis_and_names_what_is_degraded(db):
    assert host_client("localhost").get("/readyz").json() == {"status": "ok", "database": "ok", "redis": "ok"}
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
        response = host_client("localhost").get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded" and body["database"] == "ok" and body["redis"].startswith("error")


def test_readyz_fails_without_the_database(db, monkeypatch):
    from cabinet import health

    monkeypatch.setattr(health, "_last", None)
    monkeypatch.setattr(health, "database_status", lambda: "error: OperationalError")
    response = host_client("localhost").get("/readyz")
    assert response.status_code == 503 and response.json()["status"] == "error"


def test_checks_run_at_most_once_a_second(db, monkeypatch):
    from cabinet import health

    asked = []
    monkeypatch.setattr(health, "_last", None)
    monkeypatch.setattr(health, "CHECK_SECONDS", 60.0)  # however slow this machine is, the 20 fit in it
    monkeypatch.setattr(health, "redis_status", lambda: asked.append(1) or "ok")
    for _ in range(20):
        assert host_client("localhost").get("/healthz").status_code == 200
    assert len(asked) == 1
    monkeypatch.setattr(health, "_last", (health._target(), 0.0, {"database": "ok", "redis": "ok"}))  # stale
    host_client("localhost").get("/readyz")
    assert len(asked) == 2


def test_the_asgi_application_answers_probes_before_django(db):
    import asyncio

    from asgiref.testing import ApplicationCommunicator

    from cabinet.asgi import HealthProbes

    async def never_called(scope, receive, send):
        raise AssertionError("the probe reached the application")

    async def probe(path):
        scope = {"type": "http", "method": "GET", "path": path, "headers": [(b"host", b"alpha.localhost")]}
        communicator = ApplicationCommunicator(HealthProbes(never_called), scope)
        await communicator.send_input({"type": "http.request", "body": b""})
        start = await communicator.receive_output(5)
        body = await communicator.receive_output(5)
        return start["status"], body["body"]

    assert asyncio.run(probe("/livez")) == (200, b'{"status": "ok"}')


def test_the_asgi_probes_never_check_on_the_event_loop(db, monkeypatch):
    """A result that turns a second old while a probe is answered is checked again in a thread, never on the
    event loop (where Django refuses database work and the answer would be an error for a second)."""
    import asyncio
    import threading

    from asgiref.testing import ApplicationCommunicator

    from cabinet import health
    from cabinet.asgi import HealthProbes

    loop_threads, checked_in = [], []
    monkeypatch.setattr(health, "fresh_checks", lambda: None)  # always due
    monkeypatch.setattr(health, "checks", lambda **kwargs: checked_in.append(threading.get_ident())
                        or {"database": "ok", "redis": "ok"})

    async def probe():
        loop_threads.append(threading.get_ident())
        scope = {"type": "http", "method": "GET", "path": "/readyz", "headers": []}
        communicator = ApplicationCommunicator(HealthProbes(None), scope)
        await communicator.send_input({"type": "http.request", "body": b""})
        return (await communicator.receive_output(5))["status"]

    assert asyncio.run(probe()) == 200
    assert checked_in and checked_in[0] != loop_threads[0]
