"""Case-insensitive search works for Cyrillic in every search box: «тест» finds «Тест» and «ТЕСТ».

`icontains` is PostgreSQL's upper() on both sides, whose case mapping comes from the database's locale; the
launcher initialises its server with a Unicode one (a "C" database would fail every test below). Each box is
searched in lower case and in upper case for a name written in mixed case, and never shows another business's
match (bravo holds the same names)."""

from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from cabinet.portal.services import set_module_enabled
from tenants import services as tenant_services
from tenants.checks import case_folding_warnings, database_folds_case
from tests.helpers import make_user, sign_in

pytestmark = pytest.mark.django_db

CUSTOMER_NAME = "Тарас Шевченко-Їжаченко"
LOWER, UPPER = "тарас шевченко-їжаченко", "ТАРАС ШЕВЧЕНКО-ЇЖАЧЕНКО"
PRODUCT_NAME = "Зелёный чай «Ґанок»"
PRODUCT_LOWER, PRODUCT_UPPER = "зелёный чай «ґанок»", "ЗЕЛЁНЫЙ ЧАЙ «ҐАНОК»"


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return unescape(response.content.decode())


def test_the_server_folds_cyrillic_and_the_start_up_check_is_quiet(db):
    assert database_folds_case()
    assert case_folding_warnings() == []


@pytest.fixture
def owner(alpha, alpha_client):
    sign_in(alpha_client, alpha, "owner@alpha.test")
    return alpha_client


@pytest.fixture
def people(alpha, beta):
    """A customer with a Cyrillic name in alpha, and one of the same name in bravo (never to be shown)."""
    make_user(alpha, "taras@alpha.test", full_name=CUSTOMER_NAME)
    make_user(beta, "taras@bravo.test", full_name=CUSTOMER_NAME)


@pytest.mark.parametrize("query", [LOWER, UPPER, "ЇЖАЧЕНКО", "їжач"])
def test_manage_customers(owner, people, query):
    # One customer found: the search opens that customer's card.
    page = text(owner.get("/manage/customers/", {"q": query}, follow=True))
    assert "taras@alpha.test" in page and "taras@bravo.test" not in page


@pytest.fixture
def products(alpha, beta):
    from cabinet.modules.catalog.tests.conftest import make_product

    for tenant in (alpha, beta):
        with tenant_context(tenant):
            set_module_enabled("catalog", True)
            make_product(PRODUCT_NAME, sku=f"TEA-{tenant.slug}", description="Сбор с горных склонов")


@pytest.mark.parametrize("query", [PRODUCT_LOWER, PRODUCT_UPPER, "ЗЕЛЁНЫЙ", "горных СКЛОНОВ"])
def test_catalog_in_the_portal_the_manage_area_and_the_api(owner, alpha_client, products, query):
    assert "TEA-alpha" in text(owner.get("/manage/catalog/", {"q": query}))
    portal = text(alpha_client.get("/catalog/", {"q": query}))
    assert PRODUCT_NAME in portal and "TEA-bravo" not in portal
    found = alpha_client.get("/api/v1/catalog/products/", {"q": query}).json()
    assert [item["sku"] for item in found["results"]] == ["TEA-alpha"]


def test_a_search_for_something_else_finds_nothing(owner, alpha_client, products):
    assert "TEA-alpha" not in text(owner.get("/manage/catalog/", {"q": "кофе"}))
    assert alpha_client.get("/api/v1/catalog/products/", {"q": "КОФЕ"}).json()["results"] == []


@pytest.fixture
def orders(alpha, beta, people):
    from cabinet.modules.catalog.tests.conftest import make_product, make_warehouse
    from cabinet.modules.orders import services

    for tenant, email in ((alpha, "taras@alpha.test"), (beta, "taras@bravo.test")):
        with tenant_context(tenant):
            set_module_enabled("catalog", True)
            set_module_enabled("orders", True)
            product = make_product("Чай", sku="TEA-1", stock={make_warehouse("Склад"): 5})
            customer = make_user_lookup(email)
            services.place_order(customer, services.lines_from_items([(product.pk, 1)]), {
                "recipient_name": "Оксана Петрівна", "phone": "+380501234567", "delivery_method": "delivery",
                "address": "Київ, Хрещатик 1"})


def make_user_lookup(email):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(email=email)


@pytest.mark.parametrize("query", [LOWER, UPPER, "ОКСАНА", "оксана петрівна"])
def test_manage_orders_queue(owner, orders, query):
    page = text(owner.get("/manage/orders/", {"q": query}))
    assert "taras@alpha.test" in page and "taras@bravo.test" not in page


def test_manage_orders_queue_without_a_match(owner, orders):
    assert "taras@alpha.test" in text(owner.get("/manage/orders/"))
    assert "taras@alpha.test" not in text(owner.get("/manage/orders/", {"q": "ГРИГОРІЙ"}))


@pytest.fixture
def support_requests(alpha, beta, people):
    from cabinet.modules.support import services

    for tenant, email in ((alpha, "taras@alpha.test"), (beta, "taras@bravo.test")):
        with tenant_context(tenant):
            set_module_enabled("support", True)
            services.create_request(customer=make_user_lookup(email), topic="Оплата", topics=["Оплата"],
                                    subject=f"Не пришёл счёт ({tenant.slug})", message="Жду счёт с понедельника.",
                                    contact_name=CUSTOMER_NAME, contact_email=email)


@pytest.mark.parametrize("query", [LOWER, UPPER, "НЕ ПРИШЁЛ СЧЁТ", "не пришёл"])
def test_support_queue(owner, support_requests, query):
    page = text(owner.get("/manage/support/", {"q": query}))
    assert "Не пришёл счёт (alpha)" in page and "(bravo)" not in page


def test_support_queue_search_without_a_match_and_by_number(alpha, owner, support_requests):
    assert "Не пришёл счёт" not in text(owner.get("/manage/support/", {"q": "доставка"}))
    with tenant_context(alpha):
        from cabinet.modules.support.models import Request

        number = Request.objects.get().pk
    assert "Не пришёл счёт (alpha)" in text(owner.get("/manage/support/", {"q": f"#{number}"}))


@pytest.fixture
def cyrillic_business(db):
    created = tenant_services.create_tenant(slug="romashka", name="Клиника «Ромашка»", vertical="clinic",
                                            owner_email="vlasnyk@romashka.test", owner_password="Romashka-Pass-42")
    return created.tenant


@pytest.mark.parametrize("query", ["клиника «ромашка»", "КЛИНИКА «РОМАШКА»", "ромашка"])
def test_console_tenants(staff_client, cyrillic_business, query):
    page = text(staff_client.get("/console/", {"q": query}))
    assert "Клиника «Ромашка»" in page and "Alpha Business" not in page


def test_case_insensitive_unique_names_hold_for_cyrillic(alpha):
    """A unique index on lower(name) is only as good as lower(): «ПАРТНЁРЫ» is the group «Партнёры»."""
    from cabinet.accounts.services import create_customer_group

    with tenant_context(alpha):
        create_customer_group("Партнёры")
        with pytest.raises(ValidationError):
            create_customer_group("ПАРТНЁРЫ")
