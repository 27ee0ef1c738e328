"""One check for every uploaded picture (cabinet.images): bytes, format, pixels and a safe decode, used by
product photos, branding logos and favicons, and the news admin's images."""

import io
import struct
import time
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from PIL import Image

from cabinet import images


def picture(width: int, height: int, fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 200)).save(out, fmt)
    return out.getvalue()


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb(width: int = 50_000, height: int = 50_000) -> bytes:
    """A valid PNG header that claims a huge canvas, with almost no data: decoding it would take gigabytes."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 1000))
            + chunk(b"IEND", b""))


def upload(data: bytes, name: str = "p.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def refusal(data: bytes, rules: images.ImageRules, name: str = "p.png") -> str:
    with pytest.raises(ValidationError) as error:
        images.check_image(upload(data, name), rules)
    return " ".join(error.value.messages)


def test_a_phone_photo_is_a_product_photo_and_6000_square_is_not():
    images.check_image(upload(picture(4032, 3024, "JPEG"), "p.jpg"), images.PRODUCT_PHOTO)
    assert "36.0 megapixels; the limit is 16.0 megapixels" in refusal(picture(6000, 6000), images.PRODUCT_PHOTO)


@pytest.mark.parametrize("rules", [images.PRODUCT_PHOTO, images.LOGO, images.FAVICON, images.EDITORIAL_IMAGE])
def test_a_decompression_bomb_is_refused_on_its_header(rules):
    started = time.monotonic()
    assert "50000×50000" in refusal(bomb(), rules) or "not a picture" in refusal(bomb(), rules)
    assert time.monotonic() - started < 1  # nothing was decompressed


def test_a_bomb_past_pillows_own_ceiling_is_refused_too():
    assert "not a picture we can read" in refusal(bomb(300_000, 300_000), images.EDITORIAL_IMAGE)
    assert Image.MAX_IMAGE_PIXELS == images.DECODE_LIMIT


def test_a_truncated_picture_is_refused_when_decoded():
    whole = io.BytesIO()
    Image.frombytes("RGB", (400, 400), bytes(range(256)) * 1875).save(whole, "PNG")
    assert "not a picture we can read" in refusal(whole.getvalue()[:-2000], images.PRODUCT_PHOTO)


def test_format_size_and_sides_are_refused_with_what_is_allowed():
    assert "BMP files are not accepted here; use JPEG, PNG, GIF, WEBP." in refusal(
        picture(40, 40, "BMP"), images.PRODUCT_PHOTO, "p.bmp")
    assert "not a picture we can read" in refusal(b"plain text", images.LOGO)
    assert "3000×20 pixels; use between 16 and 2000" in refusal(picture(3000, 20), images.LOGO)
    assert "the limit is 256 KB" in refusal(picture(40, 40) + b"\0" * 300_000, images.FAVICON)


def test_a_stored_file_left_unchanged_passes():
    images.check_image(None, images.LOGO)
    images.check_image("branding/logo.png", images.LOGO)


def test_every_image_upload_uses_the_check(alpha):
    from django.conf import settings
    from wagtail.images import get_image_model
    from wagtail.images.forms import get_image_form

    from cabinet.modules.catalog import services as catalog

    with pytest.raises(ValidationError) as error:
        catalog.check_image(upload(picture(6000, 6000)))
    assert "megapixels" in str(error.value.message_dict["image"])
    assert settings.WAGTAILIMAGES_IMAGE_FORM_BASE == "cms.forms.EditorialImageForm"
    with tenant_context(alpha):
        form_class = get_image_form(get_image_model())
        form = form_class({"title": "Huge"}, {"file": upload(picture(6000, 6000))})
        assert not form.is_valid()
        assert "36.0 megapixels" in " ".join(form.errors["file"])
        fine = form_class({"title": "Fine"}, {"file": upload(picture(1200, 800))})
        assert fine.is_valid(), fine.errors
