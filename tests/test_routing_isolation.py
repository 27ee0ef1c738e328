"""Routing by host and isolation between tenants (pages, sessions, API, cache)."""

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django_tenants.utils import tenant_context

from conftest import OWNER_PASSWORD, host_client


def test_same_path_serves_each_tenants_own_data(alpha_client, beta_client):
    alpha_home = alpha_client.get("/").content.decode()
    beta_home = beta_client.get("/").content.decode()
    assert "Alpha Business" in alpha_home and "Bravo Business" not in alpha_home
    assert "Bravo Business" in beta_home and "Alpha Business" not in beta_home
    # Vertical wording differs: alpha is a clinic, bravo a wholesaler.
    assert "patients" in alpha_home and "companies" in beta_home
    assert alpha_client.get("/api/v1/").json()["tenant"] == "alpha"
    assert beta_client.get("/api/v1/").json()["tenant"] == "bravo"


def test_unknown_host_gets_the_404_page(db):
    response = host_client("nobody.localhost").get("/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert host_client("evil.example.com").get("/manage/").status_code == 404


def test_platform_host_serves_landing_not_a_portal(platform_client):
    assert "Create your portal" in platform_client.get("/").content.decode()
    assert platform_client.get("/manage/").status_code == 404


def test_user_of_a_cannot_log_into_b(alpha_client, beta_client):
    ok = alpha_client.post("/manage/login/", {"username": "owner@alpha.test", "password": OWNER_PASSWORD})
    assert ok.status_code == 302
    refused = beta_client.post("/manage/login/", {"username": "owner@alpha.test", "password": OWNER_PASSWORD})
    assert refused.status_code == 200
    assert "not right" in refused.content.decode()


def test_session_cookie_of_a_is_worthless_on_b(alpha_client, beta_client):
    alpha_client.post("/manage/login/", {"username": "owner@alpha.test", "password": OWNER_PASSWORD})
    assert alpha_client.get("/manage/").status_code == 200
    session_id = alpha_client.cookies["sessionid"].value
    beta_client.cookies["sessionid"] = session_id
    response = beta_client.get("/manage/")
    assert response.status_code == 302 and response["Location"].startswith("/manage/login/")
    # ...and is not valid on the platform console either.
    platform = host_client("localhost")
    platform.cookies["sessionid"] = session_id
    assert platform.get("/console/")["Location"].startswith("/console/login/")


def test_session_cookie_is_host_only(alpha_client):
    response = alpha_client.post("/manage/login/", {"username": "owner@alpha.test", "password": OWNER_PASSWORD})
    assert response.cookies["sessionid"]["domain"] == ""


def test_users_live_in_their_own_schema(alpha, beta):
    User = get_user_model()
    with tenant_context(alpha):
        assert set(User.objects.values_list("email", flat=True)) == {"owner@alpha.test", "customer@alpha.test"}
    with tenant_context(beta):
        assert set(User.objects.values_list("email", flat=True)) == {"owner@bravo.test", "customer@bravo.test"}


def test_cache_keys_carry_the_tenant(alpha, beta):
    with tenant_context(alpha):
        cache.set("greeting", "alpha's")
    with tenant_context(beta):
        assert cache.get("greeting") is None
        cache.set("greeting", "bravo's")
    with tenant_context(alpha):
        assert cache.get("greeting") == "alpha's"
        cache.delete("greeting")
    with tenant_context(beta):
        cache.delete("greeting")


def test_customer_of_a_is_not_staff_and_manage_needs_login(alpha_client):
    assert alpha_client.get("/manage/")["Location"].startswith("/manage/login/")


def test_api_schema_is_served_per_tenant(alpha_client):
    response = alpha_client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"openapi" in response.content


def test_custom_domain_routes_to_its_tenant(alpha):
    from tenants.models import Domain

    Domain.objects.create(domain="portal.alpha-clinic.example", tenant=alpha, is_primary=False)
    response = host_client("portal.alpha-clinic.example").get("/")
    assert response.status_code == 200 and "Alpha Business" in response.content.decode()
    assert host_client("www.portal.alpha-clinic.example").get("/").status_code == 200  # www. is the same site
