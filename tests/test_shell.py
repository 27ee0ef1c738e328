"""The page shell: the manage area's navigation grouped by area (declared by each module, checked at start),
the portal header's cart count, /favicon.ico, the error pages (the 500 page without the database) and text
compression."""

import gzip
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from cabinet import registry
from cabinet.registry import ChecklistItem, ManageCard, ManageEntry, Module
from conftest import host_client
from tests.helpers import make_user, sign_in
from tests.test_overview import staff_client, switch_all_on


def groups_of(page: str) -> dict[str, list[str]]:
    found = {}
    for key, body in re.findall(r'<details class="nav-group[^"]*" data-group="([^"]+)">(.*?)</details>', page, re.S):
        found[key] = re.findall(r'<a href="([^"]+)"', body)
    return found


# --- Declarations --------------------------------------------------------------------------------------

def test_every_manage_entry_names_a_known_area():
    for module in registry.modules().values():
        for entry in module.manage_nav:
            assert entry.group in registry.MANAGE_GROUPS, (module.key, entry.url_name)


@pytest.mark.parametrize("module, message", [
    (Module(key="x", title="X", manage_nav=(ManageEntry("X", "list"),)), "group ''"),
    (Module(key="x", title="X", manage_nav=(ManageEntry("X", "list", group="marketing"),)), "group 'marketing'"),
    (Module(key="x", title="X", manage_nav=(ManageEntry("X", "list", roles=("cook",), group="sales"),)),
     "unknown staff roles"),
    (Module(key="x", title="X", manage_card=ManageCard("cabinet.nowhere.card")), "cannot be imported"),
    (Module(key="x", title="X", manage_card=ManageCard("cabinet.portal.cards.customers_card", roles=("cook",))),
     "unknown staff roles"),
    (Module(key="x", title="X", checklist=(ChecklistItem("a", "A", "list", done="cabinet.portal.selectors.nothing"),)),
     "cannot be imported"),
    (Module(key="x", title="X", checklist=(ChecklistItem("a", "A", "list", done="cabinet.portal.selectors.has_customers"),
                                           ChecklistItem("a", "B", "list", done="cabinet.portal.selectors.has_customers"))),
     "repeat a key"),
])
def test_a_wrong_declaration_is_refused_at_start(module, message):
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        registry.check_declarations(module)


# --- The manage area's navigation ----------------------------------------------------------------------

def test_the_owner_sees_every_area_in_order_and_the_current_section_is_marked(alpha, alpha_client):
    switch_all_on(alpha)
    sign_in(alpha_client, alpha, "owner@alpha.test")
    page = alpha_client.get("/manage/orders/discounts/").content.decode()
    groups = groups_of(page)
    assert list(groups) == list(registry.MANAGE_GROUPS)
    assert "/manage/orders/" in groups["sales"] and "/manage/support/" in groups["service"]
    assert "/manage/news/" in groups["content"] and "/manage/branding/" in groups["settings"]
    assert "/manage/customers/" in groups["customers"]
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', page)
    assert current == ["/manage/orders/discounts/"]  # the longest matching section, not "Orders" too
    assert 'class="nav-group is-current" data-group="sales"' in page
    assert 'aria-controls="site-menu"' in page and 'aria-expanded="false"' in page


def test_each_role_sees_only_the_areas_it_may_open(alpha):
    switch_all_on(alpha)
    operator = groups_of(staff_client(alpha, "operator").get("/manage/").content.decode())
    # Operators open customers' cards (to log calls and read the timeline), so they see the customers area.
    assert set(operator) == {"customers", "sales", "service"} and operator["sales"] == ["/manage/orders/"]
    editor = groups_of(staff_client(alpha, "editor").get("/manage/").content.decode())
    assert set(editor) == {"content"}


# --- The portal header ---------------------------------------------------------------------------------

def test_the_cart_count_is_in_the_header_from_the_orders_module(alpha, beta, alpha_client):
    from cabinet.modules.catalog import services as catalog
    from cabinet.modules.orders import services as orders

    switch_all_on(alpha)
    customer = sign_in(alpha_client, alpha, "customer@alpha.test")
    page = alpha_client.get("/").content.decode()
    assert 'class="header-quick' in page and 'class="nav-badge"' not in page  # an empty cart shows no count
    with tenant_context(alpha):
        product = catalog.save_product(None, catalog.ProductData(name="Vitamin D3", price="9.50", currency="EUR"))
        warehouse = catalog.save_warehouse(name="Pharmacy")
        catalog.set_stock(product, warehouse, 10)
        orders.add_to_cart(customer, product.pk, 3)
    page = alpha_client.get("/").content.decode()
    assert page.count('<span class="nav-badge" aria-hidden="true">3</span>') == 2  # the phone's bar and the menu
    assert "3 items in the cart" in page
    visitor = host_client("alpha.localhost").get("/").content.decode()
    assert "nav-badge" not in visitor
    # Isolation: the same e-mail as a customer of another business has an empty cart there.
    switch_all_on(beta)
    make_user(beta, "customer@alpha.test")
    bravo = host_client("bravo.localhost")
    sign_in(bravo, beta, "customer@alpha.test")
    page = bravo.get("/").content.decode()
    assert 'class="header-quick' in page and 'class="nav-badge"' not in page


def test_the_customer_dashboard_keeps_its_query_budget_with_the_cart_count(alpha, alpha_client):
    from tests.test_dashboard import QUERY_BUDGET

    switch_all_on(alpha)
    sign_in(alpha_client, alpha, "customer@alpha.test")
    alpha_client.get("/")
    with CaptureQueriesContext(connection) as captured:
        assert alpha_client.get("/").status_code == 200
    assert len(captured) <= QUERY_BUDGET


# --- Favicon, error pages, compression -----------------------------------------------------------------

def test_favicon_is_served_on_the_platform_and_on_a_tenant(platform_client, alpha_client):
    for client in (platform_client, alpha_client):
        response = client.get("/favicon.ico")
        assert response.status_code == 200 and response["Content-Type"] == "image/png", client
        assert response.content.startswith(b"\x89PNG")


def test_a_tenant_with_its_own_favicon_answers_with_it(alpha, alpha_client):
    from django.core.files.base import ContentFile

    from cabinet.portal.models import Branding
    from cabinet.portal.services import save_branding
    from cabinet.portal.tests.conftest import png

    with tenant_context(alpha):
        branding = Branding.objects.get(pk=1)
        branding.favicon.save("icon.png", ContentFile(png(32, 32)), save=False)
        save_branding(branding)
        url = branding.favicon.url
    response = alpha_client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == url
    assert f'<link rel="icon" href="{url}">' in alpha_client.get("/").content.decode()


def test_the_404_page_is_branded_translated_and_leads_back(alpha_client, platform_client):
    for client in (alpha_client, platform_client):
        response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="uk")
        page = response.content.decode()
        assert response.status_code == 404
        assert '<html lang="uk"' in page and 'name="viewport"' in page and "kabinet.css" in page
        assert "Сторінку не знайдено" in page and 'href="/"' in page


def test_the_500_page_answers_without_the_database(alpha, alpha_client):
    """Every query fails (the database is gone) once the tenant is known: the page still answers, in the
    visitor's language, with the portal's colours and a way back."""
    alpha_client.raise_request_exception = False
    sign_in(alpha_client, alpha, "customer@alpha.test")  # so that the page needs its session from the database
    alpha_client.get("/")  # the routing and the portal state are cached, as on a running server

    def database_down(execute, sql, params, many, context):
        raise OperationalError("the database is down")

    with connection.execute_wrapper(database_down):
        response = alpha_client.get("/me/", HTTP_ACCEPT_LANGUAGE="ru")
    page = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="ru"' in page and 'name="viewport"' in page and "kabinet.css" in page
    assert "Что-то пошло не так" in page and 'href="/"' in page and "--brand:" in page


def test_pages_css_and_js_are_compressed_and_pictures_are_not(alpha_client, platform_client):
    page = platform_client.get("/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert page["Content-Encoding"] == "gzip" and b"<html" in gzip.decompress(page.content)
    assert "Accept-Encoding" in page["Vary"]
    for path in ("/static/cabinet/kabinet.css", "/static/cabinet/kabinet.js"):
        response = alpha_client.get(path, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200 and response["Content-Encoding"] == "gzip", path
        assert gzip.decompress(b"".join(response.streaming_content))
    icon = alpha_client.get("/favicon.ico", HTTP_ACCEPT_ENCODING="gzip")
    assert not icon.has_header("Content-Encoding")


def test_public_pages_carry_a_description(platform_client, alpha_client):
    for client in (platform_client, alpha_client):
        page = client.get("/").content.decode()
        description = re.search(r'<meta name="description" content="([^"]+)">', page)
        assert description and len(description.group(1)) > 10

