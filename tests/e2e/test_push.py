"""Web Push end to end in Chromium: "My settings" asks the browser, notify() posts the encrypted, VAPID-signed
message to the customer's push service, and the portal's own service worker shows it.

What Chromium allows here, and so what is real and what is stood in for (docs/decisions.md, "Web Push in
Chromium end to end"):
- Playwright's contexts are off the record, where Chromium refuses push subscriptions ("Registration failed -
  permission denied"), and a normal profile's subscribe waits for Google's push service (no network). So the
  page's flow is checked as far as the browser goes: the states it shows for a blocked, an unasked and a
  granted permission, the key it hands to the real `pushManager.subscribe`, and what it says when the browser
  refuses. The subscription itself (what the browser's push service would hold) is written by the test: a
  real P-256 key pair and auth secret, endpoint = a local fake push service.
- Everything after that is the portal's code: an operator's reply, notify(), the outbox, the delivery task,
  pywebpush's aes128gcm encryption and VAPID signature, posted over a socket to the fake push service. The
  test decrypts what arrived with the subscription's private key and checks the signature with the
  platform's public key.
- The browser's push service would then hand that payload to the service worker; the DevTools protocol does
  the same (`ServiceWorker.deliverPushMessage`), and the portal's service worker (/sw.js) shows the
  notification, read back with `registration.getNotifications()`."""

import base64
import json
import re
import time

import http_ece
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_tenants.utils import get_tenant_model, tenant_context
from playwright.sync_api import expect

from cabinet.modules.support import services as support
from cabinet.modules.support.models import Request
from cabinet.notifications.channels.push import public_key
from cabinet.notifications.models import Delivery, Notification, PushSubscription
from cabinet.notifications.tasks import deliver
from cabinet.notifications.tests.fakes import FakeServer, browser_key_pair

SCHEMA = "t_alpha"
CUSTOMER = ("push.customer@alpha.test", "Push-Customer-58", "Olga Pushkina")
NEIGHBOUR = "customer@alpha.test"  # another customer of the same business, with a browser subscribed too
TOPICS = ["Appointment", "Test results", "Billing and payment", "Complaint", "Other"]
SUBJECT = "The invoice shows the wrong address"
REPLY = "Done: the new invoice is in your documents."

# Watches the page's call of the browser's real pushManager.subscribe (it still runs): the key it was given
# and how the browser answered.
WATCH_SUBSCRIBE = """
(() => {
  const subscribe = PushManager.prototype.subscribe;
  const b64 = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)))
    .replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
  window.__subscribe = [];
  PushManager.prototype.subscribe = function (options) {
    const call = { key: b64(options.applicationServerKey), userVisibleOnly: options.userVisibleOnly };
    window.__subscribe.push(call);
    return subscribe.call(this, options).then(
      (subscription) => { call.answer = "subscribed"; return subscription; },
      (error) => { call.answer = `${error.name}: ${error.message}`; throw error; });
  };
})();
"""
NOTIFICATIONS_SHOWN = """navigator.serviceWorker.ready.then((registration) => registration.getNotifications())
  .then((shown) => shown.map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data, icon: n.icon })))"""


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _vapid_claims(authorization: str, expected_key: str) -> dict:
    """Checks the `vapid t=<JWT>, k=<key>` header (RFC 8292): the key is the platform's, the ES256 signature
    verifies with it; returns the JWT's claims."""
    match = re.fullmatch(r"vapid t=([\w.-]+), ?k=([\w-]+)", authorization)
    assert match, authorization
    token, key = match.groups()
    assert key == expected_key
    header, claims, signature = token.split(".")
    assert json.loads(_b64decode(header)) == {"typ": "JWT", "alg": "ES256"}
    raw = _b64decode(signature)
    verifier = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _b64decode(key))
    try:
        verifier.verify(encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")),
                        f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        pytest.fail("the VAPID signature does not verify with the platform's public key")
    return json.loads(_b64decode(claims))


def _wait_for(condition, page, what: str, timeout: float = 15):
    """Lets the browser's events come in (page round trips) until `condition()` gives something."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        page.evaluate("new Promise((done) => requestAnimationFrame(() => done()))")
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def olga(django_db_blocker):
    """A customer of alpha with an open support request; her neighbour's browser is subscribed too."""
    User = get_user_model()
    with django_db_blocker.unblock():
        tenant = get_tenant_model().objects.get(schema_name=SCHEMA)
        with tenant_context(tenant):
            from cabinet.portal.services import enable_with_dependencies

            enable_with_dependencies("support")
            customer = User.objects.create(email=CUSTOMER[0], full_name=CUSTOMER[2],
                                           password=make_password(CUSTOMER[1]))
            made = support.create_request(customer=customer, topic="Billing and payment", topics=TOPICS,
                                          subject=SUBJECT, message="Please change it to 12 Lesi Ukrainky St.",
                                          contact_name=CUSTOMER[2], contact_email=CUSTOMER[0])
    yield tenant, customer, made
    with django_db_blocker.unblock(), tenant_context(tenant):
        Notification.objects.filter(recipient=customer).delete()
        Request.objects.filter(pk=made.pk).delete()
        PushSubscription.objects.filter(user__email__in=[CUSTOMER[0], NEIGHBOUR]).delete()
        User.objects.filter(pk=customer.pk).delete()


def test_push_from_my_settings_to_the_service_worker(browser, live_daphne, olga, django_db_blocker):
    tenant, customer, made = olga
    portal = f"http://alpha.localhost:{live_daphne}"
    push = FakeServer(key_header="Topic").start()
    context = browser.new_context(viewport={"width": 360, "height": 780})
    try:
        context.add_init_script(WATCH_SUBSCRIBE)
        page = context.new_page()
        page.goto(f"{portal}/login/")
        page.get_by_label("E-mail, phone or contract number").fill(CUSTOMER[0])
        page.get_by_label("Password").fill(CUSTOMER[1])
        page.get_by_role("button", name=re.compile("Log in|Sign in")).click()
        expect(page).not_to_have_url(re.compile("/login/"))
        page.goto(f"{portal}/me/notifications/")
        status = page.locator("[data-push-status]")
        allow = page.get_by_role("button", name="Allow push notifications")
        stop = page.get_by_role("button", name="Stop push notifications here")

        # The site's notifications blocked in the browser: the page says where to change it.
        cdp = context.new_cdp_session(page)
        browser_context_id = cdp.send("Target.getTargetInfo")["targetInfo"]["browserContextId"]
        browser.new_browser_cdp_session().send("Browser.setPermission", {
            "permission": {"name": "notifications"}, "setting": "denied", "origin": portal,
            "browserContextId": browser_context_id})
        page.reload()
        blocked = ("This browser blocks notifications of this site: allow them in its site settings, "
                   "then try again.")
        expect(status).to_have_text(blocked)
        allow.click()
        expect(status).to_have_text(blocked)
        assert page.evaluate("window.__subscribe") == []  # nothing asked of the push service

        # Allowed: the page hands the platform's VAPID key to the browser's real subscribe. Off the record,
        # Chromium refuses it; the page says so and leaves the button to try again.
        context.grant_permissions(["notifications"], origin=portal)
        page.reload()
        expect(status).to_have_text("This browser does not receive push notifications.")
        expect(stop).to_be_hidden()
        allow.focus()
        page.keyboard.press("Enter")
        expect(status).to_have_text("The browser could not subscribe. Try again later.")
        calls = page.evaluate("window.__subscribe")
        assert calls == [{"key": public_key(), "userVisibleOnly": True,
                          "answer": "AbortError: Registration failed - permission denied"}]
        expect(allow).to_be_visible()
        expect(stop).to_be_hidden()
        assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")

        # She ticks push for replies to her requests.
        page.get_by_label("A reply to my request: Push").check()
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("Your notification choices are saved.")).to_be_visible()

        # What her browser's push service would hold, and her neighbour's subscription.
        private, p256dh, auth = browser_key_pair()
        _other_private, other_p256dh, other_auth = browser_key_pair()
        with django_db_blocker.unblock(), tenant_context(tenant):
            assert not PushSubscription.objects.filter(user=customer).exists()  # the refused subscribe saved none
            PushSubscription.objects.create(user=customer, endpoint=f"{push.url}/push/olga", p256dh=p256dh,
                                            auth=auth)
            neighbour = get_user_model().objects.get(email=NEIGHBOUR)
            PushSubscription.objects.create(user=neighbour, endpoint=f"{push.url}/push/neighbour",
                                            p256dh=other_p256dh, auth=other_auth)

            # The owner answers; once it commits, support tells her through notify(). The delivery task
            # the worker runs is run here.
            owner = get_user_model().objects.get(email="owner@alpha.test")
            with transaction.atomic():
                support.add_reply(made, author=owner, body=REPLY)
            rows = list(Delivery.objects.filter(notification__recipient=customer, channel="push"))
            assert [row.status for row in rows] == ["queued"]
            deliver([row.pk for row in rows])
            rows[0].refresh_from_db()
            assert rows[0].status == "sent"
            notification = rows[0].notification

        # The push service got one message, for her browser only: encrypted for her keys, signed by the platform.
        assert [r.path for r in push.received] == ["/push/olga"]
        sent = push.received[0]
        assert sent.headers["content-encoding"] == "aes128gcm"
        assert sent.headers["ttl"] == str(24 * 3600)
        claims = _vapid_claims(sent.headers["authorization"], public_key())
        assert claims["aud"] == push.url and claims["sub"] == settings.VAPID_SUBJECT
        assert claims["exp"] > time.time()
        payload = http_ece.decrypt(sent.body, private_key=private, auth_secret=_b64decode(auth),
                                   version="aes128gcm").decode()
        message = json.loads(payload)
        assert message == {"title": f"A reply to your request “{SUBJECT}”",
                           "body": f"Alpha Business answered your request “{SUBJECT}”: {REPLY}",
                           "url": f"/support/{made.pk}/", "tag": f"n{notification.pk}"}
        assert push.repeats == 0

        # Her browser's push service hands it to the portal's service worker, which shows it.
        registrations: list[dict] = []
        cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
        assert page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)") == f"{portal}/"
        cdp.send("ServiceWorker.enable")
        registration = _wait_for(lambda: next((r for r in registrations if r["scopeURL"] == f"{portal}/"
                                               and not r["isDeleted"]), None), page, "the service worker")
        assert page.evaluate(NOTIFICATIONS_SHOWN) == []
        cdp.send("ServiceWorker.deliverPushMessage", {"origin": f"{portal}/",
                                                      "registrationId": registration["registrationId"],
                                                      "data": payload})
        # Read in the same poll that finds it: a headless browser may take a shown notification away soon after.
        # (page.evaluate awaits the promise; a wait_for_function would take the promise itself for an answer.)
        shown = _wait_for(lambda: page.evaluate(NOTIFICATIONS_SHOWN), page, "the shown notification")
        assert shown == [{
            "title": message["title"], "body": message["body"], "tag": message["tag"],
            "data": {"url": message["url"]}, "icon": f"{portal}/pwa/icon-192.png"}]

        # The notification's address is her request's page, with the reply.
        page.goto(portal + message["url"])
        expect(page.get_by_role("heading", level=1)).to_contain_text(SUBJECT)
        expect(page.get_by_text(REPLY)).to_be_visible()
    finally:
        context.close()
        push.stop()
