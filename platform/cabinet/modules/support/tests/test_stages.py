"""Stages of a topic, moving requests through them (history, notification), "My tasks", the assignee and the
queue's filter, the API's read-only view of them; isolation between tenants and between customers."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django_tenants.utils import tenant_context

from cabinet.modules.support import selectors, services
from cabinet.modules.support.models import AssigneeChange, Request, Stage, StageMove
from cabinet.notifications.models import Notification

from .conftest import make_user, open_request, sign_in, user

pytestmark = pytest.mark.django_db
CUSTOMER = "customer@alpha.test"
CLINIC_TOPICS = ["Appointment", "Test results", "Billing and payment", "Complaint", "Other"]
STAGES = "Sample taken\nIn the laboratory\nResults ready"


def define_stages(tenant, topic="Test results", text=STAGES):
    with tenant_context(tenant):
        return services.save_topic_stages(topic=topic, text=text, topics=CLINIC_TOPICS)


def test_stages_are_kept_per_topic_in_order_and_edited_without_losing_history(alpha):
    first = define_stages(alpha)
    assert [s.name for s in first] == ["Sample taken", "In the laboratory", "Results ready"]
    with tenant_context(alpha):
        assert selectors.topic_stages("Appointment") == []
        customer = user(alpha, CUSTOMER)
    task = open_request(alpha, customer, topic="Test results", topics=CLINIC_TOPICS)
    with tenant_context(alpha):
        assert task.stage.name == "Sample taken"  # a new request starts at the first stage
        # Reordered, one renamed away (it was reached: archived, not deleted), one new, a typed Russian default
        # line stored as its English source.
        with translation.override("ru"):
            russian = translation.gettext("Results ready")
        services.save_topic_stages(topic="Test results", text=f"In the laboratory\n{russian}\nCalled the patient",
                                   topics=CLINIC_TOPICS)
        names = [s.name for s in selectors.topic_stages("Test results")]
        assert names == ["In the laboratory", "Results ready", "Called the patient"]
        assert Stage.objects.get(name="Sample taken").archived is True
        assert Stage.objects.get(name="In the laboratory").pk == first[1].pk
        # Shown in the reader's language
        with translation.override("uk"):
            assert Stage.objects.get(name="Results ready").label != "Results ready"
        assert Stage.objects.get(name="Called the patient").label == "Called the patient"
        # An empty text removes the stages nobody reached
        services.save_topic_stages(topic="Test results", text="", topics=CLINIC_TOPICS)
        assert selectors.topic_stages("Test results") == []
        assert not Stage.objects.filter(name="Called the patient").exists()


@pytest.mark.parametrize(("topic", "text", "field"), [
    ("Not a topic", "One", "topic"),
    ("Test results", "x" * 101, "stages"),
    ("Test results", "\n".join(f"Stage {n}" for n in range(21)), "stages"),
])
def test_bad_stage_definitions_are_refused_and_change_nothing(alpha, topic, text, field):
    define_stages(alpha)
    with tenant_context(alpha), pytest.raises(ValidationError) as refused:
        services.save_topic_stages(topic=topic, text=text, topics=CLINIC_TOPICS)
    assert field in refused.value.message_dict
    with tenant_context(alpha):
        assert [s.name for s in selectors.topic_stages("Test results")] == STAGES.splitlines()


def test_stages_page_in_the_manage_area(alpha, alpha_client):
    make_user(alpha, "manager@alpha.test", role="manager")
    sign_in(alpha_client, alpha, "manager@alpha.test")
    page = alpha_client.get("/manage/support/stages/")
    assert page.status_code == 200 and "Test results" in page.content.decode()
    saved = alpha_client.post("/manage/support/stages/", {"topic": "Test results", "stages": STAGES})
    assert saved.status_code == 302
    with tenant_context(alpha):
        assert [s.name for s in selectors.topic_stages("Test results")] == STAGES.splitlines()
    for bad in ({"topic": "Nope", "stages": "A"}, {"topic": "Test results", "stages": "y" * 200},
                {"stages": "A"}, {"topic": "Test results", "stages": "z" * 5000}):
        assert alpha_client.post("/manage/support/stages/", bad).status_code == 400
    with tenant_context(alpha):
        assert [s.name for s in selectors.topic_stages("Test results")] == STAGES.splitlines()
    make_user(alpha, "operator@alpha.test", role="operator")
    sign_in(alpha_client, alpha, "operator@alpha.test")
    assert alpha_client.get("/manage/support/stages/").status_code == 403


def test_staff_move_a_request_the_customer_is_told_once_and_sees_the_progress(
        alpha, alpha_client, django_capture_on_commit_callbacks):
    stages = define_stages(alpha)
    customer = user(alpha, CUSTOMER)
    task = open_request(alpha, customer, subject="Blood test", topic="Test results", topics=CLINIC_TOPICS)
    operator = make_user(alpha, "operator@alpha.test", role="operator")
    sign_in(alpha_client, alpha, "operator@alpha.test")
    page = alpha_client.get(f"/manage/support/{task.pk}/")
    assert page.context["stage_form"] is not None and "Sample taken" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        moved = alpha_client.post(f"/manage/support/{task.pk}/stage/",
                                  {"stage": stages[2].pk, "current": stages[0].pk})  # skipping one is allowed
    assert moved.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        stale = alpha_client.post(f"/manage/support/{task.pk}/stage/",
                                  {"stage": stages[1].pk, "current": stages[0].pk})  # someone moved it since
    assert stale.status_code == 400 and "Someone has just moved" in stale.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        back = alpha_client.post(f"/manage/support/{task.pk}/stage/", {"stage": stages[1].pk, "current": stages[2].pk})
    assert back.status_code == 302
    with tenant_context(alpha):
        moves = list(StageMove.objects.filter(request=task).values_list("number", "from_stage_id", "to_stage_id",
                                                                         "moved_by_id"))
        assert moves == [(1, None, stages[0].pk, None), (2, stages[0].pk, stages[2].pk, operator.pk),
                         (3, stages[2].pk, stages[1].pk, operator.pk)]
        told = Notification.objects.filter(recipient=customer, event="support.stage")
        assert told.count() == 2  # once per move, none for the refused one
        assert "Results ready" in told.order_by("pk").first().subject
        assert {n.event_id for n in told} == {f"support.stage:{m.pk}" for m in StageMove.objects.filter(number__gt=1)}
        history = selectors.history(Request.objects.get(pk=task.pk))
        assert [entry["kind"] for entry in history].count("stage") == 3

    sign_in(alpha_client, alpha, CUSTOMER)
    tasks = alpha_client.get("/support/tasks/")
    body = tasks.content.decode()
    assert tasks.status_code == 200 and "Blood test" in body
    (listed, progress), = tasks.context["tasks"]
    assert [(step.stage.name, step.state) for step in progress.steps] == [
        ("Sample taken", "done"), ("In the laboratory", "current"), ("Results ready", "next")]
    assert progress.steps[0].reached_at is not None and progress.steps[2].reached_at is None
    assert progress.following.name == "Results ready"
    assert 'aria-current="step"' in body
    detail = alpha_client.get(f"/support/{task.pk}/")
    assert detail.context["progress"].current.name == "In the laboratory"
    # In Ukrainian
    alpha_client.cookies["django_language"] = "uk"
    with translation.override("uk"):
        label = translation.gettext("In the laboratory")
    assert label != "In the laboratory" and label in alpha_client.get("/support/tasks/",
                                                                       HTTP_ACCEPT_LANGUAGE="uk").content.decode()


@pytest.mark.parametrize("data", [
    {}, {"stage": "abc"}, {"stage": "999999", "current": ""}, {"stage": "1", "current": "x1"},
    {"stage": "-1"}, {"stage": "1" * 30, "current": "2" * 30},
])
def test_bad_stage_moves_answer_400_and_change_nothing(alpha, alpha_client, data):
    define_stages(alpha)
    task = open_request(alpha, user(alpha, CUSTOMER), topic="Test results", topics=CLINIC_TOPICS)
    make_user(alpha, "operator@alpha.test", role="operator")
    sign_in(alpha_client, alpha, "operator@alpha.test")
    assert alpha_client.post(f"/manage/support/{task.pk}/stage/", data).status_code == 400
    with tenant_context(alpha):
        assert StageMove.objects.filter(request=task).count() == 1


def test_a_stage_of_another_topic_or_a_closed_request_is_refused(alpha):
    define_stages(alpha)
    other = define_stages(alpha, topic="Appointment", text="Booked\nSeen")
    task = open_request(alpha, user(alpha, CUSTOMER), topic="Test results", topics=CLINIC_TOPICS)
    with tenant_context(alpha):
        with pytest.raises(ValidationError):
            services.move_stage(support_request=task, stage_id=other[0].pk, expected_stage_id=task.stage_id, by=None)
        services.close_by_customer(task, task.customer)
        with pytest.raises(ValidationError):
            services.move_stage(support_request=task, stage_id=selectors.topic_stages("Test results")[1].pk,
                                expected_stage_id=task.stage_id, by=None)


def test_customers_see_only_their_own_tasks_and_tenants_only_their_stages(alpha, beta, alpha_client, beta_client):
    define_stages(alpha)
    mine = open_request(alpha, user(alpha, CUSTOMER), subject="Mine", topic="Test results", topics=CLINIC_TOPICS)
    other = make_user(alpha, "other@alpha.test")
    theirs = open_request(alpha, other, subject="Theirs", topic="Test results", topics=CLINIC_TOPICS)
    sign_in(alpha_client, alpha, CUSTOMER)
    body = alpha_client.get("/support/tasks/").content.decode()
    assert "Mine" in body and "Theirs" not in body
    assert alpha_client.get(f"/support/{theirs.pk}/").status_code == 404
    with tenant_context(beta):
        assert not Stage.objects.exists() and not StageMove.objects.exists()
    sign_in(beta_client, beta, "customer@bravo.test")
    assert "Mine" not in beta_client.get("/support/tasks/").content.decode()
    assert beta_client.get(f"/support/{mine.pk}/").status_code == 404


def test_assignee_is_logged_shown_and_filters_the_queue(alpha, alpha_client):
    customer = user(alpha, CUSTOMER)
    first = open_request(alpha, customer, subject="First one")
    second = open_request(alpha, customer, subject="Second one")
    third = open_request(alpha, customer, subject="Third one")
    operator = make_user(alpha, "operator@alpha.test", role="operator", full_name="Olga Operator")
    manager = make_user(alpha, "manager@alpha.test", role="manager", full_name="Max Manager")
    make_user(alpha, "editor@alpha.test", role="editor")
    sign_in(alpha_client, alpha, "operator@alpha.test")
    assert alpha_client.post(f"/manage/support/{first.pk}/assignee/", {"assignee": operator.pk}).status_code == 302
    assert alpha_client.post(f"/manage/support/{second.pk}/assignee/", {"assignee": manager.pk}).status_code == 302
    with tenant_context(alpha):
        editor = user(alpha, "editor@alpha.test")
    for bad in ({"assignee": editor.pk}, {"assignee": customer.pk}, {"assignee": "x"}, {"assignee": operator.pk}):
        assert alpha_client.post(f"/manage/support/{first.pk}/assignee/", bad).status_code == 400

    def listed(**params):
        return [r.subject for r in alpha_client.get("/manage/support/", params).context["page"].object_list]

    assert listed(assignee="mine") == ["First one"]
    assert listed(assignee="none") == ["Third one"]
    assert listed(assignee=str(manager.pk)) == ["Second one"]
    assert sorted(listed()) == ["First one", "Second one", "Third one"]
    assert sorted(listed(assignee="bogus")) == ["First one", "Second one", "Third one"]  # ignored, not a 500
    assert "Max Manager" in alpha_client.get("/manage/support/").content.decode()
    assert alpha_client.post(f"/manage/support/{first.pk}/assignee/", {"assignee": ""}).status_code == 302
    with tenant_context(alpha):
        log = list(AssigneeChange.objects.filter(request=first).values_list("assignee_id", "changed_by_id"))
        assert log == [(operator.pk, operator.pk), (None, operator.pk)]
        assert Request.objects.get(pk=third.pk).assignee is None
    page = alpha_client.get(f"/manage/support/{first.pk}/").content.decode()
    assert "assigned to" in page


def test_the_api_shows_stage_progress_and_assignee_read_only(alpha, alpha_client):
    stages = define_stages(alpha)
    customer = user(alpha, CUSTOMER)
    task = open_request(alpha, customer, topic="Test results", topics=CLINIC_TOPICS)
    owner = user(alpha, "owner@alpha.test")
    with tenant_context(alpha):
        services.assign(support_request=task, assignee=owner, by=owner, staff_roles=("owner",))
        services.move_stage(support_request=task, stage_id=stages[1].pk, expected_stage_id=stages[0].pk, by=owner)
    sign_in(alpha_client, alpha, CUSTOMER)
    found = alpha_client.get(f"/api/v1/support/{task.pk}/").json()
    assert found["stage"] == "In the laboratory" and found["assignee_name"] == owner.display_name
    assert [step["state"] for step in found["progress"]] == ["done", "current", "next"]
    listed = alpha_client.get("/api/v1/support/").json()["results"]
    assert listed[0]["stage"] == "In the laboratory"
    # Read-only: a client that sends a stage or an assignee changes neither
    created = alpha_client.post("/api/v1/support/", {
        "topic": "Appointment", "subject": "New", "message": "Hello", "stage": "Results ready",
        "assignee_name": "me"}, content_type="application/json")
    assert created.status_code == 201 and created.json()["stage"] is None and created.json()["assignee_name"] is None
