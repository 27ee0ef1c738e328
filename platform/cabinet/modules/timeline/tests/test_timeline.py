"""The customer's timeline ("My events") and the customer card: every source on it, filters and cursor
pages, staff notes kept from customers, isolation between businesses and between customers, bad input, a
switched-off module, and each module's section of the card."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from cabinet import registry
from cabinet.modules.catalog.tests.conftest import make_product, make_warehouse
from cabinet.modules.documents import services as document_services
from cabinet.modules.feedback import services as feedback_services
from cabinet.modules.orders import services as order_services
from cabinet.modules.orders.models import Order
from cabinet.modules.support import services as support_services
from cabinet.modules.timeline import selectors
from cabinet.modules.timeline.models import Interaction
from cabinet.portal.services import set_module_enabled
from conftest import host_client

from .conftest import customer_of, make_user, sign_in, user

pytestmark = pytest.mark.django_db
CUSTOMER = "customer@alpha.test"
OWNER = "owner@alpha.test"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DELIVERY = {"recipient_name": "Ann Recipient", "phone": "+380501234567", "delivery_method": "delivery",
            "address": "Kyiv, Main street 1"}


def modules_on(tenant, *keys):
    with tenant_context(tenant):
        for key in keys:
            set_module_enabled(key, True)


def client_of(tenant, email):
    client = host_client(f"{tenant.slug}.localhost")
    sign_in(client, tenant, email)
    return client


def everything_for(tenant, customer, django_capture_on_commit_callbacks):
    """One of each: a request with a staff reply (its message too), resolved and rated; an order placed and
    confirmed; a document; a logged call."""
    modules_on(tenant, "catalog", "orders", "feedback")
    with tenant_context(tenant):
        owner = user(tenant, OWNER)
        with django_capture_on_commit_callbacks(execute=True):
            request = support_services.create_request(
                customer=customer, topic="General question", topics=["General question"], subject="Wrong total",
                message="The total looks wrong.", contact_name="Ann", contact_email="ann@example.com")
            support_services.add_reply(request, author=owner, body="We fixed the total, sorry.")
        request = support_services.change_status(request, "resolved", by=owner)
        feedback_services.rate_request(request, customer=customer, score=5, comment="Quick and kind.")
        tea = make_product("Sencha", price="10.00", sku="TEA-1", stock={make_warehouse("Central"): 10})
        order = order_services.place_order(customer, order_services.lines_from_items([(tea.pk, 2)]), DELIVERY)
        order_services.change_status(order, Order.Status.CONFIRMED, by=owner)
        document_services.upload_document(
            customer=customer, title="Contract 2026", category="contract", uploaded_by=owner,
            upload=SimpleUploadedFile("contract.pdf", PDF, content_type="application/pdf"))
        Interaction.objects.create(customer=customer, author=owner, kind="call", text="Called about the invoice.")
        Interaction.objects.create(customer=customer, author=owner, kind="note", text="Secret: prefers mornings.")
    return request, order


def entries_of(response):
    return [entry for entry, _label in response.context["entries"]]


def test_every_source_is_on_the_customers_timeline_newest_first(alpha, django_capture_on_commit_callbacks):
    customer = user(alpha, CUSTOMER)
    request, order = everything_for(alpha, customer, django_capture_on_commit_callbacks)
    response = client_of(alpha, CUSTOMER).get("/timeline/")
    assert response.status_code == 200
    entries = entries_of(response)
    assert {entry.kind for entry in entries} == {"message", "support", "order", "document", "rating", "call"}
    assert [entry.at for entry in entries] == sorted((entry.at for entry in entries), reverse=True)
    page = response.content.decode()
    for text in ("Reply to request #", "We fixed the total", f"Order #{order.number} placed",
                 f"Order #{order.number}: Confirmed", "Document received: Contract 2026",
                 "You rated request #", "Called about the invoice.", f"Request #{request.pk} resolved"):
        assert text in page, text
    # Each entry links to its object on the customer's side.
    assert f'href="/support/{request.pk}/"' in page and f'href="/orders/{order.pk}/"' in page
    assert 'href="/documents/' in page


def test_staff_notes_never_reach_the_customer(alpha, django_capture_on_commit_callbacks):
    customer = user(alpha, CUSTOMER)
    everything_for(alpha, customer, django_capture_on_commit_callbacks)
    client = client_of(alpha, CUSTOMER)
    for address in ("/timeline/", "/timeline/?kind=note", "/timeline/?kind=note&since=2000-01-01"):
        response = client.get(address)
        assert "Secret: prefers mornings." not in response.content.decode(), address
        assert all(not entry.staff_only for entry in entries_of(response))
    assert client.get("/timeline/?kind=note").status_code == 400  # not a kind a customer may ask for
    with tenant_context(alpha):
        exported = selectors.personal_data(customer)
    assert "Secret" not in str(exported) and "Called about the invoice." in str(exported)
    # Staff see it, on the card and on the whole timeline.
    owner = client_of(alpha, OWNER)
    assert "Secret: prefers mornings." in owner.get(f"/manage/customers/{customer.pk}/").content.decode()
    assert "Secret: prefers mornings." in owner.get(f"/manage/timeline/customers/{customer.pk}/").content.decode()


def _bulk_calls(tenant, customer, count, *, start=None, step=timedelta(minutes=1), kind="call"):
    start = start or timezone.now() - timedelta(days=1)
    with tenant_context(tenant):
        Interaction.objects.bulk_create(
            Interaction(customer=customer, kind=kind, text=f"{kind} {number}", happened_at=start - number * step)
            for number in range(count))


def test_cursor_pages_cover_everything_once_even_with_entries_of_the_same_instant(alpha):
    customer = user(alpha, CUSTOMER)
    _bulk_calls(alpha, customer, 47)
    same = timezone.now() - timedelta(hours=30)
    _bulk_calls(alpha, customer, 25, start=same, step=timedelta(0), kind="meeting")  # 25 at one instant
    client = client_of(alpha, CUSTOMER)
    seen, address, pages = [], "/timeline/", 0
    while address:
        response = client.get(address)
        assert response.status_code == 200
        page = entries_of(response)
        assert len(page) <= selectors.PAGE_SIZE
        seen += [entry.key for entry in page]
        address = f"/timeline/?{response.context['next_query']}" if response.context["next_query"] else ""
        pages += 1
    assert len(seen) == len(set(seen)) == 72 and pages == 4
    with tenant_context(alpha):
        everything = selectors.timeline_page(customer=customer, limit=100)
    assert seen == [entry.key for entry in everything.entries]


def test_filters_by_kind_and_dates_keep_to_the_pages(alpha):
    customer = user(alpha, CUSTOMER)
    now = timezone.now()
    _bulk_calls(alpha, customer, 30, start=now - timedelta(days=10), step=timedelta(hours=1))
    _bulk_calls(alpha, customer, 5, start=now - timedelta(days=40), step=timedelta(hours=1), kind="meeting")
    client = client_of(alpha, CUSTOMER)
    meetings = entries_of(client.get("/timeline/?kind=meeting"))
    assert len(meetings) == 5 and {entry.kind for entry in meetings} == {"meeting"}
    day = (now - timedelta(days=40)).date().isoformat()
    dated = client.get(f"/timeline/?since={day}&until={day}")
    assert dated.status_code == 200 and {entry.kind for entry in entries_of(dated)} <= {"meeting"}
    assert entries_of(dated)
    first = client.get("/timeline/?kind=call")
    assert len(entries_of(first)) == 20 and "kind=call" in first.context["next_query"]
    second = client.get(f"/timeline/?{first.context['next_query']}")
    assert len(entries_of(second)) == 10 and {entry.kind for entry in entries_of(second)} == {"call"}


def test_a_customer_with_thousands_of_entries_gets_a_page_in_a_few_queries(alpha, django_capture_on_commit_callbacks):
    customer = user(alpha, CUSTOMER)
    everything_for(alpha, customer, django_capture_on_commit_callbacks)
    _bulk_calls(alpha, customer, 5000)
    client = client_of(alpha, CUSTOMER)
    client.get("/timeline/")  # warm the caches of the page
    with CaptureQueriesContext(connection) as first:
        response = client.get("/timeline/")
    deep = client.get("/timeline/?cursor=" + selectors.Cursor(at=timezone.now() - timedelta(days=3)).encode())
    with CaptureQueriesContext(connection) as later:
        response = client.get(f"/timeline/?{deep.context['next_query']}")
    assert response.status_code == 200 and len(entries_of(response)) == 20
    assert len(later) <= len(first) <= 25  # a fixed number of small queries, however long the history
    started = timezone.now()
    client.get(f"/timeline/?{deep.context['next_query']}")
    assert timezone.now() - started < timedelta(seconds=1)


@pytest.mark.parametrize("query", [
    "since=yesterday", "until=2026-13-45", "since=2026-05-01&until=2026-04-01", "kind=nonsense",
    "since=99999-01-01", "cursor=abc", "cursor=99999999999999999999.1", "cursor=1.-5",
    "cursor=" + "9" * 400, "page=-1",
])
def test_bad_filter_input_is_refused_or_ignored_never_a_500(alpha, query):
    customer = user(alpha, CUSTOMER)
    _bulk_calls(alpha, customer, 3)
    response = client_of(alpha, CUSTOMER).get(f"/timeline/?{query}")
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "could not be used" in response.content.decode()
    assert len(entries_of(response)) == 3  # the bad filter is ignored, the list stays


def test_log_form_refuses_bad_input_and_changes_nothing(alpha):
    customer = user(alpha, CUSTOMER)
    owner = client_of(alpha, OWNER)
    address = f"/manage/timeline/customers/{customer.pk}/log/"
    future = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    for data in ({"kind": "call", "text": "  "}, {"kind": "dinner", "text": "x"},
                 {"kind": "call", "text": "x" * 2001}, {"kind": "call", "text": "ok", "happened_at": future},
                 {"kind": "call", "text": "ok", "happened_at": "tomorrow"}):
        response = owner.post(address, data)
        assert response.status_code == 400, data
    with tenant_context(alpha):
        assert not Interaction.objects.exists()
    done = owner.post(address, {"kind": "meeting", "text": "Met at the office."})
    assert done.status_code == 302 and done["Location"].endswith(f"/manage/customers/{customer.pk}/#timeline")
    with tenant_context(alpha):
        logged = Interaction.objects.get()
    assert logged.author.email == OWNER and logged.kind == "meeting"
    assert "Met at the office." in client_of(alpha, CUSTOMER).get("/timeline/").content.decode()


@pytest.mark.parametrize(("role", "reads", "writes"), [
    ("manager", 200, 302), ("operator", 200, 302), ("editor", 403, 403)])
def test_staff_roles_on_the_card_and_the_log(alpha, role, reads, writes):
    customer = user(alpha, CUSTOMER)
    make_user(alpha, f"{role}@alpha.test", role=role)
    client = client_of(alpha, f"{role}@alpha.test")
    assert client.get(f"/manage/customers/{customer.pk}/").status_code == reads
    assert client.get(f"/manage/timeline/customers/{customer.pk}/").status_code == reads
    assert client.post(f"/manage/timeline/customers/{customer.pk}/log/",
                       {"kind": "note", "text": "A note."}).status_code == writes
    assert client_of(alpha, CUSTOMER).post(f"/manage/timeline/customers/{customer.pk}/log/",
                                           {"kind": "note", "text": "Me."}).status_code == 403
    with tenant_context(alpha):
        assert Interaction.objects.count() == (1 if writes == 302 else 0)


def test_one_customer_never_sees_anothers_entries(alpha, django_capture_on_commit_callbacks):
    customer = user(alpha, CUSTOMER)
    everything_for(alpha, customer, django_capture_on_commit_callbacks)
    customer_of(alpha, "other@alpha.test")
    response = client_of(alpha, "other@alpha.test").get("/timeline/")
    assert response.status_code == 200 and entries_of(response) == []
    for text in ("Wrong total", "Contract 2026", "Called about the invoice.", "Order #"):
        assert text not in response.content.decode()


def test_one_business_never_sees_anothers(alpha, beta, django_capture_on_commit_callbacks):
    customer = user(alpha, CUSTOMER)
    everything_for(alpha, customer, django_capture_on_commit_callbacks)
    with tenant_context(beta):
        set_module_enabled("timeline", True)
    bravo = client_of(beta, "customer@bravo.test")
    response = bravo.get("/timeline/")
    assert response.status_code == 200 and entries_of(response) == []
    # Bravo's owner cannot open alpha's customer: a number bravo has no customer under answers 404.
    stranger = customer_of(alpha, "stranger@alpha.test")
    with tenant_context(beta):
        from django.contrib.auth import get_user_model

        assert not get_user_model().objects.filter(pk=stranger.pk).exists()
    bravo_owner = client_of(beta, "owner@bravo.test")
    assert bravo_owner.get(f"/manage/customers/{stranger.pk}/").status_code == 404
    assert bravo_owner.get(f"/manage/timeline/customers/{stranger.pk}/").status_code == 404
    assert bravo_owner.post(f"/manage/timeline/customers/{stranger.pk}/log/",
                            {"kind": "call", "text": "x"}).status_code == 404
    with tenant_context(beta):
        assert not Interaction.objects.exists()


def test_a_switched_off_module_leaves_the_timeline_and_the_card(alpha, django_capture_on_commit_callbacks):
    customer = user(alpha, CUSTOMER)
    everything_for(alpha, customer, django_capture_on_commit_callbacks)
    with tenant_context(alpha):
        set_module_enabled("orders", False)
        set_module_enabled("feedback", False)
    client = client_of(alpha, CUSTOMER)
    response = client.get("/timeline/")
    assert {entry.kind for entry in entries_of(response)} == {"message", "support", "document", "call"}
    assert "order" not in dict(response.context["filter_form"].fields["kind"].choices)
    owner = client_of(alpha, OWNER)
    card = owner.get(f"/manage/customers/{customer.pk}/")
    assert [section["key"] for section in card.context["sections"]] == ["timeline", "support", "documents"]
    with tenant_context(alpha):
        set_module_enabled("timeline", False)
    assert client.get("/timeline/").status_code == 404
    assert owner.get(f"/manage/timeline/customers/{customer.pk}/").status_code == 404
    card = owner.get(f"/manage/customers/{customer.pk}/")
    assert [section["key"] for section in card.context["sections"]] == ["support", "documents"]


def test_the_card_shows_each_modules_section_for_its_roles(alpha, django_capture_on_commit_callbacks):
    customer = user(alpha, CUSTOMER)
    request, order = everything_for(alpha, customer, django_capture_on_commit_callbacks)
    card = client_of(alpha, OWNER).get(f"/manage/customers/{customer.pk}/")
    assert card.status_code == 200
    assert [section["key"] for section in card.context["sections"]] == ["timeline", "orders", "support", "documents"]
    page = card.content.decode()
    assert f'href="/manage/orders/{order.pk}/"' in page and f'href="/manage/support/{request.pk}/"' in page
    assert "Contract 2026" in page and "Log a call, meeting or note" in page
    make_user(alpha, "operator@alpha.test", role="operator")
    operator = client_of(alpha, "operator@alpha.test").get(f"/manage/customers/{customer.pk}/")
    # Documents are for owner and manager; the sign-in help too.
    assert [section["key"] for section in operator.context["sections"]] == ["timeline", "orders", "support"]
    assert "Set a temporary password" not in operator.content.decode()


def test_a_search_with_one_hit_opens_the_card(alpha):
    customer = user(alpha, CUSTOMER)
    customer_of(alpha, "second@alpha.test")
    owner = client_of(alpha, OWNER)
    one = owner.get("/manage/customers/?q=customer@alpha")
    assert one.status_code == 302 and one["Location"] == f"/manage/customers/{customer.pk}/"
    many = owner.get("/manage/customers/?q=alpha.test")
    assert many.status_code == 200 and len(many.context["page"].object_list) >= 2
    make_user(alpha, "operator@alpha.test", role="operator")
    operator = client_of(alpha, "operator@alpha.test")
    assert operator.get("/manage/customers/?q=customer@alpha").status_code == 302
    assert operator.post("/manage/customers/", {"number": "C-1"}).status_code == 403


def test_staff_have_no_events_of_their_own(alpha):
    assert client_of(alpha, OWNER).get("/timeline/").status_code == 403


def test_sources_are_checked_at_start():
    with pytest.raises(ImproperlyConfigured, match="cannot be imported"):
        registry.timeline_source("cabinet.modules.timeline.timeline.MISSING", "module 'x'")
    with pytest.raises(ImproperlyConfigured, match="not a TimelineSource"):
        registry.timeline_source("cabinet.modules.timeline.timeline.entries", "module 'x'")
    with pytest.raises(ImproperlyConfigured, match="staff kinds"):
        registry.check_declarations(registry.Module(key="x", title="x"))  # nothing declared: fine
        registry.timeline_source("cabinet.modules.timeline.tests.test_timeline.BAD_SOURCE", "module 'x'")
    with pytest.raises(ImproperlyConfigured, match="customer card"):
        registry.check_declarations(registry.Module(key="x", title="x", customer_card="cabinet.nowhere.section"))
    kinds = [kind for source in registry.timeline_sources() for kind, _label in source.kinds]
    assert set(kinds) >= {"message", "support", "order", "document", "rating", "call", "meeting", "note"}
    assert len(kinds) == len(set(kinds))


BAD_SOURCE = registry.TimelineSource(entries=lambda **_: [], kinds=(("a", "A"),), staff_kinds=("b",))
