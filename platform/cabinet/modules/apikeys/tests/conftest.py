import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context

from cabinet.modules.apikeys import services
from cabinet.portal.services import set_module_enabled, update_module_settings
from tests.helpers import sign_in, user  # noqa: F401  (used by the tests here)


def make_user(tenant, email, role="customer"):
    with tenant_context(tenant):
        return get_user_model().objects.create_user(email, "Some-Pass-4242", role=role,
                                                    is_staff=role != "customer", full_name=email.split("@")[0])


def make_key(tenant, customer, name="ERP"):
    with tenant_context(tenant):
        return services.create_key(customer, name)


def switch_api(tenant, enabled=True, **settings):
    with tenant_context(tenant):
        set_module_enabled("api", enabled)
        if settings:
            update_module_settings("api", {"requests_per_minute": 120, **settings})


def bearer(raw_key):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw_key}"}


@pytest.fixture
def api_on(alpha, beta):
    switch_api(alpha)
    switch_api(beta)
