"""A customer follows the work on their request in "My tasks" in Chromium, at 360 px: every stage with its date,
the current one marked, what comes next; reached by keyboard from the list to the request's page."""


import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import get_tenant_model, tenant_context
from playwright.sync_api import expect

from cabinet.modules.support import services
from cabinet.modules.support.models import Request, Stage
from cabinet.notifications.models import Notification

from .conftest import PHONE, no_sideways_scroll, sign_in

SCHEMA = "t_alpha"
CUSTOMER = ("customer@alpha.test", "Customer-Pass-42")
TOPIC = "Test results"
TOPICS = ["Appointment", "Test results", "Billing and payment", "Complaint", "Other"]


@pytest.fixture
def task(django_db_blocker):
    """Stages of the clinic's "Test results" and a request moved to the second one, committed; removed after."""
    User = get_user_model()
    with django_db_blocker.unblock():
        tenant = get_tenant_model().objects.get(schema_name=SCHEMA)
        with tenant_context(tenant):
            customer = User.objects.get(email=CUSTOMER[0])
            owner = User.objects.get(email="owner@alpha.test")
            stages = services.save_topic_stages(topic=TOPIC, text="Sample taken\nIn the laboratory\nResults ready",
                                                topics=TOPICS)
            made = services.create_request(customer=customer, topic=TOPIC, topics=TOPICS,
                                           subject="Blood test of 2 December", message="When is it ready?",
                                           contact_name="Alpha customer", contact_email=CUSTOMER[0])
            services.move_stage(support_request=made, stage_id=stages[1].pk, expected_stage_id=stages[0].pk,
                                by=owner, quiet=True)
    yield made
    with django_db_blocker.unblock(), tenant_context(tenant):
        Notification.objects.filter(recipient=customer).delete()
        Request.objects.filter(pk=made.pk).delete()
        Stage.objects.filter(topic=TOPIC).delete()


def test_my_tasks_at_360_px(browser, live_daphne, task, screenshot):
    portal = f"http://alpha.localhost:{live_daphne}"
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, portal, *CUSTOMER)
    page.goto(f"{portal}/support/tasks/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My tasks")
    expect(page.get_by_text("stage 2 of 3")).to_be_visible()
    current = page.locator('[aria-current="step"]')
    expect(current).to_contain_text("In the laboratory")
    expect(page.locator(".step-done")).to_contain_text("Sample taken")
    expect(page.get_by_text("Next: Results ready")).to_be_visible()
    no_sideways_scroll(page, "My tasks")
    screenshot(page, "support-my-tasks")

    # By keyboard: focus the task's link and open it; its page shows the same progress.
    link = page.get_by_role("link", name="Blood test of 2 December")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=2, name="Progress")).to_be_visible()
    expect(page.locator('[aria-current="step"]')).to_contain_text("In the laboratory")
    context.close()
