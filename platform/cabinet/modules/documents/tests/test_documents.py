from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tenants.utils import tenant_context

from cabinet.accounts.models import AccountNumber
from cabinet.modules.documents import selectors, services
from cabinet.modules.documents.cards import dashboard_card
from cabinet.modules.documents.models import Document, DocumentAccess
from cabinet.portal.services import set_module_enabled
from conftest import host_client

from .conftest import PDF, make_customer, make_document, make_staff, pdf, sign_in, user

pytestmark = pytest.mark.django_db
UPLOAD = "/manage/documents/upload/"


def upload(client, **fields):
    data = {"customer": "customer@alpha.test", "title": "Lab results", "category": "result", "file": pdf()}
    data.update(fields)
    return client.post(UPLOAD, data)


def count(tenant):
    with tenant_context(tenant):
        return Document.objects.count()


def test_staff_uploads_and_the_customer_downloads(alpha, alpha_client):
    sign_in(alpha_client, alpha, "owner@alpha.test")
    response = upload(alpha_client)
    assert response.status_code == 302 and response["Location"] == "/manage/documents/"
    with tenant_context(alpha):
        document = Document.objects.get()
        assert document.customer.email == "customer@alpha.test"
        assert document.uploaded_by.email == "owner@alpha.test"
        assert document.content_type == "application/pdf" and document.size == len(PDF)
        stored = Path(document.file.path)
        # the tenant's own media folder, an unguessable folder per file
        assert stored.parts[-4:-2] == ("t_alpha", "documents") and len(stored.parts[-2]) == 32
        assert stored.read_bytes() == PDF
    listing = alpha_client.get("/manage/documents/")
    assert "Lab results" in listing.content.decode()

    customer = host_client("alpha.localhost")
    sign_in(customer, alpha, "customer@alpha.test")
    page = customer.get("/documents/")
    assert page.status_code == 200 and "Lab results" in page.content.decode()
    download = customer.get(f"/documents/{document.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"] == 'attachment; filename="contract.pdf"'
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    with tenant_context(alpha):
        document.refresh_from_db()
        assert document.viewed_at is not None
        access = DocumentAccess.objects.get()
        assert access.user.email == "customer@alpha.test" and access.ip_address == "127.0.0.1"


def test_staff_download_is_logged_but_does_not_mark_the_document_seen(alpha, alpha_client):
    document = make_document(alpha, user(alpha, "customer@alpha.test"))
    sign_in(alpha_client, alpha, "owner@alpha.test")
    assert alpha_client.get(f"/documents/{document.pk}/download/").status_code == 200
    with tenant_context(alpha):
        document.refresh_from_db()
        assert document.viewed_at is None
        assert DocumentAccess.objects.get().user.email == "owner@alpha.test"


def test_customer_is_found_by_phone_or_contract_number(alpha, alpha_client):
    phoned = make_customer(alpha, "phone@alpha.test", phone="+380501234567")
    numbered = make_customer(alpha, "numbered@alpha.test")
    with tenant_context(alpha):
        AccountNumber.objects.create(user=numbered, number="CN-2041")
    sign_in(alpha_client, alpha, "owner@alpha.test")
    assert upload(alpha_client, customer="+38 (050) 123-45-67").status_code == 302
    assert upload(alpha_client, customer="cn-2041").status_code == 302
    with tenant_context(alpha):
        assert sorted(Document.objects.values_list("customer_id", flat=True)) == sorted([phoned.pk, numbered.pk])


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"title": ""}, "title", "This field is required."),
    ({"title": "   "}, "title", "This field is required."),
    ({"title": "x" * 201}, "title", "at most 200 characters"),
    ({"customer": "nobody@alpha.test"}, "customer", "No customer has this e-mail, phone or number."),
    ({"customer": "owner@alpha.test"}, "customer", "No customer has this e-mail, phone or number."),
    ({"customer": ""}, "customer", "This field is required."),
    ({"category": "secret"}, "category", "Select a valid choice."),
    ({"file": ""}, "file", "This field is required."),
    ({"file": SimpleUploadedFile("setup.exe", b"MZ\x90\x00")}, "file", "This file type is not accepted."),
    ({"file": SimpleUploadedFile("fake.pdf", b"<html>not a pdf</html>")}, "file", "do not match"),
    ({"file": SimpleUploadedFile("empty.pdf", b"")}, "file", "The submitted file is empty."),
    ({"file": SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))}, "file", "larger than 10 MB"),
])
def test_bad_uploads_are_refused_and_store_nothing(alpha, alpha_client, fields, field, message):
    sign_in(alpha_client, alpha, "owner@alpha.test")
    response = upload(alpha_client, **fields)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert count(alpha) == 0


def test_the_service_refuses_staff_as_the_customer(alpha):
    with tenant_context(alpha):
        owner = user(alpha, "owner@alpha.test")
        with pytest.raises(Exception) as refused:
            services.upload_document(customer=owner, title="x", category="act", upload=pdf(), uploaded_by=owner)
        assert "customer" in refused.value.message_dict
        assert Document.objects.count() == 0


def test_office_and_image_files_are_accepted(alpha):
    customer = user(alpha, "customer@alpha.test")
    for name, head in (("scan.png", b"\x89PNG\r\n\x1a\n...."), ("offer.docx", b"PK\x03\x04...."),
                       ("prices.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1...."), ("photo.JPG", b"\xff\xd8\xff\xe0..")):
        document = make_document(alpha, customer, title=name, content=head, name=name)
        assert document.original_name == name
    assert count(alpha) == 4


def test_customer_never_sees_another_customers_documents(alpha, alpha_client):
    other = make_customer(alpha, "other@alpha.test")
    theirs = make_document(alpha, other, title="Other's invoice")
    mine = make_document(alpha, user(alpha, "customer@alpha.test"), title="My act")
    sign_in(alpha_client, alpha, "customer@alpha.test")
    page = alpha_client.get("/documents/").content.decode()
    assert "My act" in page and "Other&#x27;s invoice" not in page and "Other's invoice" not in page
    assert alpha_client.get(f"/documents/{theirs.pk}/download/").status_code == 404
    api = alpha_client.get("/api/v1/documents/").json()
    assert [d["id"] for d in api["results"]] == [mine.pk]
    assert alpha_client.get(f"/api/v1/documents/{theirs.pk}/").status_code == 404
    with tenant_context(alpha):
        assert DocumentAccess.objects.count() == 0


def test_operator_and_customers_cannot_manage_or_download_others(alpha, alpha_client):
    document = make_document(alpha, user(alpha, "customer@alpha.test"))
    make_staff(alpha, "operator@alpha.test", "operator")
    sign_in(alpha_client, alpha, "operator@alpha.test")
    assert alpha_client.get("/manage/documents/").status_code == 403
    assert upload(alpha_client).status_code == 403
    assert alpha_client.get(f"/documents/{document.pk}/download/").status_code == 404
    sign_in(alpha_client, alpha, "customer@alpha.test")
    assert alpha_client.get("/manage/documents/").status_code == 403
    assert alpha_client.post(f"/manage/documents/{document.pk}/delete/").status_code == 403
    assert count(alpha) == 1


def test_anonymous_visitors_are_sent_to_sign_in(alpha, alpha_client):
    document = make_document(alpha, user(alpha, "customer@alpha.test"))
    assert alpha_client.get("/documents/")["Location"].startswith("/login/?next=/documents/")
    assert alpha_client.get(f"/documents/{document.pk}/download/")["Location"].startswith("/login/")
    assert alpha_client.get("/manage/documents/")["Location"].startswith("/manage/login/")
    assert alpha_client.get("/api/v1/documents/").status_code == 403


def test_manager_filters_and_deletes(alpha, alpha_client, django_capture_on_commit_callbacks):
    customer = user(alpha, "customer@alpha.test")
    keep = make_document(alpha, customer, title="Supply contract")
    gone = make_document(alpha, customer, title="Old act")
    make_staff(alpha, "manager@alpha.test", "manager")
    sign_in(alpha_client, alpha, "manager@alpha.test")
    page = alpha_client.get("/manage/documents/", {"q": "supply"}).content.decode()
    assert "Supply contract" in page and "Old act" not in page
    assert "Old act" in alpha_client.get("/manage/documents/", {"q": "customer@alpha"}).content.decode()
    assert "No documents match" in alpha_client.get("/manage/documents/", {"category": "invoice"}).content.decode()
    confirm = alpha_client.get(f"/manage/documents/{gone.pk}/delete/")
    assert confirm.status_code == 200 and "Old act" in confirm.content.decode()
    with tenant_context(alpha):
        stored = Path(gone.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        assert alpha_client.post(f"/manage/documents/{gone.pk}/delete/").status_code == 302
    assert not stored.exists()
    with tenant_context(alpha):
        assert list(Document.objects.values_list("pk", flat=True)) == [keep.pk]
    assert alpha_client.post("/manage/documents/999999/delete/").status_code == 404


def test_api_lists_own_documents_with_a_download_link(alpha, alpha_client):
    document = make_document(alpha, user(alpha, "customer@alpha.test"), title="Invoice 12")
    sign_in(alpha_client, alpha, "customer@alpha.test")
    body = alpha_client.get("/api/v1/documents/").json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["title"] == "Invoice 12" and item["viewed_at"] is None
    assert item["download_url"] == f"http://alpha.localhost/documents/{document.pk}/download/"
    assert alpha_client.get(f"/api/v1/documents/{document.pk}/").json()["id"] == document.pk
    assert alpha_client.post("/api/v1/documents/", {"title": "x"}).status_code == 405
    sign_in(alpha_client, alpha, "owner@alpha.test")
    assert alpha_client.get("/api/v1/documents/").status_code == 403


def test_tenant_isolation(alpha, beta, alpha_client, beta_client):
    document = make_document(alpha, user(alpha, "customer@alpha.test"), title="Alpha secret")
    make_document(beta, user(beta, "customer@bravo.test"), title="Bravo paper")
    sign_in(beta_client, beta, "owner@bravo.test")
    assert beta_client.get(f"/documents/{document.pk}/download/").status_code == 404
    assert "Alpha secret" not in beta_client.get("/manage/documents/").content.decode()
    sign_in(beta_client, beta, "customer@bravo.test")
    assert beta_client.get(f"/documents/{document.pk}/download/").status_code == 404
    assert "Alpha secret" not in beta_client.get("/documents/").content.decode()
    assert [d["title"] for d in beta_client.get("/api/v1/documents/").json()["results"]] == ["Bravo paper"]
    # alpha's session cookie means nothing on bravo's host
    sign_in(alpha_client, alpha, "customer@alpha.test")
    beta_client.cookies = alpha_client.cookies
    assert beta_client.get(f"/documents/{document.pk}/download/").status_code == 302
    assert beta_client.get("/api/v1/documents/").status_code == 403
    with tenant_context(beta):
        assert "t_bravo" in Document.objects.get().file.path


def test_switched_off_module_disappears(alpha, alpha_client):
    document = make_document(alpha, user(alpha, "customer@alpha.test"))
    sign_in(alpha_client, alpha, "customer@alpha.test")
    home = alpha_client.get("/").content.decode()
    assert 'data-module="documents"' in home and 'href="/documents/"' in home
    with tenant_context(alpha):
        set_module_enabled("documents", False)
    home = alpha_client.get("/").content.decode()
    assert 'data-module="documents"' not in home and 'href="/documents/"' not in home
    for url in ("/documents/", f"/documents/{document.pk}/download/", "/api/v1/documents/"):
        assert alpha_client.get(url).status_code == 404, url
    sign_in(alpha_client, alpha, "owner@alpha.test")
    assert 'href="/manage/documents/"' not in alpha_client.get("/manage/").content.decode()
    for url in ("/manage/documents/", UPLOAD, f"/manage/documents/{document.pk}/delete/"):
        assert alpha_client.get(url).status_code == 404, url


def test_dashboard_card_counts_in_one_query(alpha, rf, django_assert_num_queries):
    customer = user(alpha, "customer@alpha.test")
    first = make_document(alpha, customer)
    make_document(alpha, customer)
    with tenant_context(alpha):
        services.record_download(first, customer, "10.0.0.1")
        request = rf.get("/")
        request.user = customer
        with django_assert_num_queries(1):
            card = dashboard_card(request)
    assert (card.value, card.detail, card.url) == ("2", "1 new", reverse("documents:list"))


def test_personal_data_and_erase(alpha):
    customer = user(alpha, "customer@alpha.test")
    document = make_document(alpha, customer, title="Contract 7")
    with tenant_context(alpha):
        services.record_download(document, customer, "10.1.2.3")
        exported = selectors.personal_data(customer)
        assert [d["title"] for d in exported["documents"]] == ["Contract 7"]
        assert exported["documents"][0]["viewed_at"] is not None
        services.erase_personal_data(customer)
        assert DocumentAccess.objects.get().ip_address is None
        assert Document.objects.filter(customer=customer).count() == 1  # the business's record stays
