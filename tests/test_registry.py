"""The module registry: declarations, verticals that refer to them, and the gate that hides a
switched-off module's pages, manage pages, API routes, navigation and dashboard card."""

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import URLPattern, URLResolver, get_resolver
from django_tenants.utils import tenant_context

import verticals
from cabinet import registry
from cabinet.portal.models import ModuleSwitch
from cabinet.portal.services import enable_with_dependencies, set_module_enabled
from tests.helpers import sign_in


def test_every_vertical_switches_on_only_declared_modules():
    declared = set(registry.modules())
    for vertical in verticals.VERTICALS.values():
        assert set(vertical.default_modules) <= declared, vertical.key
        assert set(vertical.default_settings) <= set(vertical.default_modules), vertical.key
        for key, values in vertical.default_settings.items():
            assert set(values) <= {s.key for s in registry.get_module(key).settings}, (vertical.key, key)


def test_every_module_declares_what_the_portal_needs():
    assert registry.modules(), "no module declared"
    for module in registry.modules().values():
        assert module.key.isidentifier() and module.title and module.description, module.key
        for entry in module.manage_nav:
            assert set(entry.roles) <= set(registry.STAFF_ROLES), module.key


def _module(key, depends_on=()):
    return registry.Module(key=key, title=key, depends_on=depends_on)


def test_unknown_dependency_and_circles_are_refused_at_start():
    with pytest.raises(ImproperlyConfigured, match="unknown module"):
        registry._check_dependencies({"a": _module("a", ("ghost",))})
    with pytest.raises(ImproperlyConfigured, match="circle"):
        registry._check_dependencies({"a": _module("a", ("b",)), "b": _module("b", ("a",))})
    registry._check_dependencies({"a": _module("a", ("b",)), "b": _module("b")})


def _route(pattern) -> str:
    return str(pattern).lstrip("^").rstrip("$").replace("\\", "")


def _plain_paths(key):
    """Every URL of a module's namespaces that takes no arguments, e.g. /support/, /manage/support/."""
    found = []

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + _route(p.pattern))
            elif isinstance(p, URLPattern) and not p.pattern.regex.groups:
                route = prefix + _route(p.pattern)
                if "<" not in route and "(" not in route:
                    found.append("/" + route)

    module = registry.get_module(key)
    for p in get_resolver().url_patterns:
        if isinstance(p, URLResolver) and p.namespace in module.namespaces:
            walk(p.url_patterns, _route(p.pattern))
    return found


@pytest.mark.parametrize("key", list(registry.modules()))
def test_switched_off_module_answers_404_everywhere_and_leaves_the_navigation(key, alpha, alpha_client):
    paths = _plain_paths(key)
    assert paths, f"module {key} mounts no URL"
    sign_in(alpha_client, alpha, "owner@alpha.test")
    with tenant_context(alpha):
        enable_with_dependencies(key)
    on = {path: alpha_client.get(path).status_code for path in paths}
    assert all(code != 404 for code in on.values()), on
    with tenant_context(alpha):
        for dependent in registry.dependents_of(key):
            set_module_enabled(dependent.key, False)
        set_module_enabled(key, False)
    off = {path: alpha_client.get(path).status_code for path in paths}
    assert all(code == 404 for code in off.values()), off
    home = alpha_client.get("/").content.decode()
    assert f'data-module="{key}"' not in home
    manage = alpha_client.get("/manage/").content.decode()
    assert f'href="/manage/{key}/' not in manage and f'href="/{key}/' not in manage


def test_switching_on_a_module_whose_dependency_is_off_is_refused(alpha):
    dependent = next((m for m in registry.modules().values() if m.depends_on), None)
    if dependent is None:
        pytest.skip("no module declares a dependency")
    needed = dependent.depends_on[0]
    with tenant_context(alpha):
        set_module_enabled(dependent.key, False)
        set_module_enabled(needed, False)
        with pytest.raises(ValidationError, match="Switch that on first"):
            set_module_enabled(dependent.key, True)
        assert not ModuleSwitch.objects.get(key=dependent.key).enabled
        set_module_enabled(needed, True)
        set_module_enabled(dependent.key, True)
        with pytest.raises(ValidationError, match="Switch that off first"):
            set_module_enabled(needed, False)
        assert ModuleSwitch.objects.get(key=needed).enabled


def test_unknown_module_is_refused(alpha):
    with tenant_context(alpha), pytest.raises(ValidationError):
        set_module_enabled("no-such-module", True)


def test_signup_copies_the_verticals_modules(alpha, beta):
    for tenant in (alpha, beta):
        with tenant_context(tenant):
            enabled = set(ModuleSwitch.objects.filter(enabled=True).values_list("key", flat=True))
        assert enabled == set(verticals.VERTICALS[tenant.vertical].default_modules), tenant.slug


def test_module_task_does_nothing_where_the_module_is_off(alpha, beta):
    from cabinet.portal.gating import module_task

    calls = []

    @module_task("documents")
    def job(schema):
        calls.append(schema)
        return "done"

    with tenant_context(alpha):
        assert job("alpha") == "done"
        set_module_enabled("documents", False)
        assert job("alpha, off") is None
    with tenant_context(beta):  # still on for another tenant
        assert job("bravo") == "done"
    assert calls == ["alpha", "bravo"]


def test_openapi_schema_lists_only_switched_on_modules(alpha, alpha_client):
    with tenant_context(alpha):
        set_module_enabled("documents", True)
        set_module_enabled("support", True)
    schema = alpha_client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    assert any(path.startswith("/api/v1/documents/") for path in schema["paths"])
    with tenant_context(alpha):
        set_module_enabled("documents", False)
    schema = alpha_client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    assert not any(path.startswith("/api/v1/documents/") for path in schema["paths"])
    assert any(path.startswith("/api/v1/support/") for path in schema["paths"])
