from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from cabinet.modules.support import selectors, services
from cabinet.modules.support.cards import dashboard_card
from cabinet.modules.support.models import Request, RequestMessage, StatusChange
from cabinet.modules.support.signals import support_event
from cabinet.modules.support.tasks import auto_close_resolved_requests
from cabinet.portal.services import set_module_enabled, update_module_settings

from .conftest import make_user, open_request, sign_in, user

pytestmark = pytest.mark.django_db
CUSTOMER = "customer@alpha.test"


def new_request_data(**fields):
    data = {"topic": "Billing and payment", "subject": "Invoice 12 is wrong", "message": "Please check the total.",
            "contact_name": "alpha customer", "contact_phone": "+380501234567", "contact_email": "me@example.com"}
    data.update(fields)
    return data


def requests_of(tenant):
    with tenant_context(tenant):
        return list(Request.objects.all())


def test_form_is_prefilled_from_the_profile_and_offers_the_business_topics(alpha, alpha_client):
    with tenant_context(alpha):
        account = user(alpha, CUSTOMER)
        account.phone = "+380671112233"
        account.save()
        update_module_settings("support", {"topics": "Appointment\n\nTest results\nAppointment", "auto_close_days": 7})
    sign_in(alpha_client, alpha, CUSTOMER)
    form = alpha_client.get("/support/new/").context["form"]
    assert form.initial["contact_name"] == "alpha customer"
    assert form.initial["contact_email"] == CUSTOMER and form.initial["contact_phone"] == "+380671112233"
    assert [value for value, _label in form.fields["topic"].choices] == ["Appointment", "Test results"]


def test_each_vertical_brings_its_own_topics(alpha, beta, alpha_client, beta_client):
    sign_in(alpha_client, alpha, CUSTOMER)
    sign_in(beta_client, beta, "customer@bravo.test")
    clinic = [value for value, _label in alpha_client.get("/support/new/").context["form"].fields["topic"].choices]
    wholesale = [value for value, _label in beta_client.get("/support/new/").context["form"].fields["topic"].choices]
    assert "Test results" in clinic and "Delivery" not in clinic
    assert "Delivery" in wholesale and "Test results" not in wholesale


def test_customer_opens_a_request_staff_answer_and_resolve_it(alpha, alpha_client, django_capture_on_commit_callbacks):
    events = []
    support_event.connect(receiver := lambda **kw: events.append((kw["event"], kw["customer"].email)), weak=False)
    try:
        sign_in(alpha_client, alpha, CUSTOMER)
        response = alpha_client.post("/support/new/", new_request_data())
        created = requests_of(alpha)[0]
        assert response["Location"] == f"/support/{created.pk}/"
        assert (created.status, created.subject, created.contact_phone) == ("new", "Invoice 12 is wrong",
                                                                            "+380501234567")
        assert "Invoice 12 is wrong" in alpha_client.get("/support/").content.decode()

        operator = make_user(alpha, "operator@alpha.test", role="operator")
        sign_in(alpha_client, alpha, "operator@alpha.test")
        assert "Invoice 12 is wrong" in alpha_client.get("/manage/support/").content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            reply = alpha_client.post(f"/manage/support/{created.pk}/reply/", {"body": "We are on it."})
        assert reply.status_code == 302
        with django_capture_on_commit_callbacks(execute=True):
            alpha_client.post(f"/manage/support/{created.pk}/status/", {"status": "resolved"})
        with tenant_context(alpha):
            created.refresh_from_db()
            assert created.status == "resolved" and created.resolved_at is not None
            changes = list(StatusChange.objects.values_list("from_status", "to_status", "changed_by_id"))
            assert changes == [("new", "in_progress", operator.pk), ("in_progress", "resolved", operator.pk)]
        assert ("support.reply", CUSTOMER) in events and ("support.status", CUSTOMER) in events

        sign_in(alpha_client, alpha, CUSTOMER)
        page = alpha_client.get(f"/support/{created.pk}/").content.decode()
        assert "We are on it." in page and "Resolved" in page
        # writing again brings a resolved request back into work
        alpha_client.post(f"/support/{created.pk}/", {"body": "Still wrong, sorry."})
        with tenant_context(alpha):
            created.refresh_from_db()
            assert created.status == "in_progress"
            assert [m.from_staff for m in RequestMessage.objects.all()] == [True, False]
        assert alpha_client.post(f"/support/{created.pk}/close/")["Location"] == f"/support/{created.pk}/"
        with tenant_context(alpha):
            created.refresh_from_db()
            assert created.status == "closed"
        refused = alpha_client.post(f"/support/{created.pk}/", {"body": "One more"})
        assert "This request is closed" in refused.content.decode()
        with tenant_context(alpha):
            assert RequestMessage.objects.count() == 2
    finally:
        support_event.disconnect(receiver)


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"subject": ""}, "subject", "This field is required."),
    ({"subject": "x" * 201}, "subject", "at most 200 characters"),
    ({"message": "   "}, "message", "This field is required."),
    ({"message": "x" * 5001}, "message", "at most 5000 characters"),
    ({"topic": "Something else"}, "topic", "Select a valid choice."),
    ({"contact_name": ""}, "contact_name", "This field is required."),
    ({"contact_phone": "call me"}, "contact_phone", "Enter a phone number"),
    ({"contact_email": "not-an-email"}, "contact_email", "Enter a valid email address."),
    ({"contact_email": "", "contact_phone": ""}, "contact_email", "Leave a phone or an e-mail"),
])
def test_bad_requests_are_refused(alpha, alpha_client, fields, field, message):
    sign_in(alpha_client, alpha, CUSTOMER)
    response = alpha_client.post("/support/new/", new_request_data(**fields))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert requests_of(alpha) == []


def test_bad_replies_and_statuses_are_refused(alpha, alpha_client):
    created = open_request(alpha, user(alpha, CUSTOMER))
    sign_in(alpha_client, alpha, CUSTOMER)
    assert "This field is required." in alpha_client.post(f"/support/{created.pk}/", {"body": " "}).content.decode()
    too_long = alpha_client.post(f"/support/{created.pk}/", {"body": "x" * 5001})
    assert "at most 5000 characters" in too_long.content.decode()
    sign_in(alpha_client, alpha, "owner@alpha.test")
    assert alpha_client.post(f"/manage/support/{created.pk}/reply/", {"body": ""}).status_code == 400
    assert alpha_client.post(f"/manage/support/{created.pk}/status/", {"status": "lost"}).status_code == 400
    same = alpha_client.post(f"/manage/support/{created.pk}/status/", {"status": "new"})
    assert same.status_code == 400 and "already has this status" in same.content.decode()
    assert alpha_client.post("/manage/support/999999/reply/", {"body": "hi"}).status_code == 404
    with tenant_context(alpha):
        assert RequestMessage.objects.count() == 0 and StatusChange.objects.count() == 0


def test_customer_never_sees_or_answers_another_customers_request(alpha, alpha_client):
    other = make_user(alpha, "other@alpha.test")
    theirs = open_request(alpha, other, subject="Other's secret")
    sign_in(alpha_client, alpha, CUSTOMER)
    assert "secret" not in alpha_client.get("/support/").content.decode()
    assert alpha_client.get(f"/support/{theirs.pk}/").status_code == 404
    assert alpha_client.post(f"/support/{theirs.pk}/", {"body": "hi"}).status_code == 404
    assert alpha_client.post(f"/support/{theirs.pk}/close/").status_code == 404
    assert alpha_client.get(f"/api/v1/support/{theirs.pk}/").status_code == 404
    assert alpha_client.get("/api/v1/support/").json()["count"] == 0
    with tenant_context(alpha):
        theirs.refresh_from_db()
        assert theirs.status == "new" and RequestMessage.objects.count() == 0


def test_roles_of_the_manage_area(alpha, alpha_client):
    make_user(alpha, "editor@alpha.test", role="editor")
    sign_in(alpha_client, alpha, "editor@alpha.test")
    assert alpha_client.get("/manage/support/").status_code == 403
    sign_in(alpha_client, alpha, CUSTOMER)
    assert alpha_client.get("/manage/support/").status_code == 403
    alpha_client.logout()
    assert alpha_client.get("/manage/support/")["Location"].startswith("/manage/login/")
    assert alpha_client.get("/support/")["Location"].startswith("/login/")


def test_queue_filters_by_status(alpha, alpha_client):
    customer = user(alpha, CUSTOMER)
    open_request(alpha, customer, subject="Fresh one")
    done = open_request(alpha, customer, subject="Done one")
    with tenant_context(alpha):
        services.change_status(done, "resolved", by=None)
    sign_in(alpha_client, alpha, "owner@alpha.test")
    default = alpha_client.get("/manage/support/").content.decode()
    assert "Fresh one" in default and "Done one" not in default
    resolved = alpha_client.get("/manage/support/", {"status": "resolved"}).content.decode()
    assert "Done one" in resolved and "Fresh one" not in resolved
    everything = alpha_client.get("/manage/support/", {"status": "all"}).content.decode()
    assert "Done one" in everything and "Fresh one" in everything
    # an unknown status is ignored (the open queue), never an error
    assert alpha_client.get("/manage/support/", {"status": "bogus"}).status_code == 200


def test_api_lists_and_creates_own_requests(alpha, alpha_client):
    sign_in(alpha_client, alpha, CUSTOMER)
    created = alpha_client.post("/api/v1/support/", {"topic": "Appointment", "subject": "Hello",
                                                     "message": "Opening hours?"}, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    # contact details come from the profile when the client sends none
    assert (body["contact_name"], body["contact_email"], body["status"]) == ("alpha customer", CUSTOMER, "new")
    listing = alpha_client.get("/api/v1/support/").json()
    assert [r["subject"] for r in listing["results"]] == ["Hello"]
    too_long = alpha_client.post("/api/v1/support/", {"topic": "Appointment", "subject": "Long",
                                                      "message": "x" * 5001}, content_type="application/json")
    assert too_long.status_code == 400 and set(too_long.json()["errors"]) == {"message"}
    assert too_long.json()["detail"]
    bad = alpha_client.post("/api/v1/support/", {"topic": "Nope", "subject": "", "message": "Hi",
                                                 "contact_phone": "call me"}, content_type="application/json")
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"topic", "subject", "contact_phone"}
    assert len(requests_of(alpha)) == 1
    sign_in(alpha_client, alpha, "owner@alpha.test")
    assert alpha_client.get("/api/v1/support/").status_code == 403


def test_tenant_isolation(alpha, beta, alpha_client, beta_client):
    alpha_request = open_request(alpha, user(alpha, CUSTOMER), subject="Alpha matter")
    sign_in(beta_client, beta, "owner@bravo.test")
    assert beta_client.get(f"/manage/support/{alpha_request.pk}/").status_code == 404
    assert "Alpha matter" not in beta_client.get("/manage/support/", {"status": "all"}).content.decode()
    sign_in(beta_client, beta, "customer@bravo.test")
    assert beta_client.get(f"/support/{alpha_request.pk}/").status_code == 404
    assert beta_client.get("/api/v1/support/").json()["count"] == 0
    sign_in(alpha_client, alpha, CUSTOMER)
    beta_client.cookies = alpha_client.cookies
    assert beta_client.get("/support/").status_code == 302
    assert beta_client.get("/api/v1/support/").status_code == 403


def test_switched_off_module_disappears(alpha, alpha_client):
    created = open_request(alpha, user(alpha, CUSTOMER))
    sign_in(alpha_client, alpha, CUSTOMER)
    assert 'data-module="support"' in alpha_client.get("/").content.decode()
    with tenant_context(alpha):
        set_module_enabled("support", False)
    home = alpha_client.get("/").content.decode()
    assert 'data-module="support"' not in home and 'href="/support/"' not in home
    for url in ("/support/", "/support/new/", f"/support/{created.pk}/", "/api/v1/support/"):
        assert alpha_client.get(url).status_code == 404, url
    sign_in(alpha_client, alpha, "owner@alpha.test")
    assert 'href="/manage/support/"' not in alpha_client.get("/manage/").content.decode()
    assert alpha_client.get("/manage/support/").status_code == 404
    assert alpha_client.post(f"/manage/support/{created.pk}/reply/", {"body": "x"}).status_code == 404


def test_dashboard_card_counts_open_requests_in_one_query(alpha, rf, django_assert_num_queries):
    customer = user(alpha, CUSTOMER)
    open_request(alpha, customer)
    done = open_request(alpha, customer)
    with tenant_context(alpha):
        services.change_status(done, "resolved", by=None)
        request = rf.get("/")
        request.user = customer
        with django_assert_num_queries(1):
            card = dashboard_card(request)
    assert (card.value, card.url) == ("1", reverse("support:list"))


def _resolve_days_ago(tenant, support_request, days):
    with tenant_context(tenant):
        services.change_status(support_request, "resolved", by=None)
        Request.objects.filter(pk=support_request.pk).update(resolved_at=timezone.now() - timedelta(days=days))


def test_auto_close_task_closes_old_resolved_requests_where_support_is_on(alpha):
    customer = user(alpha, CUSTOMER)
    old, recent, still_open = (open_request(alpha, customer, subject=s) for s in ("old", "recent", "open"))
    _resolve_days_ago(alpha, old, 10)
    _resolve_days_ago(alpha, recent, 2)
    with tenant_context(alpha):
        update_module_settings("support", {"topics": "A", "auto_close_days": 5})
        assert auto_close_resolved_requests.apply().get() == 1
        statuses = dict(Request.objects.values_list("subject", "status"))
        assert statuses == {"old": "closed", "recent": "resolved", "open": "new"}
        assert StatusChange.objects.filter(to_status="closed").get().changed_by is None


def test_auto_close_task_does_nothing_where_support_is_off(alpha):
    old = open_request(alpha, user(alpha, CUSTOMER))
    _resolve_days_ago(alpha, old, 30)
    with tenant_context(alpha):
        set_module_enabled("support", False)
        assert auto_close_resolved_requests.apply().get() is None
        old.refresh_from_db()
        assert old.status == "resolved"



def test_personal_data_and_erase(alpha):
    customer = user(alpha, CUSTOMER)
    created = open_request(alpha, customer, contact_phone="+380501234567")
    with tenant_context(alpha):
        services.add_reply(created, author=customer, body="More details")
        exported = selectors.personal_data(customer)["support_requests"]
        assert exported[0]["contact_email"] == "ann@example.com"
        assert [m["body"] for m in exported[0]["messages"]] == ["More details"]
        services.erase_personal_data(customer)
        created.refresh_from_db()
        assert (created.contact_name, created.contact_phone, created.contact_email) == ("", "", "")
        assert created.subject == "Broken invoice"  # the business's record stays


def test_pages_speak_the_customers_language(alpha, alpha_client):
    sign_in(alpha_client, alpha, CUSTOMER)
    russian = alpha_client.get("/support/new/", headers={"accept-language": "ru"}).content.decode()
    assert "Новое обращение" in russian and "Как с вами связаться" in russian
    ukrainian = alpha_client.get("/support/", headers={"accept-language": "uk"}).content.decode()
    assert "Мої звернення" in ukrainian
