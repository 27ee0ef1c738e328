"""Chromium at 360 px: a customer allows push in "My settings", an operator replies to the customer's support
request in the manage area, the push reaches a local fake Web Push service (pywebpush posts the encrypted,
VAPID-signed message to the subscription's endpoint) and the bell in the header shows 1.

Headless Chromium has no push service of its own: `pushManager.subscribe` answers "Registration failed -
permission denied" even with the permission granted. The browser's registration with its push service is
therefore the one thing stood in for, by an init script: `subscribe` makes a real P-256 key pair and an auth
secret with WebCrypto and returns a subscription whose endpoint is the fake service. Everything else is the
portal's own code: push.js, the service worker, the VAPID key it fetches, the subscription view, notify(),
the delivery, pywebpush's encryption."""

import re
import shutil

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from cabinet.launcher import ROOT
from cabinet.notifications.delivery import deliver_due
from cabinet.notifications.models import Notification, PushSubscription
from cabinet.notifications.tests.fakes import FakeServer

SCHEMA = "t_alpha"
CUSTOMER = ("push.customer@alpha.test", "Push-Customer-58", "Olga Pushkina")
OPERATOR = ("push.operator@alpha.test", "Push-Operator-58", "Ivan Operator")
SHOTS = ROOT / "docs" / "screenshots"

# The browser's push service, stood in for: a subscription with real keys whose endpoint is the fake service.
FAKE_PUSH_SERVICE = """
(() => {
  const endpoint = %r;
  const b64 = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)))
    .replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
  let current = null;
  const make = async (options) => {
    const pair = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
    const raw = await crypto.subtle.exportKey("raw", pair.publicKey);
    const auth = crypto.getRandomValues(new Uint8Array(16));
    const serverKey = new Uint8Array(options.applicationServerKey);
    const json = { endpoint, expirationTime: null, keys: { p256dh: b64(raw), auth: b64(auth) } };
    return {
      endpoint, options: { applicationServerKey: serverKey.buffer, userVisibleOnly: true },
      toJSON: () => json, getKey: () => null,
      unsubscribe: async () => { current = null; return true; },
      serverKey: b64(serverKey),
    };
  };
  PushManager.prototype.subscribe = async function (options) {
    current = await make(options);
    window.__pushServerKey = current.serverKey;
    return current;
  };
  PushManager.prototype.getSubscription = async function () { return current; };
})();
"""


@pytest.fixture
def people(django_db_blocker):
    User = get_user_model()
    with django_db_blocker.unblock(), schema_context(SCHEMA):
        from cabinet.portal.services import enable_with_dependencies

        enable_with_dependencies("support")
        customer = User.objects.create(email=CUSTOMER[0], full_name=CUSTOMER[2], password=make_password(CUSTOMER[1]))
        operator = User.objects.create(email=OPERATOR[0], full_name=OPERATOR[2], role="operator",
                                       password=make_password(OPERATOR[1]))
    yield customer, operator
    with django_db_blocker.unblock(), schema_context(SCHEMA):
        Notification.objects.filter(recipient=customer).delete()
        User.objects.filter(pk__in=[customer.pk, operator.pk]).delete()


def _sign_in(page, url, who):
    page.goto(url)
    page.get_by_label(re.compile("E-mail")).first.fill(who[0])
    page.get_by_label("Password").fill(who[1])
    page.get_by_role("button", name=re.compile("Log in|Sign in")).click()


@pytest.mark.skip(reason="written, not yet run in Chromium: to be run and fixed before it joins the suite")
def test_push_allowed_in_my_settings_arrives_and_the_bell_counts_it(browser, live_daphne, people,
                                                                    django_db_blocker, screenshot):
    customer, _operator = people
    portal = f"http://alpha.localhost:{live_daphne}"
    push = FakeServer(key_header="Topic").start()
    try:
        context = browser.new_context(viewport={"width": 360, "height": 780})
        context.grant_permissions(["notifications"], origin=portal)
        context.add_init_script(FAKE_PUSH_SERVICE % f"{push.url}/push/olga")
        olga = context.new_page()
        _sign_in(olga, f"{portal}/login/", CUSTOMER)
        olga.goto(f"{portal}/me/notifications/")
        olga.get_by_label(re.compile("Support request replies?: Push|Replies to support requests: Push")).check()
        olga.get_by_role("button", name="Save").click()
        expect(olga.get_by_text("Your notification choices are saved.")).to_be_visible()
        olga.get_by_role("button", name="Allow push notifications").click()
        expect(olga.get_by_role("status")).to_have_text("This browser receives push notifications.")
        expect(olga.get_by_role("button", name="Stop push notifications here")).to_be_visible()
        key = olga.evaluate("window.__pushServerKey")
        assert key == olga.evaluate("fetch('/notifications/push/key/').then(r => r.json()).then(j => j.public_key)")
        with django_db_blocker.unblock(), schema_context(SCHEMA):
            assert list(PushSubscription.objects.filter(user=customer).values_list("endpoint", flat=True)) == [
                f"{push.url}/push/olga"]

        # Olga writes to support.
        olga.goto(f"{portal}/support/new/")
        olga.get_by_label("Subject").fill("The invoice shows the wrong address")
        olga.get_by_label("Message").fill("Please change it to 12 Lesi Ukrainky St.")
        olga.get_by_role("button", name=re.compile("Send")).click()
        expect(olga.get_by_role("heading", level=1)).to_contain_text("The invoice shows the wrong address")

        # The operator answers in the manage area.
        staff = browser.new_context(viewport={"width": 360, "height": 780}).new_page()
        _sign_in(staff, f"{portal}/manage/login/", OPERATOR)
        staff.goto(f"{portal}/manage/support/")
        staff.get_by_role("link", name=re.compile("The invoice shows the wrong address")).click()
        staff.get_by_label("Your reply").fill("Done: the new invoice is in your documents.")
        staff.get_by_role("button", name="Send reply").click()
        expect(staff.get_by_text("Done: the new invoice is in your documents.")).to_be_visible()
        staff.context.close()

        # What the worker does after the commit (the sweep's own function), here in the test's process.
        with django_db_blocker.unblock(), schema_context(SCHEMA):
            deliver_due()
        assert len(push.received) == 1 and push.received[0].path == "/push/olga"
        sent = push.received[0]
        assert sent.headers["content-encoding"] == "aes128gcm" and sent.headers["authorization"].startswith("vapid t=")
        assert len(push.taken) == 1 and push.repeats == 0

        olga.goto(f"{portal}/")
        bell = olga.locator(".notification-bell")
        expect(bell.locator(".bell-count")).to_have_text("1")
        assert olga.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(screenshot(olga, "notifications-bell"), SHOTS / "notifications-bell.png")
        bell.click()
        expect(olga.get_by_text(re.compile("wrong address"))).to_be_visible()
        shutil.copy(screenshot(olga, "notifications-list"), SHOTS / "notifications-list.png")
        context.close()
    finally:
        push.stop()
