"""Real Chromium against a real Daphne serving the test database. One browser per test session."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from cabinet.launcher import ROOT, free_port, port_open, stop_process, wait_until

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"
SERVER_CACHE_SECONDS = 1


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
