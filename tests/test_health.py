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
