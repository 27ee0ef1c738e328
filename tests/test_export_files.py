""""Export my data" with files: the customer's support attachments and documents inside a zip beside the JSON;
never another customer's files, never another business's; a customer without files still gets the JSON."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from cabinet.modules.documents import services as documents
from cabinet.modules.documents.models import Document
from cabinet.modules.support import services as support
from cabinet.modules.support.models import Attachment

from .helpers import make_user, sign_in, user

pytestmark = pytest.mark.django_db
CUSTOMER = "customer@alpha.test"


def pdf(marker: str) -> bytes:
    return f"%PDF-1.4\n% {marker}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".encode()


def upload(name: str, marker: str):
    return SimpleUploadedFile(name, pdf(marker), content_type="application/pdf")


@pytest.fixture(autouse=True)
def _remove_stored_files(alpha, beta):
    yield
    for tenant in (alpha, beta):
        with tenant_context(tenant):
            for stored in [*Attachment.objects.all(), *Document.objects.all()]:
                stored.file.delete(save=False)


def files_of(tenant, customer, marker: str, staff):
    with tenant_context(tenant):
        request = support.create_request(
            customer=customer, topic="General question", topics=["General question"], subject=f"About {marker}",
            message="See the file.", contact_name="Ann", contact_email="ann@example.com",
            files=[upload("../../etc/scan.pdf", f"request of {marker}")])
        support.add_reply(request, author=staff, body="Here is ours.", files=[upload("answer.pdf", f"answer to {marker}")])
        documents.upload_document(customer=customer, title="Contract", category="contract", uploaded_by=staff,
                                  upload=upload("contract.pdf", f"contract of {marker}"))


def test_export_holds_my_files_and_never_anyone_elses(alpha, beta, alpha_client, beta_client):
    me = user(alpha, CUSTOMER)
    other = make_user(alpha, "other@alpha.test")
    staff = make_user(alpha, "operator@alpha.test", role="operator")
    files_of(alpha, me, "mine", staff)
    files_of(alpha, other, "the other customer", staff)
    files_of(beta, user(beta, "customer@bravo.test"), "another business", make_user(beta, "op@bravo.test", role="operator"))

    sign_in(alpha_client, alpha, CUSTOMER)
    response = alpha_client.get("/me/export/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert 'filename="my-data.zip"' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    data = json.loads(archive.read("my-data.json"))
    assert data["profile"]["email"] == CUSTOMER and data["modules"]["support"]["support_requests"]
    stored = [name for name in names if name != "my-data.json"]
    assert sorted(f["name"] for f in data["files"]) == sorted(stored) and len(stored) == 3
    assert all(name.startswith(("files/support/", "files/documents/")) and ".." not in name for name in stored)
    contents = b"".join(archive.read(name) for name in stored)
    for marker in ("request of mine", "answer to mine", "contract of mine"):
        assert marker.encode() in contents
    assert b"the other customer" not in contents and b"another business" not in contents
    assert not any(b"other customer" in archive.read(name) or b"another business" in archive.read(name)
                   for name in names)

    # The other customer gets theirs only
    sign_in(alpha_client, alpha, "other@alpha.test")
    theirs = zipfile.ZipFile(io.BytesIO(b"".join(alpha_client.get("/me/export/").streaming_content)))
    their_contents = b"".join(theirs.read(name) for name in theirs.namelist())
    assert b"contract of the other customer" in their_contents and b"mine" not in their_contents


def test_without_files_the_export_is_the_json(alpha, alpha_client):
    sign_in(alpha_client, alpha, CUSTOMER)
    response = alpha_client.get("/me/export/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert data["profile"]["email"] == CUSTOMER and "files" not in data


def test_a_file_lost_from_storage_is_listed_as_missing_not_a_500(alpha, alpha_client):
    me = user(alpha, CUSTOMER)
    files_of(alpha, me, "mine", make_user(alpha, "operator@alpha.test", role="operator"))
    with tenant_context(alpha):
        lost = Document.objects.get(customer=me)
        lost.file.delete(save=False)
    sign_in(alpha_client, alpha, CUSTOMER)
    response = alpha_client.get("/me/export/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    listed = json.loads(archive.read("my-data.json"))["files"]
    assert response.status_code == 200 and [f["missing"] for f in listed if f.get("missing")] == [True]
    assert len(archive.namelist()) == 3  # the JSON and the two attachments
