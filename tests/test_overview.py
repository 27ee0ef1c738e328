"""The owner's overview: a greeting by name, one card per enabled module the person's role may see, a setup
checklist that ticks itself, and a query budget that holds with every module on."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from cabinet import registry
from cabinet.portal.models import Branding
from cabinet.portal.services import enable_with_dependencies, save_branding, set_module_enabled
from conftest import host_client
from tests.helpers import make_user, sign_in

QUERY_BUDGET = 30


def switch_all_on(tenant):
    with tenant_context(tenant):
        for key in registry.modules():
            enable_with_dependencies(key)


def staff_client(tenant, role, **extra):
    email = f"{role}@{tenant.slug}.test"
    make_user(tenant, email, role=role, **extra)
    client = host_client(f"{tenant.slug}.localhost")
    sign_in(client, tenant, email)
    return client


def cards_of(page: str) -> set[str]:
    return set(re.findall(r'class="card dashboard-card"[^>]*data-module="([^"]+)"', page))


def items_of(page: str) -> dict[str, bool]:
    return {key: "is-done" in classes
            for classes, key in re.findall(r'class="checklist-item([^"]*)" data-item="([^"]+)"', page)}


def test_the_owner_is_greeted_by_name_and_falls_back_to_the_e_mail(alpha, alpha_client):
    owner = sign_in(alpha_client, alpha, "owner@alpha.test")
    with tenant_context(alpha):
        owner.full_name = "Oksana Bilyk"
        owner.save(update_fields=["full_name"])
    assert "Welcome, Oksana Bilyk" in alpha_client.get("/manage/").content.decode()
    with tenant_context(alpha):
        owner.full_name = ""
        owner.save(update_fields=["full_name"])
    assert "Welcome, owner@alpha.test" in alpha_client.get("/manage/").content.decode()


def test_each_enabled_module_contributes_its_card_and_its_checklist_step(alpha, alpha_client):
    switch_all_on(alpha)
    sign_in(alpha_client, alpha, "owner@alpha.test")
    page = alpha_client.get("/manage/").content.decode()
    expected = {"core"} | {key for key, module in registry.modules().items() if module.manage_card}
    assert cards_of(page) == expected
    steps = items_of(page)
    for module in registry.modules().values():
        for item in module.checklist:
            assert item.key in steps, (module.key, item.key)
    assert {"branding", "customers", "first-sign-in", "staff"} <= set(steps)
    # A switched-off module takes its card and its step with it.
    with tenant_context(alpha):
        set_module_enabled("feedback", False)
    page = alpha_client.get("/manage/").content.decode()
    assert "feedback" not in cards_of(page) and "first-rating" not in items_of(page)


def test_cards_and_steps_follow_the_staff_role(alpha):
    switch_all_on(alpha)
    operator = staff_client(alpha, "operator").get("/manage/").content.decode()
    assert "support" in cards_of(operator)
    assert not cards_of(operator) & {"orders", "catalog", "core", "documents", "api"}
    assert set(items_of(operator)) == {"first-reply", "chat-reply"}  # answering a request and a chat
    editor = staff_client(alpha, "editor").get("/manage/").content.decode()
    assert cards_of(editor) == {"news"} and set(items_of(editor)) == {"first-article"}


def test_the_checklist_ticks_itself(alpha, alpha_client):
    sign_in(alpha_client, alpha, "owner@alpha.test")
    steps = items_of(alpha_client.get("/manage/").content.decode())
    assert steps["branding"] is False and steps["customers"] is True  # alpha has a customer
    assert steps["first-sign-in"] is False and steps["staff"] is False
    with tenant_context(alpha):
        branding = Branding.objects.get(pk=1)
        branding.primary_color = "#0c5a3c"
        save_branding(branding)
    customer = host_client("alpha.localhost")
    assert customer.post("/login/", {"username": "customer@alpha.test", "password": "Customer-Pass-42"}).status_code == 302
    make_user(alpha, "new-manager@alpha.test", role="manager")
    steps = items_of(alpha_client.get("/manage/").content.decode())
    assert steps["branding"] and steps["first-sign-in"] and steps["staff"]


def test_the_figures_count_this_tenant_only(alpha, beta, alpha_client):
    with tenant_context(beta):
        make_user(beta, "fresh@bravo.test")
    with tenant_context(alpha):
        from django.contrib.auth import get_user_model

        get_user_model().objects.filter(email="customer@alpha.test").update(date_joined=timezone.now())
    sign_in(alpha_client, alpha, "owner@alpha.test")
    page = alpha_client.get("/manage/").content.decode()
    card = re.search(r'data-module="core">\s*<h3>[^<]*</h3>\s*<p class="figure">(\d+)</p>', page)
    assert card and card.group(1) == "1"
    assert "New patients this week" in page and "1 in all" in page  # alpha is a clinic


def test_the_overview_stays_within_its_query_budget_with_every_module_on(alpha, alpha_client):
    switch_all_on(alpha)
    sign_in(alpha_client, alpha, "owner@alpha.test")
    alpha_client.get("/manage/")  # fills the per-tenant caches a running server keeps warm
    with CaptureQueriesContext(connection) as captured:
        response = alpha_client.get("/manage/")
    assert response.status_code == 200
    assert len(captured) <= QUERY_BUDGET, "\n".join(q["sql"][:160] for q in captured.captured_queries)
