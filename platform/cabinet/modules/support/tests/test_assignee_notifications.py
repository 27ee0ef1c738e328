"""The member of staff a request is given to hears of it: when it is given to them and when its customer answers;
in their language, on the channels they chose in "My settings"; customers never see these events; nothing
crosses to another business or to another member of staff."""

import pytest
from django.utils import translation
from django_tenants.utils import tenant_context

from cabinet.accounts import selectors as account_selectors
from cabinet.accounts.models import NotificationPreference
from cabinet.modules.support import services
from cabinet.notifications.models import Delivery, Notification

from .conftest import make_user, open_request, sign_in, user

pytestmark = pytest.mark.django_db
CUSTOMER = "customer@alpha.test"
QUEUE_ROLES = ("owner", "manager", "operator")


def told(tenant, person, event):
    with tenant_context(tenant):
        return list(Notification.objects.filter(recipient=person, event=event).order_by("pk"))


def test_the_assignee_is_told_when_given_a_request_and_when_the_customer_answers(
        alpha, alpha_client, django_capture_on_commit_callbacks):
    customer = user(alpha, CUSTOMER)
    task = open_request(alpha, customer, subject="Broken invoice")
    operator = make_user(alpha, "operator@alpha.test", role="operator")
    make_user(alpha, "manager@alpha.test", role="manager")
    sign_in(alpha_client, alpha, "manager@alpha.test")
    with django_capture_on_commit_callbacks(execute=True):
        assert alpha_client.post(f"/manage/support/{task.pk}/assignee/", {"assignee": operator.pk}).status_code == 302
    (given,) = told(alpha, operator, "support.assigned")
    assert "Broken invoice" in given.subject and given.url == f"/manage/support/{task.pk}/"
    assert "The total looks wrong." in given.body and f"/manage/support/{task.pk}/" in given.body
    with tenant_context(alpha):
        assert Delivery.objects.filter(notification=given, channel="email", address="operator@alpha.test").exists()
        assert not Notification.objects.filter(recipient=customer, event__in=("support.assigned",)).exists()

    # The customer answers: the assignee hears it once per message, with the words; staff replies tell nobody staff
    with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True):
        services.add_reply(task, author=customer, body="I attach the receipt now.")
        services.add_reply(task, author=operator, body="Thank you, looking into it.")
        services.add_reply(task, author=customer, body="Any news?")
    replies = told(alpha, operator, "support.customer_reply")
    assert [("receipt" in n.body, "Any news?" in n.text) for n in replies] == [(True, False), (False, True)]
    assert not told(alpha, user(alpha, "manager@alpha.test"), "support.customer_reply")

    # Given to someone else: the new assignee hears the next answer, the former one does not
    with django_capture_on_commit_callbacks(execute=True):
        assert alpha_client.post(f"/manage/support/{task.pk}/assignee/",
                                 {"assignee": user(alpha, "manager@alpha.test").pk}).status_code == 302
    with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True):
        services.add_reply(task, author=customer, body="Hello?")
    manager = user(alpha, "manager@alpha.test")
    assert not told(alpha, manager, "support.assigned")  # who takes a request themselves knows it
    assert len(told(alpha, manager, "support.customer_reply")) == 1
    assert len(told(alpha, operator, "support.customer_reply")) == 2


def test_taking_a_request_away_or_giving_it_to_nobody_tells_nobody(alpha, django_capture_on_commit_callbacks):
    customer = user(alpha, CUSTOMER)
    task = open_request(alpha, customer)
    owner = make_user(alpha, "boss@alpha.test", role="owner")
    with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True):
        services.assign(support_request=task, assignee=owner, by=owner, staff_roles=QUEUE_ROLES)
        services.assign(support_request=task, assignee=None, by=owner, staff_roles=QUEUE_ROLES)
        services.add_reply(task, author=customer, body="Is anybody there?")
    with tenant_context(alpha):
        assert not Notification.objects.filter(event__in=("support.assigned", "support.customer_reply")).exists()


def test_in_the_assignees_language_and_on_the_channels_they_chose(alpha, django_capture_on_commit_callbacks):
    customer = user(alpha, CUSTOMER)
    task = open_request(alpha, customer, subject="Счёт")
    owner = make_user(alpha, "boss@alpha.test", role="owner")
    operator = make_user(alpha, "operator@alpha.test", role="operator", language="uk")
    with tenant_context(alpha):
        NotificationPreference.objects.create(user=operator, event="support.customer_reply", channel="email",
                                              enabled=False)
    with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True):
        services.assign(support_request=task, assignee=operator, by=owner, staff_roles=QUEUE_ROLES)
        services.add_reply(task, author=customer, body="Де мій рахунок?")
    (given,) = told(alpha, operator, "support.assigned")
    with translation.override("uk"):
        hello = translation.gettext("Hello, %(name)s!") % {"name": operator.display_name}
    assert given.language == "uk" and hello in given.body and "A request was given" not in given.subject
    (answered,) = told(alpha, operator, "support.customer_reply")  # in the bell all the same
    with tenant_context(alpha):
        assert not Delivery.objects.filter(notification=answered, channel="email").exists()
        assert Delivery.objects.filter(notification=given, channel="email").exists()


def test_staff_events_are_offered_to_staff_only(alpha):
    customer = user(alpha, CUSTOMER)
    operator = make_user(alpha, "operator@alpha.test", role="operator")
    with tenant_context(alpha):
        for_customer = {row.event for row in account_selectors.notification_grid(customer)}
        for_operator = {row.event for row in account_selectors.notification_grid(operator)}
    assert "support.reply" in for_customer and not {"support.assigned", "support.customer_reply"} & for_customer
    assert {"support.assigned", "support.customer_reply"} <= for_operator


def test_nothing_crosses_to_another_business(alpha, beta, django_capture_on_commit_callbacks):
    make_user(beta, "operator@alpha.test", role="operator")  # the same address in another business
    customer = user(alpha, CUSTOMER)
    task = open_request(alpha, customer)
    operator = make_user(alpha, "operator@alpha.test", role="operator")
    owner = make_user(alpha, "boss@alpha.test", role="owner")
    with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True):
        services.assign(support_request=task, assignee=operator, by=owner, staff_roles=QUEUE_ROLES)
        services.add_reply(task, author=customer, body="Hello")
    assert len(told(alpha, operator, "support.assigned")) == 1
    with tenant_context(beta):
        assert not Notification.objects.filter(event__startswith="support.").exists()
