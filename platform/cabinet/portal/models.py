"""What a business has chosen for its portal, stored in its own schema: module switches and branding; and the
stored answers of idempotent API requests, which every module's API may use."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB, for example #1f5eff."))


class ModuleSwitch(models.Model):
    """One module of the registry switched on or off for this tenant, with the business's settings for it."""

    key = models.CharField(max_length=40, unique=True)
    enabled = models.BooleanField(default=False)
    settings = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.key}: {'on' if self.enabled else 'off'}"


class Branding(models.Model):
    """The portal's look and contact block; exactly one row per tenant schema (pk=1)."""

    portal_name = models.CharField(_("portal name"), max_length=80)
    vertical = models.CharField(_("industry template"), max_length=20)
    logo = models.ImageField(_("logo"), upload_to="branding/", blank=True)
    favicon = models.ImageField(_("favicon"), upload_to="branding/", blank=True)
    primary_color = models.CharField(_("primary colour"), max_length=7, default="#1f5eff", validators=[hex_colour])
    accent_color = models.CharField(_("accent colour"), max_length=7, default="#b34700", validators=[hex_colour])
    welcome_text = models.TextField(_("welcome text"), blank=True, max_length=2000)
    terms_text = models.TextField(_("terms of use"), blank=True, max_length=20000)
    contact_addresses = models.TextField(_("addresses"), blank=True, max_length=2000,
                                         help_text=_("One address per line."))
    contact_phones = models.TextField(_("phones"), blank=True, max_length=500, help_text=_("One phone per line."))
    working_hours = models.TextField(_("working hours"), blank=True, max_length=500)
    messenger_links = models.TextField(_("messenger links"), blank=True, max_length=1000,
                                       help_text=_("One link per line, e.g. https://t.me/yourbusiness"))
    # ISO 3166 code; empty: the platform's DEFAULT_COUNTRY. Phones of this country may be typed without the
    # country code and are shown in its national format.
    country = models.CharField(_("country"), max_length=2, blank=True)
    # IANA name; where the business is: quiet hours of notifications and the day recurring orders run.
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.portal_name


class StaffInvite(models.Model):
    """An invitation the owner sent to a future staff member. Only the hash of the secret in the link
    is stored; the link works once and for a week, and only on this tenant's host (it lives in its schema)."""

    class Role(models.TextChoices):
        MANAGER = "manager", _("Manager")
        OPERATOR = "operator", _("Operator")
        EDITOR = "editor", _("Content editor")

    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"invite of {self.email} as {self.role}"

    @staticmethod
    def hash(raw: str) -> str:
        import hashlib

        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def is_expired(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at <= timezone.now()


class LegalDetails(models.Model):
    """The business's legal details printed on its invoices (one row, pk=1), set in the manage area."""

    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    tax_number = models.CharField(_("tax number"), max_length=20, blank=True)
    address = models.TextField(_("legal address"), max_length=500, blank=True)
    bank_name = models.CharField(_("bank"), max_length=200, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=34, blank=True)
    bank_code = models.CharField(_("bank code (BIC, SWIFT, MFO)"), max_length=11, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.legal_name
