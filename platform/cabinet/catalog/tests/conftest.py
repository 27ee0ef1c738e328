import io

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context


def user(tenant, email):
    with tenant_context(tenant):
        return get_user_model().objects.get(email=email)


def sign_in(client, tenant, email):
    with tenant_context(tenant):
        account = get_user_model().objects.get(email=email)
        client.force_login(account)
    return account


def make_user(tenant, email, role="customer"):
    with tenant_context(tenant):
        return get_user_model().objects.create_user(email, "Some-Pass-4242", role=role, is_staff=role != "customer")


def make_warehouse(name="Central warehouse", **extra):
    from cabinet.catalog import services

    return services.save_warehouse(name=name, **extra)


def make_product(name="Green tea", price="4.50", currency="EUR", stock=None, **extra):
    """A product; `stock` is {warehouse: quantity}. Call inside tenant_context."""
    from cabinet.catalog import services

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
