from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin


class Tenant(TenantMixin):
    """A business on the platform; its data lives in the PostgreSQL schema `schema_name`."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    class Kind(models.TextChoices):
        PLATFORM = "platform", _("Platform (public schema)")
        TEMPLATE = "template", _("Template schema")
        BUSINESS = "business", _("Business")

    slug = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.BUSINESS)
    vertical = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    owner_email = models.EmailField(blank=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    # Schemas are made by tenants.services (clone or spare schema), never implicitly on save.
    auto_create_schema = False
    auto_drop_schema = True

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("owner_email"),
                condition=models.Q(kind="business") & ~models.Q(owner_email=""),
                name="tenant_owner_email_unique_ci",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_suspended(self) -> bool:
        return self.status == self.Status.SUSPENDED


class Domain(DomainMixin):
    """A host name routed to a tenant: `<slug>.<platform domain>` or a business's own domain."""

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower()  # host names are case-insensitive; routing looks up lower case
        super().save(*args, **kwargs)

    def __str__(self):
        return self.domain


class SpareSchema(models.Model):
    """A schema cloned ahead from the template, waiting to be renamed into a new tenant's schema."""

    schema_name = models.CharField(max_length=63, unique=True)
    # Migrations applied in the template when this copy was made; a stale copy is never handed out.
    migration_fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return self.schema_name


class TenantStatusChange(models.Model):
    """Who suspended or resumed a tenant, and when."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(max_length=10, choices=Tenant.Status.choices)
    reason = models.CharField(max_length=300, blank=True)
    changed_by = models.EmailField(blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at"]

    def __str__(self):
        return f"{self.tenant} → {self.status}"
