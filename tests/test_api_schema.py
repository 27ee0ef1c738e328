"""Schemathesis against the tenant's own OpenAPI schema: every operation the schema lists is called with data
generated from it (the app runs in-process over WSGI, on the tenant's host, signed in with a customer's API
key) and must answer without a server error, with a documented status code and content type, and with a body
that matches the schema. Runs in the default suite, so a schema that drifts from the code fails CI."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cabinet.modules.apikeys import services as apikey_services
from cabinet.portal.services import set_module_enabled, update_module_settings
from tests.helpers import user

pytestmark = pytest.mark.django_db
HOST = "http://alpha.localhost"
CUSTOMER = "customer@alpha.test"
MODULES = ("catalog", "orders", "api", "support", "documents", "news")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MAX_EXAMPLES = 10
CONFIG = schemathesis.config.SchemathesisConfig.from_dict({})


@pytest.fixture
def in_process_app():
    """Django's WSGI app inside the test's transaction: a real request closes the database connection when it
    finishes (as Django's own test client avoids too), which would abort the transaction of the test."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def raw_key(alpha):
    """A customer's key on a portal with catalog, orders, the API and the other API modules on, a few products
    in two warehouses, a discount rule, and one placed order."""
    from cabinet.modules.catalog.tests.conftest import make_product, make_warehouse
    from cabinet.modules.orders import services as order_services
    from cabinet.modules.orders.models import DiscountRule

    with tenant_context(alpha):
        for key in MODULES:
            set_module_enabled(key, True)
        update_module_settings("api", {"requests_per_minute": 10000})
        central = make_warehouse("Central warehouse")
        pickup = make_warehouse("Podil pickup", address="Kyiv, Khoroshavina 1", is_pickup_point=True)
        tea = make_product("Sencha", price="10.00", sku="TEA-1", stock={central: 50, pickup: 5})
        make_product("Mug", price="15.00", sku="MUG-1", stock={central: 3})
        make_product("Import", price="3.00", currency="USD", stock={central: 5})
        rule = DiscountRule.objects.create(title="Five or more", kind="quantity_break", value=10, scope="products",
                                           min_quantity=5)
        rule.products.add(tea)
        customer = user(alpha, CUSTOMER)
        order_services.place_order(
            customer, order_services.lines_from_items([{"product": tea.pk, "quantity": 5}]),
            {"recipient_name": "Ann", "phone": "+380501234567", "address": "Kyiv, Main street 1"},
            placed_via="api")
        _key, raw = apikey_services.create_key(customer, "Schema test")
    return raw


@pytest.fixture
def api_schema(in_process_app, raw_key):
    loaded = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", in_process_app, base_url=HOST,
                                            config=CONFIG)
    assert "/api/v1/orders/" in loaded.raw_schema["paths"]
    return loaded


def operations(loaded):
    found = []
    assert all(path.startswith("/api/v1/") for path in loaded.raw_schema["paths"])
    for result in loaded.get_all_operations():
        found.append(result.ok())  # a schema error fails here
    return found


def test_every_operation_conforms_to_the_schema(api_schema, raw_key):
    """Each operation gets data that fits its schema and data that does not; both must be answered properly."""
    failures = []
    for operation in operations(api_schema):
        strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                             operation.as_strategy(GenerationMode.NEGATIVE))

        @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=strategy)
        def check(case):
            case.call_and_validate(base_url=HOST, headers={"Authorization": f"Bearer {raw_key}"}, checks=CHECKS)

        try:
            check()
        except (Exception, BaseExceptionGroup) as error:  # collect every operation's failure first
            failures.append(f"{operation.label}: {error}")
    assert not failures, "\n\n".join(failures)


def test_every_operation_documents_the_common_error_answers(api_schema):
    """Errors every view can give are in the schema once, for all operations, in the one JSON error shape."""
    paths = api_schema.raw_schema["paths"]
    assert paths
    for path, item in paths.items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            for code in ("400", "401", "403", "404", "429"):
                assert code in operation["responses"], (method, path, code)
    error = api_schema.raw_schema["components"]["schemas"]["Error"]
    assert "detail" in error["properties"] and "errors" in error["properties"]
