"""Real Chromium against a real Daphne serving the test database. One browser per test session."""

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import tenant_context

from cabinet.launcher import ROOT, free_port, port_open, stop_process, wait_until

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
SERVER_CACHE_SECONDS = 1
PHONE = {"width": 360, "height": 780}


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; .ci/run installs it")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the Django calls the tests make between
    # browser steps are plain synchronous ones and safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_daphne(django_db_setup, django_db_blocker):
    """Daphne in a child process, on a free port, serving the (committed) test database."""
    db = settings.DATABASES["default"]
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "PLATFORM_URL_PORT": str(port),
        "TENANT_DOMAIN_CACHE_SECONDS": str(SERVER_CACHE_SECONDS),
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = open(ARTIFACTS / f"daphne-{port}.log", "wb")  # noqa: SIM115 - closed after the server stops
    proc = subprocess.Popen([sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                             "cabinet.asgi:application"], env=env, cwd=ROOT, stdout=log, stderr=log)
    wait_until(lambda: port_open(port) or proc.poll() is not None, 60, "Daphne")
    assert proc.poll() is None, "Daphne exited; see tests/artifacts/daphne-*.log"
    yield port
    stop_process(proc, "daphne")
    log.close()


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def save(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture
def shots(screenshot):
    """`shots(page, name)`: the page at its own (phone) size and at desktop width, into tests/artifacts/, and
    published to docs/screenshots/ (see publish_screenshots)."""

    def save(page, name: str) -> list[Path]:
        phone = page.viewport_size
        paths = [screenshot(page, name)]
        page.set_viewport_size({"width": 1280, "height": 900})
        paths.append(screenshot(page, f"{name}-desktop"))
        page.set_viewport_size(phone)
        publish_screenshots(*paths)
        return paths

    return save


def open_menu(page) -> None:
    """On a phone the header's links sit behind the menu button: press it, as a person would."""
    toggle = page.locator(".menu-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def open_manage_section(page, area: str, section: str) -> None:
    """The manage area's sections sit in areas (Customers, Sales, ...): open the area, follow the section."""
    open_menu(page)
    group = page.locator("nav details.nav-group").filter(has=page.locator("summary", has_text=area))
    if group.get_attribute("open") is None:
        group.locator("summary").click()
    group.get_by_role("link", name=section, exact=True).click()


def sign_in(page, portal: str, login: str, password: str) -> None:
    """Signs in on the portal's log-in page the way a person does: the login (e-mail, phone or contract
    number), the password, the button."""
    page.goto(f"{portal}/login/")
    page.get_by_label("E-mail, phone or contract number").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=re.compile("Log in|Sign in")).click()


def no_sideways_scroll(page, what: str = "the page") -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1"), f"{what} scrolls sideways"


def publish_screenshots(*paths: Path) -> None:
    """Copies screenshots into docs/screenshots/ (what the README shows), unless UPDATE_SCREENSHOTS=0."""
    if os.environ.get("UPDATE_SCREENSHOTS", "1") != "1":
        return
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for path in paths:
        shutil.copyfile(path, DOCS_SCREENSHOTS / path.name)


def _drop_business(slug: str) -> None:
    from tenants import services
    from tenants.models import Tenant

    connection.set_schema_to_public()
    for old in Tenant.objects.filter(slug=slug):
        services.delete_tenant(old)


@pytest.fixture
def make_business(django_db_blocker) -> Iterator[Callable]:
    """Makes a committed business (the browser's requests commit too), after deleting one left by an earlier
    run: `make_business(slug, name, vertical, owner_password=None, modules=(), every_module=False)` returns the
    tenant, with the given modules (or every module) switched on. Every business made is deleted after the test."""
    from cabinet import registry
    from cabinet.portal.services import enable_with_dependencies, set_module_enabled
    from tenants import services

    made: list[str] = []

    def make(slug: str, name: str, vertical: str, *, owner_password: str | None = None, modules=(),
             owner_email: str = "", owner_name: str = "", every_module: bool = False):
        with django_db_blocker.unblock():
            _drop_business(slug)
            made.append(slug)
            tenant = services.create_tenant(slug=slug, name=name, vertical=vertical,
                                            owner_email=owner_email or f"owner@{slug}.example",
                                            owner_password=owner_password, owner_name=owner_name).tenant
            with tenant_context(tenant):
                for key in registry.modules() if every_module else ():
                    enable_with_dependencies(key)
                for key in modules:
                    set_module_enabled(key, True)
            connection.set_schema_to_public()
        return tenant

    yield make
    with django_db_blocker.unblock():
        for slug in made:
            _drop_business(slug)


@pytest.fixture
def in_business(django_db_blocker):
    """`with in_business(tenant): ...` runs committed database work in the tenant's schema between browser
    steps, and leaves the connection on the public schema after."""

    @contextmanager
    def inside(tenant):
        with django_db_blocker.unblock():
            try:
                with tenant_context(tenant):
                    yield tenant
            finally:
                connection.set_schema_to_public()

    return inside


FOCUS_VISIBLE = """() => { const el = document.activeElement; const s = getComputedStyle(el);
  return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'; }"""
FOCUSED = """form => { const el = document.activeElement;
  return form.contains(el) ? (el.type === 'radio' ? 'radio:' + el.name : (el.id || el.name || el.textContent.trim()))
                           : null; }"""
CONTROLS = """form => [...new Set([...form.elements].filter(el => el.type !== 'hidden' && el.tagName !== 'FIELDSET'
  && !el.disabled && el.getClientRects().length).map(el => el.type === 'radio' ? 'radio:' + el.name
  : (el.id || el.name || el.textContent.trim())))]"""


def tab_through(page, form) -> list[str]:
    """Presses Tab from just before the form's first control until the focus leaves the form: every control of
    the form must take the focus in turn (a group of radio buttons once, as browsers do) and show it."""
    page.bring_to_front()
    form.evaluate("form => { const first = [...form.elements].find(el => el.type !== 'hidden' && !el.disabled"
                  " && el.tagName !== 'FIELDSET' && el.getClientRects().length); first.focus(); }")
    page.keyboard.press("Shift+Tab")
    reached: list[str] = []
    for _step in range(40):
        page.keyboard.press("Tab")
        name = form.evaluate(FOCUSED)
        if name is None:
            break
        assert page.evaluate(FOCUS_VISIBLE), f"{name} shows no focus: " + page.evaluate(
            "() => { const el = document.activeElement; const s = getComputedStyle(el); return [el.outerHTML,"
            " s.boxShadow, s.outlineStyle, s.outlineWidth, el.matches(':focus'), el.matches(':focus-visible'), document.hasFocus()].join(' | '); }")
        if not reached or reached[-1] != name:  # a date field takes one stop per part (day, month, year)
            reached.append(name)
    expected = form.evaluate(CONTROLS)
    assert reached == expected, f"Tab reached {reached}, the form has {expected}"
    return reached


def error_beside(page, control, text: str) -> None:
    """The control is marked invalid and described by a message with `text` that sits next to it (in the same
    field block), so a screen reader says it when the control takes the focus."""
    from playwright.sync_api import expect

    expect(control).to_have_attribute("aria-invalid", "true")
    ids = (control.get_attribute("aria-describedby") or "").split()
    said = " ".join(page.locator(f"[id='{ident}']").inner_text() for ident in ids if page.locator(f"[id='{ident}']").count())
    assert text in said, f"the control is described by {said!r}, not by {text!r}"
    assert control.evaluate("""(el, text) => { const box = el.closest('.field, fieldset, form');
        return box !== null && box.innerText.includes(text); }""", text), f"{text!r} is not next to its control"
