"""Fixtures of the manage-area tests: staff of each role on alpha, signed-in clients, stand-in modules."""

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context

from cabinet import registry
from cabinet.registry import Module, ModuleSetting
from conftest import host_client

STAFF_PASSWORD = "Staff-Pass-2024!"


def make_user(tenant, email, role, **extra):
    with tenant_context(tenant):
        return get_user_model().objects.create_user(email, STAFF_PASSWORD, role=role,
                                                    is_staff=role != "customer", **extra)


def signed_in(tenant, host, email):
    client = host_client(host)
    with tenant_context(tenant):  # the session is stored in the tenant's schema
        client.force_login(get_user_model().objects.get(email=email))
    return client


@pytest.fixture
def owner_client(alpha):
    return signed_in(alpha, "alpha.localhost", "owner@alpha.test")


@pytest.fixture
def bravo_owner_client(beta):
    return signed_in(beta, "bravo.localhost", "owner@bravo.test")


@pytest.fixture
def role_client(alpha):
    """role_client("manager") -> a client signed in on alpha as a new staff member of that role."""

    def make(role):
        email = f"{role}@alpha.test"
        make_user(alpha, email, role, full_name=f"Alpha {role}")
        return signed_in(alpha, "alpha.localhost", email)

    return make


@pytest.fixture
def customer_client(alpha):
    return signed_in(alpha, "alpha.localhost", "customer@alpha.test")


STAND_IN_MODULES = {
    "base": Module(key="base", title="Base service", description="Something others build on.", order=1,
                   settings=(ModuleSetting("limit", "Limit", kind="int", default=5, min_value=1, max_value=10),
                             ModuleSetting("greeting", "Greeting", kind="text", default="Hi"),
                             ModuleSetting("mode", "Mode", kind="choice", default="a",
                                           choices=(("a", "A"), ("b", "B"))),
                             ModuleSetting("loud", "Loud", kind="bool", default=False))),
    "addon": Module(key="addon", title="Add-on", description="Needs the base service.", depends_on=("base",),
                    order=2),
}


@pytest.fixture
def stand_in_modules(monkeypatch):
    """A registry of two declared modules (one needing the other), whatever modules the project has, so
    the switch and dependency behaviour is tested the same way every time."""
    from django.core.cache import cache
    from django_tenants.utils import schema_context

    from cabinet import urls_tenant
    from cabinet.portal.selectors import STATE_CACHE_KEY

    # What is built once from the real registry must be built before the stand-ins replace it, or the
    # rest of the session would keep URLs and namespaces without the real modules.
    assert urls_tenant.urlpatterns
    registry._namespace_index()
    monkeypatch.setattr(registry, "_collect", lambda: dict(STAND_IN_MODULES))
    for schema in ("t_alpha", "t_bravo"):
        with schema_context(schema):
            cache.delete(STATE_CACHE_KEY)
    return STAND_IN_MODULES


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploads of the test go to a temporary folder. The tenant storage caches its root in cached
    properties of one shared instance, so they are dropped before and after."""
    from django.core.files.storage import storages

    def forget_root():
        for cached in ("relative_media_root", "relative_media_url"):
            storages["default"].__dict__.pop(cached, None)

    settings.MEDIA_ROOT = tmp_path
    forget_root()
    yield tmp_path
    forget_root()


def png(width=64, height=32, colour=(20, 80, 200), *, noisy=False, fmt="PNG") -> bytes:
    import io
    import os

    from PIL import Image

    if noisy:  # incompressible, to make a file of a wanted size
        image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    else:
        image = Image.new("RGB", (width, height), colour)
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()
