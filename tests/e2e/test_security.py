"""In Chromium against Daphne: the pages that matter run under the Content-Security-Policy without a single
violation (our pages with nonces, the news admin with its own policy), htmx and the language switcher still work,
a socket to an unknown path is closed with 4404 and a flood of them leaves no traceback, and a malformed multipart
body to the API gets the API's JSON 400."""

from http.client import HTTPConnection

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

import verticals
from conftest import PLATFORM_STAFF
from tests.e2e.conftest import ARTIFACTS, open_menu

SLUG = "e2e-csp"
OWNER = ("owner@e2e-csp.example", "Strict-Policy-2026")
CUSTOMER = "anna@guest.demo"
CSP = "Content Security Policy"


@pytest.fixture
def csp_tenant(make_business, in_business):
    from cms.services import ensure_editor_access

    tenant = make_business(SLUG, "Strict Resort", "resort", owner_email=OWNER[0], owner_password=OWNER[1],
                           every_module=True)
    with in_business(tenant):
        for vertical in verticals.VERTICALS.values():
            verticals.seed_demo_content(vertical)
        ensure_editor_access(get_user_model().objects.get(email=OWNER[0]))
    return tenant


def session_cookie(tenant, host: str, email: str) -> str:
    client = Client(HTTP_HOST=host)
    if tenant is None:
        connection.set_schema_to_public()
        client.force_login(get_user_model().objects.get(email=email))
    else:
        with tenant_context(tenant):
            client.force_login(get_user_model().objects.get(email=email))
    connection.set_schema_to_public()
    return client.cookies["sessionid"].value


class Watcher:
    """Every console message about the Content-Security-Policy, with the page it came from."""

    def __init__(self, page):
        self.page, self.violations = page, []
        page.on("console", lambda message: self.violations.append((page.url, message.text))
                if CSP in message.text else None)

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status < 500, url
        assert "content-security-policy" in response.headers, url
        self.page.wait_for_load_state("networkidle")


OUR_PAGES = ["/", "/login/", "/catalog/", "/orders/cart/", "/news/", "/support/", "/documents/", "/me/",
             "/manage/", "/manage/branding/", "/manage/customers/", "/manage/modules/", "/manage/staff/",
             "/manage/catalog/", "/manage/orders/", "/manage/orders/discounts/new/", "/manage/support/",
             "/manage/news/", "/api/", "/no-such-page/"]
ADMIN_PAGES = ["/manage/news/admin/", "/manage/news/admin/pages/", "/manage/news/admin/images/",
               "/manage/news/admin/images/multiple/add/", "/manage/news/admin/documents/"]


def test_pages_that_matter_show_no_policy_violation(browser, live_daphne, csp_tenant, django_db_blocker):
    portal, platform = f"http://{SLUG}.localhost:{live_daphne}", f"http://localhost:{live_daphne}"
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    watcher = Watcher(page)
    with django_db_blocker.unblock():
        owner = session_cookie(csp_tenant, f"{SLUG}.localhost", OWNER[0])
        staff = session_cookie(None, "localhost", PLATFORM_STAFF[0])

    # A visitor on the platform: the start page, signup with its live (htmx) address check, the console sign-in.
    for path in ("/", "/console/login/"):
        watcher.visit(platform + path)
    watcher.visit(platform + "/signup/")
    page.get_by_label("Portal address").fill("fresh-address")
    page.wait_for_selector("#slug-check:not(:empty)")
    # The language switcher submits without an inline handler.
    open_menu(page)
    page.select_option("#language", "uk")
    page.wait_for_url("**/signup/")
    page.wait_for_load_state("networkidle")
    # the same address answers again, so wait for the page in the chosen language rather than for the URL
    page.wait_for_function("document.documentElement.lang === 'uk'", timeout=10_000)
    assert page.locator("html").get_attribute("lang") == "uk"
    open_menu(page)
    page.select_option("#language", "en")
    page.wait_for_load_state("networkidle")

    context.add_cookies([{"name": "sessionid", "value": staff, "url": platform}])
    watcher.visit(platform + "/console/")

    # The owner of a business with every module on: the portal, the manage area and the news admin (Wagtail).
    context.add_cookies([{"name": "sessionid", "value": owner, "url": portal}])
    for path in OUR_PAGES:
        watcher.visit(portal + path)
    page.set_viewport_size({"width": 1200, "height": 900})
    for path in ADMIN_PAGES:
        watcher.visit(portal + path)
    watcher.visit(portal + "/manage/news/admin/pages/")
    editable = page.locator("a[href*='/edit/']").first
    if editable.count():
        editable.click()
        page.wait_for_load_state("networkidle")
        assert "/edit/" in page.url
    (ARTIFACTS / "csp-violations.txt").write_text("\n".join(f"{url}: {text}" for url, text in watcher.violations))
    assert watcher.violations == []
    context.close()


def test_sockets_to_unknown_paths_are_closed_with_4404_and_leave_no_traceback(
        browser, live_daphne, csp_tenant):
    portal = f"http://{SLUG}.localhost:{live_daphne}"
    page = browser.new_context().new_page()
    page.goto(portal + "/login/")
    log_file = ARTIFACTS / f"daphne-{live_daphne}.log"
    before = log_file.stat().st_size
    codes = page.evaluate("""async (count) => {
        const one = (path) => new Promise((resolve) => {
            const socket = new WebSocket(`ws://${location.host}${path}`);
            socket.onclose = (event) => resolve(event.code);
        });
        const codes = [];
        for (let start = 0; start < count; start += 50) {
            const batch = [];
            for (let i = start; i < start + 50; i++) batch.push(one(`/ws/nowhere/${i}/`));
            codes.push(...await Promise.all(batch));
        }
        return codes;
    }""", 200)
    (ARTIFACTS / "socket-close-codes.txt").write_text(" ".join(map(str, codes)))
    assert set(codes) == {4404} and len(codes) == 200
    with log_file.open("rb") as log_stream:
        log_stream.seek(before)
        log = log_stream.read().decode(errors="replace")
    assert log.count("WSCONNECT /ws/nowhere/") == 200
    assert "Traceback" not in log and "No route found" not in log
    page.context.close()


def test_a_malformed_multipart_body_gets_the_apis_json_400(live_daphne, csp_tenant):
    body = b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue"  # cut off: no closing boundary
    for boundary in ("B", "B" * 300, ""):
        connection_ = HTTPConnection("127.0.0.1", live_daphne, timeout=10)
        connection_.request("POST", "/api/v1/support/", body=body, headers={
            "Host": f"{SLUG}.localhost", "Content-Type": f"multipart/form-data; boundary={boundary}".rstrip("= ")})
        response = connection_.getresponse()
        data = response.read()
        assert response.status in (400, 401, 403), (boundary, response.status, data)
        assert response.getheader("Content-Type", "").startswith("application/json"), (boundary, data)
        assert response.getheader("X-Content-Type-Options") == "nosniff"
        connection_.close()
