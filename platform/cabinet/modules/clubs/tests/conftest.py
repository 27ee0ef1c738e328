import pytest
from django_tenants.utils import tenant_context

from cabinet.modules.catalog.tests.conftest import make_product, make_user, make_warehouse, sign_in, user  # noqa: F401
from cabinet.portal.services import set_module_enabled


@pytest.fixture(autouse=True)
def clubs_on(alpha, beta):
    for tenant in (alpha, beta):
        with tenant_context(tenant):
            for key in ("catalog", "orders", "support", "clubs"):
                set_module_enabled(key, True)
