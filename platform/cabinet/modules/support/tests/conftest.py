from django_tenants.utils import tenant_context

from tests.helpers import make_user, sign_in, user  # noqa: F401  (used by the tests here)


def open_request(tenant, customer, subject="Broken invoice", **extra):
    from cabinet.modules.support import services

    fields = {"topic": "Billing and payment", "message": "The total looks wrong.", "contact_name": "Ann",
              "contact_email": "ann@example.com"}
    fields.update(extra)
    topics = fields.pop("topics", ["General question", "Billing and payment"])
    with tenant_context(tenant):
        return services.create_request(customer=customer, subject=subject, topics=topics, **fields)
