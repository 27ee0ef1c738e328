import hashlib
from typing import ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", User.Role.OWNER)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person of one schema: platform staff in the public schema, a business's staff and customers
    in the tenant's schema. The same e-mail on two tenants is two unrelated accounts."""

    class Role(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        OWNER = "owner", _("Owner")
        MANAGER = "manager", _("Manager")
        OPERATOR = "operator", _("Operator")
        EDITOR = "editor", _("Content editor")

    # A customer may register with a phone only; staff always have an e-mail.
    email = models.EmailField(_("e-mail"), unique=True, null=True, blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=16, unique=True, null=True, blank=True,
                             help_text=_("International format, e.g. +380501234567"))
    full_name = models.CharField(_("name"), max_length=150, blank=True)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.CUSTOMER)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    language = models.CharField(max_length=8, blank=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ci")]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.email or self.phone or str(_("customer"))

    @property
    def is_business_staff(self) -> bool:
        return self.role != self.Role.CUSTOMER


class LoginToken(models.Model):
    """A one-time link that signs a user in on this tenant's host (used right after signup,
    which happens on the platform host and cannot set a cookie for the tenant's host)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"sign-in link for {self.user}"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()


class AccountNumber(models.Model):
    """A contract or personal-account number the business attached to a customer; the customer can
    log in with it. Unique within the tenant, compared without case and surrounding spaces."""

    class Kind(models.TextChoices):
        CONTRACT = "contract", _("Contract")
        ACCOUNT = "account", _("Personal account")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_numbers")
    number = models.CharField(_("number"), max_length=40)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CONTRACT)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(Lower("number"), name="account_number_unique_ci")]
        ordering = ["number"]

    def __str__(self):
        return self.number
