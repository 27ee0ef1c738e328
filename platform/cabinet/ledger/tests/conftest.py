import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context


@pytest.fixture
def in_alpha(alpha):
    with tenant_context(alpha):
        yield alpha


@pytest.fixture
def make_customer():
    counter = iter(range(10**6))

    def make(email: str = ""):
        return get_user_model().objects.create_user(
            email or f"ledger{next(counter)}@customer.test", "Customer-Pass-42", full_name="Ledger customer")
    return make
