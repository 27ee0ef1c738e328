"""Four pages at 360 px in Chromium, saved to docs/screenshots/ for the README: the bell opened (the customer's
notifications), "My events" (timeline), the customer card in the manage area and "My tasks" (support stages).
Each page must fit the phone's width: no sideways scroll."""

import re

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import get_tenant_model, tenant_context
from playwright.sync_api import expect

from cabinet.launcher import ROOT
from cabinet.modules.support import services
from cabinet.modules.support.models import Request, Stage
from cabinet.notifications.models import Notification

from .conftest import PHONE, no_sideways_scroll, open_menu, sign_in

SCHEMA = "t_alpha"
CUSTOMER = ("customer@alpha.test", "Customer-Pass-42")
OWNER = ("owner@alpha.test", "Correct-Horse-42")
TOPIC = "Test results"
TOPICS = ["Appointment", "Test results", "Billing and payment", "Complaint", "Other"]
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"


@pytest.fixture
def filled(django_db_blocker):
    """A request moved through stages with a staff reply, committed (outside a test transaction the announcements
    run on commit, so the bell, the events and the card have entries); removed after."""
    User = get_user_model()
    with django_db_blocker.unblock():
        tenant = get_tenant_model().objects.get(schema_name=SCHEMA)
        with tenant_context(tenant):
            customer = User.objects.get(email=CUSTOMER[0])
            owner = User.objects.get(email=OWNER[0])
            stages = services.save_topic_stages(topic=TOPIC, text="Sample taken\nIn the laboratory\nResults ready",
                                                topics=TOPICS)
            made = services.create_request(customer=customer, topic=TOPIC, topics=TOPICS,
                                           subject="Blood test of 2 December", message="When is it ready?",
                                           contact_name="Alpha customer", contact_email=CUSTOMER[0])
            services.move_stage(support_request=made, stage_id=stages[1].pk, expected_stage_id=stages[0].pk,
                                by=owner)
            services.add_reply(made, author=owner, body="The sample is in the laboratory; results by Friday.")
    yield customer
    with django_db_blocker.unblock(), tenant_context(tenant):
        Notification.objects.filter(recipient=customer).delete()
        Request.objects.filter(pk=made.pk).delete()
        Stage.objects.filter(topic=TOPIC).delete()


def shoot(page, name):
    no_sideways_scroll(page, name)
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS_SCREENSHOTS / f"{name}.png"), full_page=True)


def test_four_pages_at_360_px(browser, live_daphne, filled):
    portal = f"http://alpha.localhost:{live_daphne}"
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, portal, *CUSTOMER)
    open_menu(page)  # on a phone the bell sits in the header's menu
    page.locator(".notification-bell:visible").first.click()
    expect(page.get_by_text("Blood test of 2 December").first).to_be_visible()
    shoot(page, "notifications-bell-360")
    page.goto(f"{portal}/timeline/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    shoot(page, "timeline-my-events-360")
    page.goto(f"{portal}/support/tasks/")
    expect(page.locator('[aria-current="step"]')).to_contain_text("In the laboratory")
    shoot(page, "support-my-tasks-360")
    context.close()

    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, portal, *OWNER)
    page.goto(f"{portal}/manage/customers/{filled.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(".+"))
    # The sign-ins table fits the card: no column squeezed to a letter a line
    assert page.evaluate("""[...document.querySelectorAll('.table-scroll')].every(
        box => box.scrollWidth <= box.clientWidth + 1)"""), "a table of the customer card needs scrolling at 360 px"
    shoot(page, "manage-customer-card-360")
    context.close()
