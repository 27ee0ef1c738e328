import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from cabinet.modules.documents.models import Document
from tests.helpers import sign_in, user  # noqa: F401  (used by the tests here)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name="contract.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")




def make_staff(tenant, email, role):
    with tenant_context(tenant):
        return get_user_model().objects.create_user(email, "Staff-Pass-42", role=role, is_staff=True)


def make_customer(tenant, email, **extra):
    with tenant_context(tenant):
        return get_user_model().objects.create_user(email, "Customer-Pass-42", full_name=email.split("@")[0], **extra)


def make_document(tenant, customer, title="Contract", content=PDF, name="contract.pdf"):
    from cabinet.modules.documents import services

    with tenant_context(tenant):
        return services.upload_document(customer=customer, title=title, category="contract",
                                        upload=pdf(name, content), uploaded_by=None)


@pytest.fixture(autouse=True)
def _remove_stored_files(alpha, beta):
    """Uploaded files go to the real tenant media folders; each test removes what it stored."""
    yield

    for tenant in (alpha, beta):
        with tenant_context(tenant):
            for document in Document.objects.all():
                document.file.delete(save=False)
