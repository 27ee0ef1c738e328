import hashlib
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from cabinet.modules.apikeys import services
from cabinet.modules.apikeys.models import ApiKey
from cabinet.modules.support import services as support_services

from .conftest import bearer, make_key, make_user, sign_in, switch_api, user

pytestmark = pytest.mark.django_db
CUSTOMER = "customer@alpha.test"
KEY_PATTERN = re.compile(r"kab_[a-z0-9]{8}_[a-z0-9]{32}")


def keys_of(tenant):
    with tenant_context(tenant):
        return list(ApiKey.objects.all())


def test_customer_creates_a_key_shown_once_and_stored_hashed(alpha, alpha_client, api_on):
    sign_in(alpha_client, alpha, CUSTOMER)
    assert alpha_client.get("/api/").status_code == 200
    created = alpha_client.post("/api/create/", {"name": "ERP"})
    assert created.status_code == 200 and "no-store" in created["Cache-Control"]
    raw_key = KEY_PATTERN.search(created.content.decode()).group(0)
    assert "shown only once" in created.content.decode()

    [stored] = keys_of(alpha)
    assert stored.secret_hash == hashlib.sha256(raw_key.encode()).hexdigest()
    assert raw_key.split("_")[1] == stored.prefix
    assert raw_key not in str([getattr(stored, f.attname) for f in ApiKey._meta.fields])
    listing = alpha_client.get("/api/").content.decode()
    assert f"kab_{stored.prefix}_" in listing and raw_key not in listing

    alpha_client.logout()
    me = alpha_client.get("/api/v1/api/key/", **bearer(raw_key))
    assert me.status_code == 200 and me.json()["prefix"] == stored.prefix and me.json()["customer"]
    same = alpha_client.get("/api/v1/api/key/", HTTP_X_API_KEY=raw_key)
    assert same.status_code == 200


def test_revoked_key_stops_working_at_once(alpha, alpha_client, api_on):
    customer = user(alpha, CUSTOMER)
    api_key, raw_key = make_key(alpha, customer)
    assert alpha_client.get("/api/v1/support/", **bearer(raw_key)).status_code == 200
    sign_in(alpha_client, alpha, CUSTOMER)
    assert "Every system using it stops working" in alpha_client.get(f"/api/{api_key.pk}/revoke/").content.decode()
    assert alpha_client.post(f"/api/{api_key.pk}/revoke/")["Location"] == "/api/"
    alpha_client.logout()
    refused = alpha_client.get("/api/v1/support/", **bearer(raw_key))
    assert refused.status_code == 401 and refused.json()["detail"] == "Unknown or revoked API key."
    assert refused["WWW-Authenticate"].startswith("Bearer")
    sign_in(alpha_client, alpha, CUSTOMER)
    listing = alpha_client.get("/api/").content.decode()
    assert "revoked " in listing and "Revoke</a>" not in listing


@pytest.mark.parametrize("headers", [
    {"HTTP_AUTHORIZATION": "Bearer kab_abcdefgh_" + "x" * 32},  # well-formed, unknown
    {"HTTP_AUTHORIZATION": "Bearer nonsense"},
    {"HTTP_AUTHORIZATION": "Bearer "},
    {"HTTP_X_API_KEY": "kab_short_key"},
    {"HTTP_X_API_KEY": "kab_ABCDEFGH_" + "Y" * 32},
])
def test_unknown_and_malformed_keys_get_a_401_json(alpha, alpha_client, api_on, headers):
    response = alpha_client.get("/api/v1/documents/", **headers)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json" and response.json()["detail"]


def test_unsigned_requests_keep_their_403(alpha, alpha_client, api_on):
    assert alpha_client.get("/api/v1/documents/").status_code == 403


def test_key_names_are_checked_and_at_most_ten_keys_are_active(alpha, alpha_client, api_on):
    customer = user(alpha, CUSTOMER)
    sign_in(alpha_client, alpha, CUSTOMER)
    for bad in ("", "   ", "x" * 61):
        response = alpha_client.post("/api/create/", {"name": bad})
        assert response.status_code == 400 and response.context["form"].errors
    assert keys_of(alpha) == []
    with tenant_context(alpha):
        for number in range(10):
            services.create_key(customer, f"Key {number}")
    eleventh = alpha_client.post("/api/create/", {"name": "One more"})
    assert eleventh.status_code == 400 and "10 active keys" in str(eleventh.context["form"].errors)
    with tenant_context(alpha):
        first = ApiKey.objects.filter(customer=customer).last()
        services.revoke_key(customer, first.pk)
        services.create_key(customer, "Replacement")
        assert ApiKey.objects.filter(customer=customer, revoked_at__isnull=True).count() == 10


def test_staff_have_no_keys_of_their_own(alpha, alpha_client, api_on):
    sign_in(alpha_client, alpha, "owner@alpha.test")
    assert alpha_client.get("/api/").status_code == 403
    assert alpha_client.post("/api/create/", {"name": "ERP"}).status_code == 403
    with tenant_context(alpha), pytest.raises(services.ValidationError):
        services.create_key(user(alpha, "owner@alpha.test"), "ERP")
    alpha_client.logout()
    assert alpha_client.get("/api/")["Location"].startswith("/login/")


def test_the_portal_header_offers_api_keys_to_customers_only(alpha, alpha_client, api_on):
    sign_in(alpha_client, alpha, "owner@alpha.test")
    assert 'href="/api/"' not in alpha_client.get("/").content.decode()  # staff looking at the portal
    alpha_client.logout()
    sign_in(alpha_client, alpha, CUSTOMER)
    assert 'href="/api/"' in alpha_client.get("/").content.decode()


def test_last_use_is_noted_at_most_once_a_minute(alpha, api_on):
    customer = user(alpha, CUSTOMER)
    api_key, raw_key = make_key(alpha, customer)
    with tenant_context(alpha):
        first = services.authenticate_key(raw_key).last_used_at
        assert first is not None
        assert services.authenticate_key(raw_key).last_used_at == first
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=timezone.now() - timedelta(seconds=61))
        assert services.authenticate_key(raw_key).last_used_at > first


def test_module_off_refuses_keys_and_hides_pages(alpha, alpha_client, api_on):
    customer = user(alpha, CUSTOMER)
    api_key, raw_key = make_key(alpha, customer)
    switch_api(alpha, enabled=False)
    refused = alpha_client.get("/api/v1/documents/", **bearer(raw_key))
    assert refused.status_code == 401 and refused.json()["detail"] == "API keys are not enabled on this portal."
    assert alpha_client.get("/api/v1/api/key/", **bearer(raw_key)).status_code == 404
    sign_in(alpha_client, alpha, CUSTOMER)
    for url in ("/api/", "/api/docs/", f"/api/{api_key.pk}/revoke/"):
        assert alpha_client.get(url).status_code == 404, url
    assert alpha_client.post("/api/create/", {"name": "x"}).status_code == 404
    sign_in(alpha_client, alpha, "owner@alpha.test")
    assert alpha_client.get("/manage/api/").status_code == 404


def test_keys_of_one_tenant_are_unknown_on_another(alpha, beta, alpha_client, beta_client, api_on):
    _alpha_key, alpha_raw = make_key(alpha, user(alpha, CUSTOMER))
    _beta_key, beta_raw = make_key(beta, user(beta, "customer@bravo.test"))
    assert alpha_client.get("/api/v1/api/key/", **bearer(alpha_raw)).status_code == 200
    assert beta_client.get("/api/v1/api/key/", **bearer(alpha_raw)).status_code == 401
    assert alpha_client.get("/api/v1/api/key/", **bearer(beta_raw)).status_code == 401
    sign_in(beta_client, beta, "owner@bravo.test")
    page = beta_client.get("/manage/api/").content.decode()
    assert _beta_key.prefix in page and _alpha_key.prefix not in page


def test_a_key_acts_as_its_customer_only(alpha, alpha_client, api_on):
    mine, theirs = user(alpha, CUSTOMER), make_user(alpha, "other@alpha.test")
    with tenant_context(alpha):
        for owner, subject in ((mine, "Mine"), (theirs, "Theirs")):
            support_services.create_request(customer=owner, topics=["General"], topic="General", subject=subject,
                                            message="Hello", contact_name="A", contact_email="a@example.com")
    _key, raw_key = make_key(alpha, mine)
    listing = alpha_client.get("/api/v1/support/", **bearer(raw_key)).json()
    assert [item["subject"] for item in listing["results"]] == ["Mine"]
    assert alpha_client.get("/api/v1/documents/", **bearer(raw_key)).json()["count"] == 0


def test_a_customer_cannot_revoke_someone_elses_key(alpha, alpha_client, api_on):
    theirs = make_user(alpha, "other@alpha.test")
    their_key, raw_key = make_key(alpha, theirs)
    sign_in(alpha_client, alpha, CUSTOMER)
    assert alpha_client.get(f"/api/{their_key.pk}/revoke/").status_code == 404
    assert alpha_client.post(f"/api/{their_key.pk}/revoke/").status_code == 404
    assert their_key.prefix not in alpha_client.get("/api/").content.decode()
    with tenant_context(alpha), pytest.raises(ApiKey.DoesNotExist):
        services.revoke_key(user(alpha, CUSTOMER), their_key.pk)
    assert keys_of(alpha)[0].revoked_at is None
    alpha_client.logout()
    assert alpha_client.get("/api/v1/api/key/", **bearer(raw_key)).status_code == 200


def test_staff_see_and_revoke_every_customers_keys(alpha, alpha_client, api_on):
    api_key, raw_key = make_key(alpha, user(alpha, CUSTOMER), name="Warehouse")
    other_key, _raw = make_key(alpha, make_user(alpha, "other@alpha.test"), name="Accounting")
    sign_in(alpha_client, alpha, "owner@alpha.test")
    page = alpha_client.get("/manage/api/").content.decode()
    assert "Warehouse" in page and "Accounting" in page and other_key.prefix in page
    assert alpha_client.post(f"/manage/api/{api_key.pk}/revoke/")["Location"] == "/manage/api/"
    assert Client(HTTP_HOST="alpha.localhost").get("/api/v1/api/key/", **bearer(raw_key)).status_code == 401
    make_user(alpha, "operator@alpha.test", role="operator")
    sign_in(alpha_client, alpha, "operator@alpha.test")
    assert alpha_client.get("/manage/api/").status_code == 403
    assert alpha_client.post(f"/manage/api/{other_key.pk}/revoke/").status_code == 403
    sign_in(alpha_client, alpha, CUSTOMER)
    assert alpha_client.get("/manage/api/").status_code in (302, 403)


def test_docs_page_lists_the_routes_of_switched_on_modules(alpha, alpha_client, api_on):
    page = alpha_client.get("/api/docs/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "/api/v1/documents/" in text and "/api/v1/api/key/" in text and 'href="/api/v1/schema/"' in text
    with tenant_context(alpha):
        from cabinet.portal.services import set_module_enabled
        set_module_enabled("documents", False)
    assert "/api/v1/documents/" not in alpha_client.get("/api/docs/").content.decode()
    schema = alpha_client.get("/api/v1/schema/?format=json").json()
    assert schema["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer"
