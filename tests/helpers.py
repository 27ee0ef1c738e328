"""Small helpers shared by the cross-cutting suites."""

from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context


def login(tenant, client, email: str):
    """Signs `email` of `tenant` in on `client` (a session, as after a real sign-in)."""
    with tenant_context(tenant):
        user = get_user_model().objects.get(email=email)
        client.force_login(user)
    return user
