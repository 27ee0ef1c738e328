import pytest
from django_tenants.utils import tenant_context

from cabinet.modules.catalog.tests.conftest import make_product, make_user, make_warehouse, sign_in, user  # noqa: F401
from cabinet.portal.services import set_module_enabled


@pytest.fixture(autouse=True)
def orders_on(alpha, beta):
    for tenant in (alpha, beta):
        with tenant_context(tenant):
            set_module_enabled("catalog", True)
            set_module_enabled("orders", True)


@pytest.fixture
def shop(alpha):
    with tenant_context(alpha):
        central = make_warehouse("Central warehouse")
        pickup = make_warehouse("Podil pickup", address="Kyiv, Khoroshavina 1", is_pickup_point=True)
        tea = make_product("Sencha", price="10.00", sku="TEA-1", stock={central: 10})
        mug = make_product("Mug", price="15.00", sku="MUG-1", stock={central: 1, pickup: 1})
        dollar = make_product("Import", price="3.00", currency="USD", stock={central: 5})
        return {"central": central, "pickup": pickup, "tea": tea, "mug": mug, "dollar": dollar}
