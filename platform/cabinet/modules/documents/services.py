"""Writes of documents: upload with checks, delete, logged downloads."""

from __future__ import annotations

from pathlib import PurePath
from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Document, DocumentAccess

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
TITLE_MAX_LENGTH = cast(int, Document._meta.get_field("title").max_length)

_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # .doc .xls .ppt
# Allowed extension → (content type, the first bytes such a file starts with).
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", (b"RIFF",)),
    "doc": ("application/msword", _OLE),
    "xls": ("application/vnd.ms-excel", _OLE),
    "ppt": ("application/vnd.ms-powerpoint", _OLE),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP),
    "odt": ("application/vnd.oasis.opendocument.text", _ZIP),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
    "rtf": ("application/rtf", (b"{\\rtf",)),
}


def check_upload(upload) -> str:
    """The content type of an acceptable upload; ValidationError for a wrong type, a disguised file or
    one over 10 MB. The extension must be allowed and the file must really start like that type."""
    if upload is None:
        raise ValidationError(_("Choose a file."), code="required")
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if extension not in ALLOWED_TYPES:
        raise ValidationError(
            _("This file type is not accepted. Upload a PDF, an image (JPG, PNG, GIF, WebP) or an office "
              "document (Word, Excel, PowerPoint, OpenDocument, RTF)."), code="type")
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."), code="size")
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    content_type, signatures = ALLOWED_TYPES[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in signatures):
        raise ValidationError(_("The file's contents do not match its “.%(ext)s” extension.") % {"ext": extension},
                              code="content")
    return content_type


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
                        original_name=PurePath(upload.name).name[-255:], content_type=content_type,
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
