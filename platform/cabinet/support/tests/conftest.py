from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context


def user(tenant, email):
    with tenant_context(tenant):
        return get_user_model().objects.get(email=email)


def sign_in(client, tenant, email):
    """Signs `client` in as the user of `tenant` with this e-mail (the session lives in that schema)."""
    with tenant_context(tenant):
        account = get_user_model().objects.get(email=email)
        client.force_login(account)
    return account


def make_user(tenant, email, role="customer", **extra):
    with tenant_context(tenant):
        return get_user_model().objects.create_user(email, "Some-Pass-4242", role=role,
                                                    is_staff=role != "customer", **extra)


def open_request(tenant, customer, subject="Broken invoice", **extra):
    from cabinet.support import services

    fields = {"topic": "Billing and payment", "message": "The total looks wrong.", "contact_name": "Ann",
              "contact_email": "ann@example.com"}
    fields.update(extra)
    topics = fields.pop("topics", ["General question", "Billing and payment"])
    with tenant_context(tenant):
        return services.create_request(customer=customer, subject=subject, topics=topics, **fields)
