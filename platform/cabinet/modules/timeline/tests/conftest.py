import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context

from cabinet.modules.documents.models import Document
from tests.helpers import make_user, sign_in, user  # noqa: F401  (used by the tests here)


@pytest.fixture(autouse=True)
def _remove_stored_files(alpha, beta):
    """Documents of a test go to the real tenant media folders; each test removes what it stored."""
    yield
    for tenant in (alpha, beta):
        with tenant_context(tenant):
            for document in Document.objects.all():
                document.file.delete(save=False)


def customer_of(tenant, email):
    with tenant_context(tenant):
        return get_user_model().objects.create_user(email, "Customer-Pass-42", full_name=email.split("@")[0])
