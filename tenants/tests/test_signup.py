import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_exists, tenant_context

from conftest import OWNER_PASSWORD, host_client
from tenants.models import Domain, Tenant

GOOD = {
    "name": "Green Leaf Spa",
    "slug": "green-leaf",
    "vertical": "resort",
    "owner_first_name": "Olena",
    "owner_last_name": "Kovalenko",
    "owner_email": "Owner@GreenLeaf.example",
    "password": "Sunny-Day-2026",
}


def schema_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        return {row[0] for row in cursor.fetchall()}


def assert_nothing_created(before_schemas, before_tenants, before_domains):
    connection.set_schema_to_public()
    assert Tenant.objects.count() == before_tenants
    assert Domain.objects.count() == before_domains
    assert schema_names() == before_schemas


@pytest.fixture
def snapshot(db):
    connection.set_schema_to_public()
    return schema_names(), Tenant.objects.count(), Domain.objects.count()


def test_signup_page_lists_every_vertical(platform_client):
    page = platform_client.get("/signup/").content.decode()
    for vertical in ("resort", "clinic", "wholesale", "franchise"):
        assert f'value="{vertical}"' in page


def test_signup_creates_tenant_and_lands_owner_logged_in_on_manage(platform_client):
    response = platform_client.post("/signup/", GOOD)
    assert response.status_code == 302
    match = re.fullmatch(r"http://green-leaf\.localhost/manage/enter/([\w-]+)/", response["Location"])
    assert match, response["Location"]

    tenant = Tenant.objects.get(slug="green-leaf")
    assert tenant.schema_name == "t_green_leaf"
    assert tenant.vertical == "resort" and tenant.owner_email == "owner@greenleaf.example"
    assert schema_exists("t_green_leaf")
    assert tenant.get_primary_domain().domain == "green-leaf.localhost"
    # The owner lives in the tenant's schema only.
    assert not get_user_model().objects.filter(email="owner@greenleaf.example").exists()
    with tenant_context(tenant):
        owner = get_user_model().objects.get(email="owner@greenleaf.example")
        assert owner.role == "owner" and owner.check_password(GOOD["password"])
        assert owner.full_name == "Olena Kovalenko" and owner.language == "en"

    portal = host_client("green-leaf.localhost")
    entered = portal.get(f"/manage/enter/{match.group(1)}/")
    assert entered.status_code == 302 and entered["Location"] == "/manage/"
    manage = portal.get("/manage/")
    assert manage.status_code == 200
    assert "Green Leaf Spa" in manage.content.decode()
    home = portal.get("/")
    assert "Green Leaf Spa" in home.content.decode()
    # The link works once.
    assert host_client("green-leaf.localhost").get(f"/manage/enter/{match.group(1)}/")["Location"] == "/manage/login/"


def test_signup_keeps_the_port_of_the_request(db):
    client = host_client("localhost:8000")
    response = client.post("/signup/", {**GOOD, "slug": "port-check", "owner_email": "p@port.example"})
    assert response["Location"].startswith("http://port-check.localhost:8000/manage/enter/")


@pytest.mark.parametrize("slug", ["www", "api", "admin", "console", "static", "media", "mail", "xn--abc"])
def test_reserved_slug_is_refused(platform_client, snapshot, slug):
    response = platform_client.post("/signup/", {**GOOD, "slug": slug})
    assert response.status_code == 200
    assert response.context["form"].errors["slug"]
    assert_nothing_created(*snapshot)


def test_taken_slug_is_refused(platform_client, snapshot):
    response = platform_client.post("/signup/", {**GOOD, "slug": "alpha"})
    assert "already taken" in " ".join(response.context["form"].errors["slug"])
    assert_nothing_created(*snapshot)


@pytest.mark.parametrize("slug", [
    "Bad_Slug", "under_score", "-lead", "trail-", "dou--ble", "ab", "x" * 31, "тест", "a b c", "dot.ted",
    'x"; DROP SCHEMA public CASCADE; --', "a';select", "9starts-with-digit", "",
])
def test_invalid_slug_is_refused(platform_client, snapshot, slug):
    response = platform_client.post("/signup/", {**GOOD, "slug": slug})
    assert response.status_code == 200
    assert response.context["form"].errors["slug"]
    assert_nothing_created(*snapshot)


@pytest.mark.parametrize("password", ["12345678", "password", "short1", "greenleaf.example"])
def test_weak_password_is_refused(platform_client, snapshot, password):
    response = platform_client.post("/signup/", {**GOOD, "password": password})
    assert response.context["form"].errors["password"]
    assert_nothing_created(*snapshot)


@pytest.mark.parametrize("email", ["owner@alpha.test", "OWNER@Alpha.Test"])
def test_duplicate_owner_email_is_refused(platform_client, snapshot, email):
    response = platform_client.post("/signup/", {**GOOD, "owner_email": email})
    assert "already owns a business" in " ".join(response.context["form"].errors["owner_email"])
    assert_nothing_created(*snapshot)


@pytest.mark.parametrize("field,value", [
    ("owner_email", "not-an-email"), ("vertical", "bakery"), ("vertical", ""), ("name", ""), ("name", "x" * 121),
])
def test_other_bad_fields_are_refused(platform_client, snapshot, field, value):
    response = platform_client.post("/signup/", {**GOOD, field: value})
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert_nothing_created(*snapshot)


def test_all_errors_are_reported_at_once(platform_client, snapshot):
    response = platform_client.post("/signup/", {"name": "", "slug": "www", "vertical": "x",
                                                 "owner_email": "bad", "password": "1"})
    assert set(response.context["form"].errors) >= {"name", "slug", "vertical", "owner_email", "password"}
    assert_nothing_created(*snapshot)


def test_slug_check_endpoint(platform_client):
    assert "is free" in platform_client.get("/signup/check-slug/", {"slug": "fresh-name"}).content.decode()
    assert "reserved" in platform_client.get("/signup/check-slug/", {"slug": "admin"}).content.decode()
    assert "already taken" in platform_client.get("/signup/check-slug/", {"slug": "alpha"}).content.decode()
    escaped = platform_client.get("/signup/check-slug/", {"slug": "<script>"}).content.decode()
    assert "<script>" not in escaped


def test_signup_is_not_served_on_tenant_hosts(alpha_client):
    assert alpha_client.get("/signup/").status_code == 404


def test_owner_password_login_on_manage(alpha_client):
    response = alpha_client.post("/manage/login/", {"username": "owner@alpha.test", "password": OWNER_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/manage/"
    assert alpha_client.get("/manage/").status_code == 200


def test_customer_cannot_enter_manage_area(alpha_client):
    response = alpha_client.post("/manage/login/", {"username": "customer@alpha.test", "password": "Customer-Pass-42"})
    assert response.status_code == 200
    assert "cannot sign in here" in response.content.decode()


def test_signup_without_template_explains_and_creates_nothing(platform_client, snapshot):
    with connection.cursor() as cursor:
        cursor.execute("ALTER SCHEMA tenant_template RENAME TO template_away")
    response = platform_client.post("/signup/", GOOD)
    assert response.status_code == 200
    assert "cannot create portals right now" in response.content.decode()
    with connection.cursor() as cursor:
        cursor.execute("ALTER SCHEMA template_away RENAME TO tenant_template")
    assert_nothing_created(*snapshot)


def test_an_owner_who_signs_up_in_russian_gets_the_manage_area_in_russian(db):
    client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="ru")
    page = client.get("/signup/").content.decode()
    assert '<html lang="ru">' in page and "Ваше имя" in page
    response = client.post("/signup/", {**GOOD, "slug": "ru-spa", "owner_email": "vladelec@ru-spa.example",
                                        "owner_first_name": "  Ольга ", "owner_last_name": ""})
    token = re.search(r"/manage/enter/([\w-]+)/", response["Location"]).group(1)
    tenant = Tenant.objects.get(slug="ru-spa")
    with tenant_context(tenant):
        owner = get_user_model().objects.get(email="vladelec@ru-spa.example")
        assert (owner.full_name, owner.language) == ("Ольга", "ru")
    portal = host_client("ru-spa.localhost")  # another host: no cookie, an English browser
    portal.get(f"/manage/enter/{token}/")
    manage = portal.get("/manage/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="ru">' in manage and "Ольга" in manage


@pytest.mark.parametrize("language", ["uk", "en"])
def test_the_signup_language_is_the_pages_language(db, language):
    client = host_client("localhost")
    client.cookies["django_language"] = language
    client.post("/signup/", {**GOOD, "slug": f"lang-{language}", "owner_email": f"o@lang-{language}.example"})
    with tenant_context(Tenant.objects.get(slug=f"lang-{language}")):
        assert get_user_model().objects.get(email=f"o@lang-{language}.example").language == language


@pytest.mark.parametrize("field,value", [("owner_first_name", ""), ("owner_first_name", "   "),
                                         ("owner_first_name", "x" * 76), ("owner_last_name", "y" * 76)])
def test_the_owners_name_is_required_and_bounded(platform_client, snapshot, field, value):
    response = platform_client.post("/signup/", {**GOOD, field: value})
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert_nothing_created(*snapshot)
