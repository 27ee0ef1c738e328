import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from cabinet.api import tasks
from cabinet.api.models import IdempotencyRecord
from cabinet.modules.apikeys import throttling
from cabinet.modules.support.models import Request

from .conftest import bearer, make_key, make_user, sign_in, switch_api, user
from .urls import IdempotentSupportRequests

pytestmark = pytest.mark.django_db
CUSTOMER = "customer@alpha.test"


@pytest.fixture
def alpha_key(alpha, api_on):
    return make_key(alpha, user(alpha, CUSTOMER))


@pytest.fixture
def frozen_minute(monkeypatch):
    """Keeps the rate window still, so a test never straddles two minutes."""
    monkeypatch.setattr(throttling.time, "time", lambda: 1_700_000_010.0)


def support_requests(tenant):
    with tenant_context(tenant):
        return list(Request.objects.values_list("subject", flat=True))


def post_json(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


# --- rate limit -------------------------------------------------------------------------------------------

def test_a_key_over_its_rate_gets_429_with_retry_after(alpha, alpha_client, alpha_key, frozen_minute):
    switch_api(alpha, requests_per_minute=2)
    _api_key, raw_key = alpha_key
    assert [alpha_client.get("/api/v1/support/", **bearer(raw_key)).status_code for _ in range(2)] == [200, 200]
    limited = alpha_client.get("/api/v1/documents/", **bearer(raw_key))
    assert limited.status_code == 429
    assert limited["Retry-After"] == "30"  # the frozen clock is 30 s into its minute
    assert limited.json()["retry_after"] == 30 and limited.json()["detail"]


def test_each_key_has_its_own_budget_and_sessions_are_not_counted(alpha, alpha_client, alpha_key, frozen_minute):
    switch_api(alpha, requests_per_minute=1)
    _api_key, raw_key = alpha_key
    _other, other_raw = make_key(alpha, user(alpha, CUSTOMER), name="Second")
    assert alpha_client.get("/api/v1/support/", **bearer(raw_key)).status_code == 200
    assert alpha_client.get("/api/v1/support/", **bearer(other_raw)).status_code == 200
    assert alpha_client.get("/api/v1/support/", **bearer(raw_key)).status_code == 429
    sign_in(alpha_client, alpha, CUSTOMER)
    assert {alpha_client.get("/api/v1/support/").status_code for _ in range(5)} == {200}


# --- idempotency ------------------------------------------------------------------------------------------

ORDER = {"topic": "Appointment", "subject": "Order 1", "message": "Please deliver", "contact_name": "Ann",
         "contact_email": "ann@example.com"}


@pytest.mark.urls("cabinet.modules.apikeys.tests.urls")
def test_a_retry_with_the_same_key_replays_the_first_answer(alpha, alpha_client, alpha_key):
    _api_key, raw_key = alpha_key
    first = post_json(alpha_client, "/api/v1/test-support/", ORDER, HTTP_IDEMPOTENCY_KEY="order-1", **bearer(raw_key))
    assert first.status_code == 201, first.content
    again = post_json(alpha_client, "/api/v1/test-support/", ORDER, HTTP_IDEMPOTENCY_KEY="order-1", **bearer(raw_key))
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert support_requests(alpha) == ["Order 1"]
    other = post_json(alpha_client, "/api/v1/test-support/", ORDER, HTTP_IDEMPOTENCY_KEY="order-2", **bearer(raw_key))
    assert other.status_code == 201 and len(support_requests(alpha)) == 2


@pytest.mark.urls("cabinet.modules.apikeys.tests.urls")
def test_the_same_key_for_a_different_request_is_refused(alpha, alpha_client, alpha_key):
    _api_key, raw_key = alpha_key
    post_json(alpha_client, "/api/v1/test-support/", ORDER, HTTP_IDEMPOTENCY_KEY="k1", **bearer(raw_key))
    changed = post_json(alpha_client, "/api/v1/test-support/", {**ORDER, "subject": "Order 2"},
                        HTTP_IDEMPOTENCY_KEY="k1", **bearer(raw_key))
    assert changed.status_code == 422 and "different request" in changed.json()["detail"]
    assert support_requests(alpha) == ["Order 1"]


@pytest.mark.urls("cabinet.modules.apikeys.tests.urls")
def test_a_duplicate_sent_while_the_first_runs_gets_409(alpha, alpha_client, alpha_key):
    _api_key, raw_key = alpha_key
    duplicates = []

    def send_duplicate():
        IdempotentSupportRequests.during_create = None
        duplicates.append(post_json(Client(HTTP_HOST="alpha.localhost"), "/api/v1/test-support/", ORDER,
                                    HTTP_IDEMPOTENCY_KEY="k1", **bearer(raw_key)))

    IdempotentSupportRequests.during_create = send_duplicate
    try:
        first = post_json(alpha_client, "/api/v1/test-support/", ORDER, HTTP_IDEMPOTENCY_KEY="k1", **bearer(raw_key))
    finally:
        IdempotentSupportRequests.during_create = None
    assert first.status_code == 201
    assert duplicates[0].status_code == 409 and "in progress" in duplicates[0].json()["detail"]
    assert support_requests(alpha) == ["Order 1"]


@pytest.mark.urls("cabinet.modules.apikeys.tests.urls")
def test_a_failed_first_request_frees_the_key(alpha, alpha_client, alpha_key):
    _api_key, raw_key = alpha_key
    bad = post_json(alpha_client, "/api/v1/test-support/", {**ORDER, "topic": "Nope"},
                    HTTP_IDEMPOTENCY_KEY="k1", **bearer(raw_key))
    assert bad.status_code == 400 and support_requests(alpha) == []
    fixed = post_json(alpha_client, "/api/v1/test-support/", ORDER, HTTP_IDEMPOTENCY_KEY="k1", **bearer(raw_key))
    assert fixed.status_code == 201 and support_requests(alpha) == ["Order 1"]


@pytest.mark.urls("cabinet.modules.apikeys.tests.urls")
def test_idempotency_keys_are_per_customer_and_checked(alpha, alpha_client, alpha_key):
    _api_key, raw_key = alpha_key
    _second, second_raw = make_key(alpha, user(alpha, CUSTOMER), name="Second")
    # The customer's two keys share the customer's idempotency keys: a retry through another key replays.
    first = post_json(alpha_client, "/api/v1/test-support/", ORDER, HTTP_IDEMPOTENCY_KEY="same", **bearer(raw_key))
    again = post_json(alpha_client, "/api/v1/test-support/", ORDER, HTTP_IDEMPOTENCY_KEY="same",
                      **bearer(second_raw))
    assert first.status_code == again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert len(support_requests(alpha)) == 1
    # Another customer's "same" is a different key.
    _other, other_raw = make_key(alpha, make_user(alpha, "other@alpha.test"))
    assert post_json(alpha_client, "/api/v1/test-support/", ORDER, HTTP_IDEMPOTENCY_KEY="same",
                     **bearer(other_raw)).status_code == 201
    assert len(support_requests(alpha)) == 2
    too_long = post_json(alpha_client, "/api/v1/test-support/", ORDER, HTTP_IDEMPOTENCY_KEY="x" * 256,
                         **bearer(raw_key))
    assert too_long.status_code == 400 and "Idempotency-Key" in too_long.json()["errors"]


@pytest.mark.urls("cabinet.modules.apikeys.tests.urls")
def test_idempotency_protects_clients_signed_in_by_session(alpha, alpha_client, api_on):
    sign_in(alpha_client, alpha, CUSTOMER)
    first = post_json(alpha_client, "/api/v1/test-support/", ORDER, HTTP_IDEMPOTENCY_KEY="s1")
    again = post_json(alpha_client, "/api/v1/test-support/", ORDER, HTTP_IDEMPOTENCY_KEY="s1")
    assert first.status_code == again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert support_requests(alpha) == ["Order 1"]


def test_old_idempotency_records_are_cleaned_by_the_task(alpha, alpha_key):
    api_key, _raw = alpha_key
    with tenant_context(alpha):
        old = IdempotencyRecord.objects.create(user=api_key.customer, key="old", fingerprint="f",
                                               response_status=201)
        IdempotencyRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
        IdempotencyRecord.objects.create(user=api_key.customer, key="fresh", fingerprint="f", response_status=201)
    # A core task: it cleans whether or not the API module is on (session clients use the records too).
    switch_api(alpha, enabled=False)
    with tenant_context(alpha):
        assert tasks.delete_old_idempotency_records() == 1
        assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["fresh"]


# --- JSON errors ------------------------------------------------------------------------------------------

def test_malformed_json_gets_a_400_json(alpha, alpha_client, alpha_key):
    _api_key, raw_key = alpha_key
    response = alpha_client.post("/api/v1/support/", "{not json", content_type="application/json", **bearer(raw_key))
    assert response.status_code == 400 and "JSON parse error" in response.json()["detail"]
    assert support_requests(alpha) == []


def test_unknown_routes_and_wrong_methods_answer_json(alpha, alpha_client, alpha_key):
    _api_key, raw_key = alpha_key
    missing = alpha_client.get("/api/v1/no-such-thing/", **bearer(raw_key))
    assert missing.status_code == 404 and "schema" in missing.json()["detail"]
    assert alpha_client.get("/api/v1/support/999999/", **bearer(raw_key)).json() == {"detail": "No Request matches "
                                                                                     "the given query."}
    wrong = alpha_client.delete("/api/v1/support/", **bearer(raw_key))
    assert wrong.status_code == 405 and wrong.json()["detail"]
    switch_api(alpha, enabled=True)
    with tenant_context(alpha):
        from cabinet.portal.services import set_module_enabled
        set_module_enabled("support", False)
    off = alpha_client.get("/api/v1/support/", **bearer(raw_key))
    assert off.status_code == 404 and off["Content-Type"] == "application/json"


@pytest.mark.urls("cabinet.modules.apikeys.tests.urls")
def test_django_level_errors_under_the_api_are_json(alpha, alpha_key):
    client = Client(HTTP_HOST="alpha.localhost", raise_request_exception=False)
    not_allowed = client.get("/api/v1/test-post-only/")
    assert not_allowed.status_code == 405 and not_allowed["Allow"] == "POST" and not_allowed.json()["detail"]
    crashed = client.get("/api/v1/test-crash/")
    assert crashed.status_code == 500 and "not processed" in crashed.json()["detail"]
    assert client.get("/no-such-page/")["Content-Type"].startswith("text/html")


@pytest.mark.urls("cabinet.modules.apikeys.tests.urls")
def test_field_errors_come_with_a_message_and_per_field_lists(alpha, alpha_client, alpha_key):
    _api_key, raw_key = alpha_key
    response = post_json(alpha_client, "/api/v1/test-validate/", {"sku": "x" * 11, "quantity": 0}, **bearer(raw_key))
    body = response.json()
    assert response.status_code == 400 and body["detail"]
    assert set(body["errors"]) == {"sku", "quantity"} and all(isinstance(v, list) for v in body["errors"].values())
    assert post_json(alpha_client, "/api/v1/test-validate/", {"sku": "A1", "quantity": 2}, **bearer(raw_key)).json() == {
        "sku": "A1", "quantity": 2}
