"""The catalog: categories, products with images and attributes, warehouses, stock and reservations.

What a customer can buy right now is stock minus active reservations (see selectors); stock is only
changed through services, under row locks."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from cabinet.money import CURRENCIES

CURRENCY_CHOICES = [(code, code) for code in CURRENCIES]


def product_image_path(instance, filename: str) -> str:
    """`catalog/<random uuid>/<name>` inside the tenant's own media folder (the default storage adds the
    tenant); images are served through the module's view, which reads the current tenant's storage only."""
    name = get_valid_filename(PurePath(filename).name)[-100:] or "image"
    return f"catalog/{uuid.uuid4().hex}/{name}"


class Category(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("address name"), max_length=140, unique=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("parent category"))
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name", "id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    class Kind(models.TextChoices):
        """Goods have stock and are delivered or picked up; a service (a massage, a consultation) and a digital
        item (a licence, an e-book) have neither stock nor delivery."""

        GOODS = "goods", _("Goods")
        SERVICE = "service", _("Service")
        DIGITAL = "digital", _("Digital item")

    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True, related_name="products",
                                 verbose_name=_("category"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.GOODS)
    slug = models.SlugField(_("address name"), max_length=220, unique=True)
    # Optional, but unique when given (NULL never collides).
    sku = models.CharField(_("SKU"), max_length=64, null=True, blank=True, unique=True)
    description = models.TextField(_("description"), blank=True)
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    is_active = models.BooleanField(_("on sale"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [models.CheckConstraint(condition=Q(price__gte=0), name="catalog_price_not_negative")]

    def __str__(self) -> str:
        return self.name

    @property
    def has_stock(self) -> bool:
        """Only goods are counted in warehouses and reserved; services and digital items are not."""
        return self.kind == self.Kind.GOODS


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("image"), upload_to=product_image_path, max_length=255)
    position = models.PositiveIntegerField(_("position"), default=0)
    alt_text = models.CharField(_("description for screen readers"), max_length=200, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.alt_text or str(self.image.name)


class Warehouse(models.Model):
    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_pickup_point = models.BooleanField(_("customers can pick up here"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")

    def __str__(self) -> str:
        return self.name


class StockLevel(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="stock_levels")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="stock_levels")
    quantity = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "warehouse"], name="catalog_one_stock_level_per_place"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="catalog_stock_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.warehouse_id}: {self.quantity}"


class Reservation(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        RELEASED = "released", _("Released")
        CONSUMED = "consumed", _("Consumed")

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="reservations")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="reservations")
    quantity = models.PositiveIntegerField()
    reference = models.CharField(max_length=100, db_index=True)  # who holds it, e.g. "order:123"
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="catalog_reservation_positive")]
        indexes = [models.Index(fields=["product", "warehouse", "status"], name="catalog_res_place_status")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.quantity} × {self.product_id}"


class Favourite(models.Model):
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourites")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="favourites")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["customer", "product"], name="catalog_favourite_once")]

    def __str__(self) -> str:
        return f"{self.customer_id} ♥ {self.product_id}"
