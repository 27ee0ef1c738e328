"""The tenant's public branding files (logo, favicon), served from its own media folder only."""

import mimetypes
import posixpath

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from cabinet.tenancy import current_schema

PUBLIC_FOLDER = "branding/"
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/x-icon", "image/vnd.microsoft.icon"}
CACHE_SECONDS = 3600


def branding_file_name(path: str) -> str | None:
    """The storage name of a branding file from a /media/ URL path, or None. The storage builds URLs as
    /media/tenants/<schema>/branding/…; only the current tenant's schema is accepted."""
    tenant_prefix = f"tenants/{current_schema()}/"
    if path.startswith("tenants/"):
        if not path.startswith(tenant_prefix):
            return None
        path = path[len(tenant_prefix):]
    name = posixpath.normpath(path)
    if name != path or not name.startswith(PUBLIC_FOLDER) or "\\" in name or "\x00" in name:
        return None
    return name


@require_GET
def branding_file(request, path):
    name = branding_file_name(path)
    if name is None:
        raise Http404
    content_type, _encoding = mimetypes.guess_type(name)
    if content_type not in IMAGE_TYPES:
        raise Http404
    try:
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, IsADirectoryError, SuspiciousFileOperation):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
