"""No blank 405 page: every address of the portal, the manage area and the console that only takes a POST
answers a browser's GET with a page that leads on (or a redirect), found by walking the URL patterns."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver
from django_tenants.utils import tenant_context

from conftest import host_client

USEFUL = "This address is used by a button"
WAGTAIL_ADMIN = "/manage/news/admin/"  # Wagtail's own admin (it even has a page that fails on purpose)


def _routes(patterns, prefix=""):
    """Every concrete path of the URL patterns, with sample values for their parameters."""
    for pattern in patterns:
        route = getattr(pattern.pattern, "_route", None)
        if route is None:  # regular expressions (Wagtail's admin): not walked
            continue
        path = prefix + re.sub(r"<(?:\w+:)?\w+>", "1", route)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, path)
        elif isinstance(pattern, URLPattern):
            yield "/" + path


def _blank_405s(client, urlconf):
    found = []
    for path in sorted(set(_routes(get_resolver(urlconf).url_patterns))):
        if path.startswith(WAGTAIL_ADMIN):
            continue
        response = client.get(path)
        if response.status_code == 405 and USEFUL not in response.content.decode():
            found.append(path)
    return found


@pytest.fixture
def owner(alpha):
    client = host_client("alpha.localhost")
    with tenant_context(alpha):
        client.force_login(get_user_model().objects.get(email="owner@alpha.test"))
    return client


def test_no_address_of_a_business_host_answers_a_blank_405(owner):
    assert _blank_405s(owner, "cabinet.urls_tenant") == []


def test_no_address_of_the_platform_host_answers_a_blank_405(staff_client):
    assert _blank_405s(staff_client, "cabinet.urls_public") == []


def test_the_page_keeps_the_status_and_leads_to_the_page_above(owner):
    response = owner.get("/manage/modules/catalog/switch/")
    assert response.status_code == 405 and response["Allow"] == "POST"
    page = response.content.decode()
    assert USEFUL in page and 'href="/manage/modules/"' in page


def test_the_api_keeps_its_json_answer(alpha_client):
    response = alpha_client.get("/api/v1/orders/quote/")
    assert response.status_code >= 400
    assert response["Content-Type"].startswith("application/json")


def test_the_page_is_translated(owner):
    page = owner.get("/manage/modules/catalog/switch/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert USEFUL not in page and 'href="/manage/modules/"' in page
