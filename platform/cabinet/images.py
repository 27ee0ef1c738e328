"""The one check every uploaded picture passes: product photos, branding logos and favicons, the editors'
images in the news admin. A picture is refused for its bytes, its format or its pixels before anything
decodes it, then decoded once (its first frame) to prove it is whole.

Pillow reads only the header on open, so the pixel count is known before any pixel is decompressed: a
small file that claims a huge canvas (a decompression bomb) is refused on its header. Pillow's own global
ceiling is lowered as well (and its warning made an error), so no other code path (Wagtail's renditions, its
avatar upload) decodes more than DECODE_LIMIT.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

# No picture anywhere is decoded past this many pixels (Pillow warns above it and refuses twice as many; the
# check below turns the warning into a refusal too). 40 MP is a 48 MP phone photo's binned 12 MP times three.
DECODE_LIMIT = 40_000_000
Image.MAX_IMAGE_PIXELS = DECODE_LIMIT
# Past the limit Pillow only warns (it refuses at twice as much): anywhere in the process, a refusal.
warnings.simplefilter("error", Image.DecompressionBombWarning)


@dataclass(frozen=True, kw_only=True)
class ImageRules:
    """What an uploaded picture may be at one place."""

    max_bytes: int
    formats: tuple[str, ...]
    max_side: int
    min_side: int = 1
    max_pixels: int = DECODE_LIMIT


# A phone's 4032×3024 (12.2 MP) photo fits; 6000×6000 (36 MP) does not.
PRODUCT_PHOTO = ImageRules(max_bytes=5 * 1024 * 1024, formats=("JPEG", "PNG", "GIF", "WEBP"), max_side=8000,
                           max_pixels=16_000_000)
LOGO = ImageRules(max_bytes=1024 * 1024, formats=("PNG", "JPEG", "GIF", "WEBP"), max_side=2000, min_side=16)
FAVICON = ImageRules(max_bytes=256 * 1024, formats=("PNG", "ICO", "GIF", "JPEG", "WEBP"), max_side=512,
                     min_side=16)
# The news admin's images (Wagtail makes the smaller renditions itself).
EDITORIAL_IMAGE = ImageRules(max_bytes=10 * 1024 * 1024, formats=("JPEG", "PNG", "GIF", "WEBP"), max_side=8000,
                             max_pixels=24_000_000)


def _not_a_picture(rules: ImageRules) -> ValidationError:
    return ValidationError(_("This file is not a picture we can read; use %(formats)s.") % {
        "formats": ", ".join(rules.formats)}, code="invalid_image")


def check_image(upload, rules: ImageRules) -> None:
    """Raises ValidationError (a message for the person uploading) unless `upload` is a picture within `rules`.
    A file that is not a new upload (the stored one, left unchanged by a form) passes."""
    if not isinstance(upload, UploadedFile):
        return
    if upload.size is not None and upload.size > rules.max_bytes:
        raise ValidationError(_("The file is %(size)s KB; the limit is %(limit)s KB.") % {
            "size": (upload.size + 1023) // 1024, "limit": rules.max_bytes // 1024}, code="file_size")
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as picture:
                kind, (width, height) = picture.format, picture.size
                if kind not in rules.formats:
                    raise ValidationError(_("%(format)s files are not accepted here; use %(formats)s.") % {
                        "format": kind or "?", "formats": ", ".join(rules.formats)}, code="invalid_image")
                if width * height > rules.max_pixels:
                    raise ValidationError(
                        _("The picture is %(w)s×%(h)s pixels, %(mp)s megapixels; the limit is %(limit)s megapixels.")
                        % {"w": width, "h": height, "mp": round(width * height / 1_000_000, 1),
                           "limit": round(rules.max_pixels / 1_000_000, 1)}, code="too_many_pixels")
                if max(width, height) > rules.max_side or min(width, height) < rules.min_side:
                    raise ValidationError(
                        _("The picture is %(w)s×%(h)s pixels; use between %(min)s and %(max)s pixels a side.")
                        % {"w": width, "h": height, "min": rules.min_side, "max": rules.max_side}, code="image_size")
                picture.load()  # the first frame decoded: a truncated or corrupt file is refused here
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError,
            SyntaxError, ValueError, EOFError):
        raise _not_a_picture(rules) from None
    finally:
        upload.seek(0)
