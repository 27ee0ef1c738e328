"""Live chat in Chromium: a customer on a phone (360 px) and an operator on a desktop, two browser contexts,
talking through the real socket stack (Daphne, Redis); the customer's connection drops and the message written
meanwhile arrives once, in order, when it is back."""

import os
import re
import shutil

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import get_tenant_model, tenant_context
from playwright.sync_api import expect

from cabinet.launcher import ROOT
from cabinet.notifications.models import Notification
from realtime.chat.models import Conversation, Presence

SCHEMA = "t_alpha"
CUSTOMER = ("customer@alpha.test", "Customer-Pass-42")
OWNER = ("owner@alpha.test", "Correct-Horse-42")
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"


@pytest.fixture
def clean_chat(django_db_blocker):
    """No conversation of the customer before; none left after (the database is shared with other tests)."""
    def clean():
        with django_db_blocker.unblock():
            tenant = get_tenant_model().objects.get(schema_name=SCHEMA)
            with tenant_context(tenant):
                customer = get_user_model().objects.get(email=CUSTOMER[0])
                Conversation.objects.filter(customer=customer).delete()
                Presence.objects.all().delete()
                Notification.objects.filter(recipient=customer, event="chat.reply").delete()

    clean()
    yield
    clean()


def _sign_in(page, portal, login_path, who, label):
    page.goto(f"{portal}{login_path}")
    page.get_by_label(label).fill(who[0])
    page.get_by_label("Password").fill(who[1])
    page.get_by_role("button", name=re.compile("Log in|Sign in")).click()


def test_a_customer_on_a_phone_and_an_operator_chat(browser, live_daphne, clean_chat, screenshot):
    portal = f"http://alpha.localhost:{live_daphne}"
    phone = browser.new_context(viewport={"width": 360, "height": 780})
    customer = phone.new_page()
    _sign_in(customer, portal, "/login/", CUSTOMER, "E-mail, phone or contract number")
    customer.goto(f"{portal}/")
    customer.get_by_role("link", name=re.compile("Chat")).last.click()
    panel = customer.get_by_role("dialog")
    expect(panel).to_be_visible()
    box = panel.bounding_box()
    assert box is not None and box["width"] >= 359 and box["height"] >= 779  # the whole screen of a phone
    expect(panel.locator("[data-chat-state]")).to_have_text("Connected")
    panel.get_by_label("Your message").fill("Hello! Is the doctor in today? See https://example.com/visit")
    panel.get_by_label("Your message").press("Enter")
    expect(panel.locator(".chat-mine .chat-mark").last).to_have_text(re.compile("delivered|read"))
    expect(panel.get_by_role("link", name="https://example.com/visit")).to_be_visible()

    desk = browser.new_context(viewport={"width": 1280, "height": 800})
    operator = desk.new_page()
    _sign_in(operator, portal, "/manage/login/", OWNER, "E-mail")
    operator.goto(f"{portal}/manage/chat/")
    row = operator.locator("tr", has_text="alpha customer")
    expect(row.locator(".chat-unread")).to_have_text("1")
    row.get_by_role("link").click()
    conversation = operator.locator("[data-chat]")
    expect(conversation.locator("[data-chat-state]")).to_have_text("Connected")
    expect(conversation.get_by_text("Is the doctor in today?")).to_be_visible()
    conversation.get_by_label("Your message").fill("Good morning! Yes, until 18:00.")
    conversation.get_by_role("button", name="Send").click()
    expect(panel.get_by_text("Good morning! Yes, until 18:00.")).to_be_visible()
    # The customer has it on screen: the operator's message turns "read".
    expect(conversation.locator(".chat-mine .chat-mark").last).to_have_text("read")

    # The phone loses its connection; what the customer writes meanwhile waits and goes once it is back.
    phone.set_offline(True)
    customer.evaluate("document.querySelector('.chat-overlay [data-chat]').chat.socket.close()")
    expect(panel.locator("[data-chat-state]")).to_have_text(re.compile("No connection|Connecting"))
    panel.get_by_label("Your message").fill("Written in the tunnel")
    panel.get_by_label("Your message").press("Enter")
    panel.get_by_label("Your message").fill("And a second one")
    panel.get_by_label("Your message").press("Enter")
    phone.set_offline(False)
    expect(panel.locator("[data-chat-state]")).to_have_text("Connected", timeout=20000)
    expect(conversation.get_by_text("And a second one")).to_be_visible(timeout=10000)
    bodies = conversation.locator(".chat-log .chat-body").all_inner_texts()
    assert bodies[-2:] == ["Written in the tunnel", "And a second one"]
    assert bodies.count("Written in the tunnel") == 1
    assert customer.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")

    # The panel covers the phone's screen: the screenshot is that screen, not the page beneath.
    customer_shot = ROOT / "tests" / "artifacts" / "chat-customer-360.png"
    customer.screenshot(path=str(customer_shot))
    paths = [customer_shot, screenshot(operator, "chat-operator-desktop")]
    if os.environ.get("UPDATE_SCREENSHOTS", "1") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for path in paths:
            shutil.copyfile(path, DOCS_SCREENSHOTS / path.name)
    desk.close()
    phone.close()
