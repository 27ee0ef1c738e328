"""Helpers shared by the suites of every app: people of a tenant and signing them in."""

from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context

TEST_PASSWORD = "Some-Pass-4242"


def user(tenant, email):
    """The user of `tenant` with this e-mail."""
    with tenant_context(tenant):
        return get_user_model().objects.get(email=email)


def sign_in(client, tenant, email):
    """Signs `client` in as the user of `tenant` with this e-mail (the session lives in that schema)."""
    with tenant_context(tenant):
        account = get_user_model().objects.get(email=email)
        client.force_login(account)
    return account


def make_user(tenant, email, role="customer", **extra):
    """A customer (or staff member of `role`) of `tenant` with the password TEST_PASSWORD."""
    with tenant_context(tenant):
        return get_user_model().objects.create_user(email, TEST_PASSWORD, role=role,
                                                    is_staff=role != "customer", **extra)
