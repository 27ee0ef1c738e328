"""The header marks one navigation entry as the current page, also on pages that are not entries themselves."""

import re

import pytest
from django_tenants.utils import tenant_context

from cabinet.modules.orders import services
from tests.helpers import sign_in


def current_entries(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" aria-current="page">', html)


@pytest.mark.parametrize(("path", "current"), [
    ("/orders/cart/", "/orders/cart/"),
    ("/orders/checkout/", "/orders/cart/"),
    ("/orders/", "/orders/"),
    ("/orders/recurring/", "/orders/"),
    ("/catalog/", "/catalog/"),
    ("/catalog/favourites/", "/catalog/"),
])
def test_one_entry_is_current(alpha, alpha_client, shop, path, current):
    customer = sign_in(alpha_client, alpha, "customer@alpha.test")
    with tenant_context(alpha):
        services.add_to_cart(customer, shop["tea"].pk, 1)  # the checkout page needs a cart
    response = alpha_client.get(path)
    assert response.status_code == 200
    assert current_entries(response.content.decode()) == [current]
