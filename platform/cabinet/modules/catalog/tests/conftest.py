import io

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.helpers import make_user, sign_in, user  # noqa: F401  (used by the tests here)


def make_warehouse(name="Central warehouse", **extra):
    from cabinet.modules.catalog import services

    return services.save_warehouse(name=name, **extra)


def make_product(name="Green tea", price="4.50", currency="EUR", stock=None, **extra):
    """A product; `stock` is {warehouse: quantity}. Call inside tenant_context."""
    from cabinet.modules.catalog import services

    product = services.save_product(None, services.ProductData(name=name, price=price, currency=currency,
                                                               **extra))
    for warehouse, quantity in (stock or {}).items():
        services.set_stock(product, warehouse, quantity)
    return product


def png_bytes(size=(4, 3), colour=(200, 30, 30)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name="photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")
