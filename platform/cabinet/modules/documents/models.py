"""Documents the business hands to its customers: contracts, invoices, acts, results."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cabinet import uploads


def document_path(instance, filename: str) -> str:
    """`documents/<random uuid>/<name>` inside the tenant's own media folder (the default storage adds
    the tenant): the path is unguessable and never linked to directly — downloads go through a view."""
    return uploads.stored_path("documents", filename, "document")


class Document(models.Model):
    class Category(models.TextChoices):
        CONTRACT = "contract", _("Contract")
        INVOICE = "invoice", _("Invoice")
        ACT = "act", _("Act")
        RESULT = "result", _("Result")
        OTHER = "other", _("Other")

    # Documents are the business's records: they stay when a customer deletes the account (the account
    # is anonymised, not removed), so a customer with documents cannot be deleted by accident.
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="documents",
                                 verbose_name=_("customer"))
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.OTHER)
    file = models.FileField(_("file"), upload_to=document_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    viewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "-created_at"], name="document_customer_recent")]

    def __str__(self):
        return self.title


class DocumentAccess(models.Model):
    """Who downloaded which document, when and from where (access to personal data is logged)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    accessed_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-accessed_at", "-id"]

    def __str__(self):
        return f"{self.user_id} → {self.document_id} at {self.accessed_at:%Y-%m-%d %H:%M}"
