"""The customer's dashboard: greeting, one card per enabled module with a card, and a query budget
that holds whatever the number of modules."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from cabinet import registry
from cabinet.portal.services import enable_with_dependencies
from tests.helpers import sign_in

QUERY_BUDGET = 15


def switch_all_on(tenant):
    with tenant_context(tenant):
        for key in registry.modules():
            enable_with_dependencies(key)


def test_dashboard_greets_the_customer_and_shows_a_card_per_enabled_module(alpha, alpha_client):
    switch_all_on(alpha)
    sign_in(alpha_client, alpha, "customer@alpha.test")
    page = alpha_client.get("/").content.decode()
    assert "Hello, alpha customer!" in page
    # Modules with something to count for every customer; others (feedback) show a card only when due.
    for key in {"documents", "support"} & set(registry.modules()):
        assert f'data-module="{key}"' in page, key


def test_dashboard_stays_within_the_query_budget_with_every_module_on(alpha, alpha_client):
    switch_all_on(alpha)
    sign_in(alpha_client, alpha, "customer@alpha.test")
    alpha_client.get("/")  # fills the per-tenant caches a running server keeps warm
    with CaptureQueriesContext(connection) as captured:
        response = alpha_client.get("/")
    assert response.status_code == 200
    assert len(captured) <= QUERY_BUDGET, "\n".join(q["sql"][:160] for q in captured.captured_queries)


def test_visitors_see_the_welcome_not_the_dashboard(alpha_client):
    page = alpha_client.get("/").content.decode()
    assert "dashboard-card" not in page and 'href="/register/"' in page and 'href="/login/' in page
