"""The platform console: who gets in, the tenant list, search, suspend and resume."""

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context

from conftest import OWNER_PASSWORD, host_client
from tenants.models import Tenant, TenantStatusChange


def test_console_needs_platform_staff(platform_client):
    assert platform_client.get("/console/")["Location"] == "/console/login/?next=/console/"
    # A business owner's credentials do not exist in the public schema.
    response = platform_client.post("/console/login/", {"username": "owner@alpha.test", "password": OWNER_PASSWORD})
    assert response.status_code == 200 and "not right" in response.content.decode()


def test_platform_user_without_staff_flag_is_refused(platform_client):
    get_user_model().objects.create_user("viewer@kabinet.test", "Viewer-Pass-42")
    response = platform_client.post("/console/login/", {"username": "viewer@kabinet.test", "password": "Viewer-Pass-42"})
    assert "cannot sign in here" in response.content.decode()


def test_console_lists_tenants_with_vertical_status_and_customer_count(staff_client):
    page = staff_client.get("/console/").content.decode()
    assert "Alpha Business" in page and "Bravo Business" in page
    assert "Clinic" in page and "Wholesale" in page
    assert "Template" not in page.split("<tbody>")[1]  # the template schema is not a business
    rows = {tenant.slug: customers for tenant, customers, _url, _v in staff_client.get("/console/").context["rows"]}
    assert rows == {"alpha": 1, "bravo": 1}


def test_console_counts_only_active_customers(staff_client, alpha):
    with tenant_context(alpha):
        get_user_model().objects.create_user("second@alpha.test", "Second-Pass-42")
        get_user_model().objects.create_user("gone@alpha.test", "Gone-Pass-42", is_active=False)
    rows = {t.slug: n for t, n, _u, _v in staff_client.get("/console/").context["rows"]}
    assert rows["alpha"] == 2


@pytest.mark.parametrize("query,expected", [
    ("alpha", {"alpha"}), ("BRAVO", {"bravo"}), ("owner@bravo", {"bravo"}), ("business", {"alpha", "bravo"}),
    ("zzz", set()), ("'; DROP TABLE tenants_tenant; --", set()),
])
def test_console_search(staff_client, query, expected):
    rows = staff_client.get("/console/", {"q": query}).context["rows"]
    assert {tenant.slug for tenant, *_ in rows} == expected


def test_suspend_and_resume(staff_client, alpha, alpha_client):
    alpha_client.post("/manage/login/", {"username": "owner@alpha.test", "password": OWNER_PASSWORD})
    response = staff_client.post("/console/tenants/alpha/status/", {"status": "suspended", "reason": "unpaid"})
    assert response.status_code == 302
    alpha.refresh_from_db()
    assert alpha.status == "suspended"

    page = alpha_client.get("/")
    assert page.status_code == 503
    assert "temporarily unavailable" in page.content.decode()
    assert alpha_client.get("/manage/").status_code == 503
    api = alpha_client.get("/api/v1/")
    assert api.status_code == 503 and api.json()["error"] == "tenant_suspended"
    assert host_client("bravo.localhost").get("/").status_code == 200  # others unaffected
    suspended_row = staff_client.get("/console/", {"status": "suspended"}).context["rows"]
    assert [t.slug for t, *_ in suspended_row] == ["alpha"]

    staff_client.post("/console/tenants/alpha/status/", {"status": "active"})
    assert alpha_client.get("/").status_code == 200
    # Nothing was lost: users are there and the owner's session still works.
    assert alpha_client.get("/manage/").status_code == 200
    with tenant_context(alpha):
        assert get_user_model().objects.count() == 2
    history = list(TenantStatusChange.objects.filter(tenant=alpha).values_list("status", "changed_by", "reason"))
    assert history == [("active", "staff@kabinet.test", ""), ("suspended", "staff@kabinet.test", "unpaid")]


def test_status_change_needs_post_and_staff(platform_client, staff_client, alpha):
    assert staff_client.get("/console/tenants/alpha/status/").status_code == 405
    platform_client.logout()
    anonymous = host_client("localhost")
    assert anonymous.post("/console/tenants/alpha/status/", {"status": "suspended", "reason": "x"}).status_code == 302
    assert anonymous.post("/console/tenants/alpha/suspend/", {"reason": "x"}).status_code == 302
    assert anonymous.get("/console/tenants/alpha/suspend/")["Location"].startswith("/console/login/")
    alpha.refresh_from_db()
    assert alpha.status == "active"


def test_bad_status_changes_nothing(staff_client, alpha):
    response = staff_client.post("/console/tenants/alpha/status/", {"status": "deleted"}, follow=True)
    assert response.status_code == 200
    assert "Choose suspend or resume" in response.content.decode()
    alpha.refresh_from_db()
    assert alpha.status == "active"
    assert staff_client.post("/console/tenants/nope/status/", {"status": "suspended"}).status_code == 404
    assert staff_client.post("/console/tenants/tenant-template/status/", {"status": "suspended"}).status_code == 404


def test_open_redirect_is_refused(staff_client):
    response = staff_client.post("/console/tenants/alpha/status/", {"status": "active", "next": "https://evil.example"})
    assert response["Location"] == "/console/tenants/alpha/"


def test_tenant_detail_page(staff_client):
    page = staff_client.get("/console/tenants/alpha/").content.decode()
    assert "owner@alpha.test" in page and "alpha.localhost" in page
    assert staff_client.get("/console/tenants/no-such/").status_code == 404


def test_console_not_on_tenant_hosts(alpha_client):
    assert alpha_client.get("/console/").status_code == 404


def test_suspended_tenant_rows_are_untouched(staff_client, alpha):
    before = Tenant.objects.filter(pk=alpha.pk).values("name", "slug", "owner_email", "vertical").get()
    staff_client.post("/console/tenants/alpha/suspend/", {"reason": "unpaid"})
    assert Tenant.objects.get(pk=alpha.pk).is_suspended
    staff_client.post("/console/tenants/alpha/status/", {"status": "active"})
    assert Tenant.objects.filter(pk=alpha.pk).values("name", "slug", "owner_email", "vertical").get() == before


def test_console_list_queries_do_not_grow_with_tenants(staff_client, django_assert_max_num_queries):
    from tenants import services

    for i in range(5):
        services.create_tenant(slug=f"many-{i}", name=f"Many {i}", vertical="resort",
                               owner_email=f"o@many{i}.example", owner_password="Solid-Pass-2026")
    with django_assert_max_num_queries(12):
        page = staff_client.get("/console/")
    assert len(page.context["rows"]) == 7


def test_suspend_asks_for_confirmation_and_a_reason_first(staff_client, alpha):
    page = staff_client.get("/console/").content.decode()
    assert 'href="/console/tenants/alpha/suspend/?next=/console/"' in page  # a link to the step, not an action
    confirm = staff_client.get("/console/tenants/alpha/suspend/", {"next": "/console/?status=active"})
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert "Suspend Alpha Business?" in text and 'name="reason"' in text and "Cancel" in text
    alpha.refresh_from_db()
    assert alpha.status == "active"  # looking at the step changes nothing

    for reason in ("", "   ", "x" * 301):
        refused = staff_client.post("/console/tenants/alpha/suspend/", {"reason": reason})
        assert refused.status_code == 400 and refused.context["form"].errors["reason"]
    alpha.refresh_from_db()
    assert alpha.status == "active" and not TenantStatusChange.objects.filter(tenant=alpha).exists()

    done = staff_client.post("/console/tenants/alpha/suspend/", {"reason": " Unpaid  since May ",
                                                                 "next": "/console/?status=active"})
    assert done.status_code == 302 and done["Location"] == "/console/?status=active"
    alpha.refresh_from_db()
    assert alpha.is_suspended
    assert list(TenantStatusChange.objects.filter(tenant=alpha).values_list("status", "reason")) == [
        ("suspended", "Unpaid since May")]
    history = staff_client.get("/console/tenants/alpha/").content.decode()
    assert "Unpaid since May" in history
    # Suspending twice is not a second entry; the step leads back.
    assert staff_client.get("/console/tenants/alpha/suspend/").status_code == 302
    assert TenantStatusChange.objects.filter(tenant=alpha).count() == 1


def test_a_suspension_without_a_reason_from_the_old_form_goes_to_the_step(staff_client, alpha):
    response = staff_client.post("/console/tenants/alpha/status/", {"status": "suspended", "next": "/console/"})
    assert response.status_code == 302
    assert response["Location"] == "/console/tenants/alpha/suspend/?next=%2Fconsole%2F"
    alpha.refresh_from_db()
    assert alpha.status == "active"


def test_the_suspend_step_never_leads_off_site(staff_client, alpha):
    for bad in ("https://evil.example/", "//evil.example/console/", "/console//evil.example"):
        response = staff_client.post("/console/tenants/alpha/suspend/", {"reason": "test", "next": bad})
        assert response["Location"] == "/console/tenants/alpha/"
        staff_client.post("/console/tenants/alpha/status/", {"status": "active"})
    assert staff_client.get("/console/tenants/nope/suspend/").status_code == 404
    assert staff_client.get("/console/tenants/tenant-template/suspend/").status_code == 404


def test_the_503_page_speaks_the_visitors_language_and_its_switcher_works(staff_client, alpha):
    from django.test import Client

    staff_client.post("/console/tenants/alpha/suspend/", {"reason": "unpaid"})
    browser = Client(HTTP_HOST="alpha.localhost", HTTP_ACCEPT_LANGUAGE="uk")
    page = browser.get("/")
    assert page.status_code == 503 and page["Content-Language"] == "uk"
    text = page.content.decode()
    assert '<html lang="uk">' in text and "недоступн" in text
    assert 'action="/me/language/"' in text
    token = page.cookies["csrftoken"].value  # the page hands out the switcher's token
    switched = browser.post("/me/language/", {"language": "ru", "next": "/manage/", "csrfmiddlewaretoken": token})
    assert switched.status_code == 302 and switched["Location"] == "/manage/"
    assert browser.cookies["django_language"].value == "ru"
    again = browser.get("/manage/")
    assert again.status_code == 503 and again["Content-Language"] == "ru"
    assert '<html lang="ru">' in again.content.decode() and "недоступн" in again.content.decode()
    assert "недоступ" in browser.get("/api/v1/").json()["detail"]


def test_the_503_switcher_without_a_csrf_token_is_refused_and_changes_nothing(staff_client, alpha):
    from django.test import Client

    staff_client.post("/console/tenants/alpha/suspend/", {"reason": "unpaid"})
    browser = Client(HTTP_HOST="alpha.localhost", enforce_csrf_checks=True)
    assert browser.post("/me/language/", {"language": "ru", "next": "/"}).status_code == 403
    assert "django_language" not in browser.cookies
    assert browser.post("/me/language/", {"language": "xx", "next": "/"}).status_code == 403
