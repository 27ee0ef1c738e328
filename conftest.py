"""Test set-up shared by every suite: a migrated template schema, spare schemas and two tenants
(alpha, beta) made once per test database through the same fast path signup uses."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import translation
from django_tenants.utils import tenant_context

from tenants import services
from tenants.middleware import clear_routing_cache
from tenants.models import Tenant

OWNER_PASSWORD = "Correct-Horse-42"
PLATFORM_STAFF = ("staff@kabinet.test", "Platform-Staff-42")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("setup_platform", spares=2, verbosity=0)
        for slug, vertical in (("alpha", "clinic"), ("bravo", "wholesale")):
            created = services.create_tenant(
                slug=slug, name=f"{slug.title()} Business", vertical=vertical,
                owner_email=f"owner@{slug}.test", owner_password=OWNER_PASSWORD, use_spare=False)
            with tenant_context(created.tenant):
                get_user_model().objects.create_user(
                    f"customer@{slug}.test", "Customer-Pass-42", full_name=f"{slug} customer")
        connection.set_schema_to_public()
        get_user_model().objects.create_superuser(*PLATFORM_STAFF)
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        # Threads and child servers of the suite may still hold a connection; the database is dropped next.
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")


@pytest.fixture(autouse=True)
def _public_schema_between_tests():
    """Requests leave the connection on their tenant's schema; every test starts and ends on public."""
    clear_routing_cache()
    _forget_portal_states()
    connection.set_schema_to_public()
    translation.deactivate()  # a language a request or a rendering left active never reaches the next test
    yield
    translation.deactivate()
    connection.set_schema_to_public()
    clear_routing_cache()


def _forget_portal_states():
    """A test's changes to module switches or branding are rolled back; their cached copy must go too."""
    from django.core.cache import cache
    from django_tenants.utils import schema_context

    from cabinet.portal.selectors import STATE_CACHE_KEY

    for schema in ("t_alpha", "t_bravo"):
        with schema_context(schema):
            cache.delete(STATE_CACHE_KEY)


@pytest.fixture
def mailoutbox(mailoutbox):
    """pytest-django's outbox, read as a person would see it: after the notification worker delivered what
    notify() queued (tests.helpers.delivered_mail)."""
    from tests.helpers import DeliveredOutbox

    return DeliveredOutbox()


@pytest.fixture
def alpha(db):
    return Tenant.objects.get(slug="alpha")


@pytest.fixture
def beta(db):
    return Tenant.objects.get(slug="bravo")


def host_client(host: str) -> Client:
    return Client(HTTP_HOST=host)


@pytest.fixture
def platform_client(db):
    return host_client("localhost")


@pytest.fixture
def alpha_client(alpha):
    return host_client("alpha.localhost")


@pytest.fixture
def beta_client(beta):
    return host_client("bravo.localhost")


@pytest.fixture
def staff_client(platform_client):
    assert platform_client.login(username=PLATFORM_STAFF[0], password=PLATFORM_STAFF[1])
    return platform_client
