"""Cached cards, badges and the bell (`cabinet.freshness`) stay true: on committed data, as a running server
sees it, a second dashboard is served from the cache, and a new request, a changed branding, a module
switched off or a notification read shows on the very next page. And a kind of entry that learns a new table
while another computation of it runs never breaks that computation (a 500 under load once)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from cabinet import freshness
from cabinet.modules.support import selectors as support_selectors
from cabinet.modules.support import services as support_services
from cabinet.modules.support.models import Request
from cabinet.notifications.models import Notification
from cabinet.notifications.selectors import unread_count
from cabinet.notifications.services import mark_read
from cabinet.portal.models import Branding
from cabinet.portal.services import save_branding, set_module_enabled
from conftest import host_client

SCHEMA = "t_bravo"
HOST = "bravo.localhost"
EMAIL = "fresh@bravo.test"


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """A customer committed in bravo's schema with support on, and a signed-in client; all undone after."""
    User = get_user_model()
    with django_db_blocker.unblock(), schema_context(SCHEMA):
        set_module_enabled("support", True)
        branding = Branding.objects.get()
        original_name = branding.portal_name
        user = User.objects.create_user(EMAIL, "fresh-password-1", full_name="Fresh")
        client = host_client(HOST)
        client.force_login(user)
    yield django_db_blocker, user, client
    with django_db_blocker.unblock(), schema_context(SCHEMA):
        Request.objects.filter(customer=user).delete()
        Notification.objects.filter(recipient=user).delete()
        user.delete()
        branding = Branding.objects.get()
        branding.portal_name = original_name
        save_branding(branding)
        set_module_enabled("support", True)
    connections.close_all()


def _dashboard(blocker, client):
    with blocker.unblock(), CaptureQueriesContext(connection) as captured:
        response = client.get("/")
    assert response.status_code == 200
    return response.content.decode(), len(captured)


def _open_requests(page: str) -> str:
    found = re.search(r'data-module="support".*?<p class="figure">([^<]*)</p>', page, re.S)
    assert found, "the support card is missing"
    return found.group(1)


def _new_request(user) -> None:
    support_services.create_request(
        customer=user, topic=support_selectors.topic_list("")[0], topics=support_selectors.topic_list(""),
        subject="Fresh subject", message="Is the card up to date?", contact_name="Fresh",
        contact_email=EMAIL)


def test_a_second_dashboard_is_served_from_the_cache_and_a_new_request_shows_at_once(committed):
    blocker, user, client = committed
    _dashboard(blocker, client)  # learns the tables each card reads
    first, _queries = _dashboard(blocker, client)
    assert _open_requests(first) == "0"
    _cached, queries = _dashboard(blocker, client)
    # The search path, the session and the user: cards, the cart's badge and the bell come from the cache.
    assert queries <= 3, queries
    with blocker.unblock(), schema_context(SCHEMA):
        _new_request(user)
    after, _queries = _dashboard(blocker, client)
    assert _open_requests(after) == "1"


def test_a_changed_branding_and_a_module_switched_off_show_on_the_next_page(committed):
    blocker, _user, client = committed
    _dashboard(blocker, client)
    before, _queries = _dashboard(blocker, client)
    assert 'data-module="support"' in before
    with blocker.unblock(), schema_context(SCHEMA):
        branding = Branding.objects.get()
        branding.portal_name = "Freshly Renamed Shop"
        save_branding(branding)
        set_module_enabled("support", False)
    after, _queries = _dashboard(blocker, client)
    assert "Freshly Renamed Shop" in after
    assert 'data-module="support"' not in after


def test_the_bell_counts_a_new_notification_and_forgets_it_once_read(committed):
    blocker, user, _client = committed
    with blocker.unblock(), schema_context(SCHEMA):
        assert unread_count(user) == 0
        assert unread_count(user) == 0  # learnt its table; from now on cached
        with CaptureQueriesContext(connection) as captured:
            assert unread_count(user) == 0
        assert len(captured) == 0
        Notification.objects.create(recipient=user, recipient_key=f"user:{user.pk}", event="support.reply",
                                    event_id="fresh-test", subject="A reply", body="We answered",
                                    text="We answered")
        assert unread_count(user) == 1
        assert mark_read(user=user) == 1
        assert unread_count(user) == 0


def test_a_kind_that_learns_a_table_meanwhile_does_not_break_the_computation_in_progress(db):
    User = get_user_model()
    kind = ("test-kind", "learns-meanwhile")
    with schema_context(SCHEMA):
        assert freshness.cached("fresh-test:first", kind, lambda: User.objects.count()) >= 0

        def reads_more():
            # Another computation of the same kind (as another thread would) learns one more table first.
            freshness.cached("fresh-test:inner", kind,
                             lambda: (User.objects.count(), Notification.objects.count()))
            return User.objects.count()

        assert freshness.cached("fresh-test:outer", kind, reads_more) >= 0
