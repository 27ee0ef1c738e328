import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_tenants.utils import tenant_context

CUSTOMER_PASSWORD = "Customer-Pass-42"


def client_for(host: str, ip: str = "203.0.113.10") -> Client:
    return Client(HTTP_HOST=host, REMOTE_ADDR=ip)


def make_customer(tenant, *, email=None, phone=None, password=CUSTOMER_PASSWORD, **extra):
    with tenant_context(tenant):
        user = get_user_model()(email=email, phone=phone, full_name=extra.pop("full_name", "Test Person"), **extra)
        user.set_password(password)
        user.save()
        return user


def signed_in(tenant, host: str, user, ip: str = "203.0.113.10") -> Client:
    client = client_for(host, ip)
    with tenant_context(tenant):
        client.force_login(user)
    return client


def link_in(message, path_prefix: str) -> str:
    """The first URL in a mail whose path starts with `path_prefix`."""
    found = re.search(r"(https?://[^\s/]+)(" + re.escape(path_prefix) + r"\S*)", message.body)
    assert found, message.body
    return found.group(1) + found.group(2)


@pytest.fixture
def alpha_customer(alpha):
    with tenant_context(alpha):
        return get_user_model().objects.get(email="customer@alpha.test")


@pytest.fixture
def alpha_owner(alpha):
    with tenant_context(alpha):
        return get_user_model().objects.get(email="owner@alpha.test")
