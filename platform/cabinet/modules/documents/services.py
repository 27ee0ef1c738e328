"""Writes of documents: upload with checks, delete, logged downloads."""

from __future__ import annotations

from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cabinet import uploads

from .models import Document, DocumentAccess

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
TITLE_MAX_LENGTH = cast(int, Document._meta.get_field("title").max_length)



def check_upload(upload) -> str:
    """The content type of an acceptable document (cabinet.uploads: extension and first bytes, up to 10 MB)."""
    return uploads.check_upload(upload, max_bytes=MAX_UPLOAD_BYTES)


def upload_document(*, customer, title: str, category: str, upload, uploaded_by) -> Document:
    """Stores a document for a customer after checking the title, category and file."""
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Give the document a title.")]
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = [_("Keep the title under %(max)s characters.") % {"max": TITLE_MAX_LENGTH}]
    if category not in Document.Category.values:
        errors["category"] = [_("Choose one of the offered categories.")]
    if customer is None or customer.is_business_staff or not customer.is_active:
        errors["customer"] = [_("Choose a customer of this portal.")]
    try:
        content_type = check_upload(upload)
    except ValidationError as error:
        errors["file"] = error.messages
    if errors:
        raise ValidationError(errors)
    document = Document(customer=customer, title=title, category=category, uploaded_by=uploaded_by,
                        original_name=uploads.original_name(upload), content_type=content_type,
                        size=upload.size)
    document.file.save(upload.name, upload, save=False)
    try:
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    return document


def delete_document(document: Document) -> None:
    """Deletes the record and, once that is committed, the stored file."""
    file = document.file
    document.delete()
    if file:
        transaction.on_commit(lambda: file.storage.delete(str(file.name)))


@transaction.atomic
def record_download(document: Document, user, ip_address: str | None) -> None:
    """Logs who downloaded the document; the customer's own first download marks it as seen."""
    DocumentAccess.objects.create(document=document, user=user, ip_address=ip_address or None)
    if document.customer_id == user.pk and document.viewed_at is None:
        document.viewed_at = timezone.now()
        Document.objects.filter(pk=document.pk, viewed_at__isnull=True).update(viewed_at=document.viewed_at)


def erase_personal_data(user) -> None:
    """Documents are the business's records and stay attached to the anonymised account; only the
    network addresses in the customer's own download log go."""
    DocumentAccess.objects.filter(user=user).update(ip_address=None)
