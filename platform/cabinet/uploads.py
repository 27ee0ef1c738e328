"""The one check of uploaded files that are not pictures (documents, support attachments) and the one way
such a protected file is sent back. A file is accepted for its extension *and* its first bytes (content
sniffing): a program renamed to .pdf is refused. Pictures shown on pages pass cabinet.images instead.

Stored files live under the tenant's media folder (the default storage adds `tenants/<schema>/`) at an
unguessable path, and are only ever sent by a view that checked who asks (`protected_file`)."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

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
ACCEPT = ",".join(f".{extension}" for extension in ALLOWED_TYPES)  # the file input's `accept`


def check_upload(upload, *, max_bytes: int) -> str:
    """The content type of an acceptable upload; ValidationError for a wrong type, a disguised file, an empty
    one or one over `max_bytes`. The extension must be allowed and the file must really start like that type."""
    if upload is None:
        raise ValidationError(_("Choose a file."), code="required")
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if extension not in ALLOWED_TYPES:
        raise ValidationError(
            _("This file type is not accepted. Upload a PDF, an image (JPG, PNG, GIF, WebP) or an office "
              "document (Word, Excel, PowerPoint, OpenDocument, RTF)."), code="type")
    if upload.size > max_bytes:
        raise ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": round(max_bytes / (1024 * 1024), 1)
                                                                          if max_bytes % (1024 * 1024)
                                                                          else max_bytes // (1024 * 1024)},
                              code="size")
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


def stored_path(folder: str, filename: str, fallback: str = "file") -> str:
    """`<folder>/<random uuid>/<safe name>`: unguessable, never linked to directly."""
    name = get_valid_filename(PurePath(filename).name)[-100:] or fallback
    return f"{folder}/{uuid.uuid4().hex}/{name}"


def original_name(upload) -> str:
    return PurePath(upload.name or "").name[-255:]


def protected_file(field_file, *, filename: str, content_type: str) -> FileResponse:
    """Sends a stored file the caller has already allowed the person to see: as a download, never cached,
    never sniffed by the browser into something it is not. A file missing from storage is a 404."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
