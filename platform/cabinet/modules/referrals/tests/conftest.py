import pytest
from django_tenants.utils import tenant_context

from cabinet.modules.catalog.tests.conftest import make_product, make_user, make_warehouse, sign_in, user  # noqa: F401
from cabinet.portal.services import set_module_enabled, update_module_settings


@pytest.fixture(autouse=True)
def referrals_on(alpha, beta):
    for tenant in (alpha, beta):
        with tenant_context(tenant):
            for key in ("catalog", "orders", "referrals"):
                set_module_enabled(key, True)
            update_module_settings("referrals", {"reward": "money", "percent": 10, "return_days": 14,
                                                 "code_days": 14, "months": 12, "cap_per_friend": 0,
                                                 "cap_per_month": 0})


@pytest.fixture
def shop(alpha):
    with tenant_context(alpha):
        central = make_warehouse("Central warehouse")
        tea = make_product("Sencha", price="100.00", currency="RUB", sku="TEA-1", stock={central: 100})
        return {"central": central, "tea": tea}
