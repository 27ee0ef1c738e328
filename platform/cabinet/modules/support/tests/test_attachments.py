"""Files on requests and replies: allowed, too big, disguised, served only to the request's customer and
support staff of the same tenant."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django_tenants.utils import tenant_context

from cabinet.modules.support.models import Attachment, Request, RequestMessage

from .conftest import make_user, open_request, sign_in, user

pytestmark = pytest.mark.django_db
CUSTOMER = "customer@alpha.test"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def upload(name="scan.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _remove_stored_files(alpha, beta):
    yield
    for tenant in (alpha, beta):
        with tenant_context(tenant):
            for attachment in Attachment.objects.all():
                attachment.file.delete(save=False)


def new_request(**extra):
    data = {"topic": "Appointment", "subject": "With a scan", "message": "See the file.", "contact_name": "Ann",
            "contact_email": "ann@example.com"}
    data.update(extra)
    return data


def test_customer_and_staff_attach_files_and_only_they_download_them(alpha, beta, alpha_client, beta_client):
    sign_in(alpha_client, alpha, CUSTOMER)
    sent = alpha_client.post("/support/new/", new_request(files=[upload(), upload("photo.png", PNG)]))
    assert sent.status_code == 302
    with tenant_context(alpha):
        created = Request.objects.get()
        files = list(Attachment.objects.filter(request=created).order_by("pk"))
        assert [(f.original_name, f.content_type, f.message_id) for f in files] == [
            ("scan.pdf", "application/pdf", None), ("photo.png", "image/png", None)]
        assert files[0].file.name.startswith("support/")
        assert f"tenants/{alpha.schema_name}/" in files[0].file.path
    page = alpha_client.get(f"/support/{created.pk}/").content.decode()
    assert f"/support/files/{files[0].pk}/" in page
    download = alpha_client.get(f"/support/files/{files[0].pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["X-Content-Type-Options"] == "nosniff" and "attachment" in download["Content-Disposition"]

    make_user(alpha, "operator@alpha.test", role="operator")
    sign_in(alpha_client, alpha, "operator@alpha.test")
    assert alpha_client.get(f"/support/files/{files[0].pk}/").status_code == 200
    replied = alpha_client.post(f"/manage/support/{created.pk}/reply/",
                                {"body": "Here is the form.", "files": [upload("form.pdf")]})
    assert replied.status_code == 302
    with tenant_context(alpha):
        reply_file = Attachment.objects.get(original_name="form.pdf")
        assert reply_file.message_id == RequestMessage.objects.get(body="Here is the form.").pk

    # Another customer of the business, an editor, a visitor, another tenant: 404 (or the sign-in page)
    make_user(alpha, "other@alpha.test")
    sign_in(alpha_client, alpha, "other@alpha.test")
    assert alpha_client.get(f"/support/files/{files[0].pk}/").status_code == 404
    assert alpha_client.get(f"/support/files/{reply_file.pk}/").status_code == 404
    make_user(alpha, "editor@alpha.test", role="editor")
    sign_in(alpha_client, alpha, "editor@alpha.test")
    assert alpha_client.get(f"/support/files/{files[0].pk}/").status_code == 404
    sign_in(beta_client, beta, "customer@bravo.test")
    assert beta_client.get(f"/support/files/{files[0].pk}/").status_code == 404
    alpha_client.logout()
    assert alpha_client.get(f"/support/files/{files[0].pk}/").status_code == 302


@pytest.mark.parametrize(("files", "expected"), [
    (lambda: [upload("big.pdf", PDF + b"0" * 2048)], "larger than"),
    (lambda: [upload("invoice.pdf", b"MZ\x90\x00 a program, not a pdf")], "do not match"),
    (lambda: [upload("setup.exe", b"MZ\x90\x00")], "not accepted"),
    (lambda: [upload("fake.png", PDF)], "do not match"),
    (lambda: [upload(f"f{n}.pdf") for n in range(6)], "at most 5"),
])
@override_settings(SUPPORT_ATTACHMENT_MAX_BYTES=1024)
def test_a_refused_file_is_a_form_error_and_changes_nothing(alpha, alpha_client, files, expected):
    sign_in(alpha_client, alpha, CUSTOMER)
    answer = alpha_client.post("/support/new/", new_request(files=files()))
    assert answer.status_code == 200
    assert expected in " ".join(answer.context["form"].errors["files"])
    existing = open_request(alpha, user(alpha, CUSTOMER), topics=["Appointment", "Billing and payment"])
    reply = alpha_client.post(f"/support/{existing.pk}/", {"body": "And a file", "files": files()})
    assert expected in " ".join(reply.context["form"].errors["files"])
    with tenant_context(alpha):
        assert Request.objects.count() == 1 and not Attachment.objects.exists()
        assert not RequestMessage.objects.exists()
