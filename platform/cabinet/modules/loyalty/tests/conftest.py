import pytest
from django_tenants.utils import tenant_context

from cabinet.modules.catalog.tests.conftest import make_product, make_user, make_warehouse, sign_in, user  # noqa: F401
from cabinet.portal.services import set_module_enabled, update_module_settings

SETTINGS = {"point_value": 100, "max_share": 30, "return_days": 14, "expiry_months": 0, "reminder_days": 14}


@pytest.fixture(autouse=True)
def loyalty_on(alpha, beta):
    for tenant in (alpha, beta):
        with tenant_context(tenant):
            for key in ("catalog", "orders", "loyalty"):
                set_module_enabled(key, True)
            update_module_settings("loyalty", SETTINGS)


@pytest.fixture
def shop(alpha):
    with tenant_context(alpha):
        central = make_warehouse("Central warehouse")
        tea = make_product("Sencha", price="2400.00", currency="RUB", sku="TEA-1", stock={central: 100})
        return {"central": central, "tea": tea}
