import hashlib
from typing import ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
    # A new address the customer asked for; it replaces `email` only once its link is followed.
    pending_email = models.EmailField(_("new e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=16, unique=True, null=True, blank=True,
                             help_text=_("International format, e.g. +380501234567"))
    full_name = models.CharField(pgettext_lazy("person", "name"), max_length=150, blank=True)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.CUSTOMER)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    language = models.CharField(max_length=8, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    # The year whose birthday was last announced (events.BIRTHDAY), so an hourly run greets once a year.
    birthday_announced_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    date_joined = models.DateTimeField(default=timezone.now)
    terms_accepted_at = models.DateTimeField(null=True, blank=True)
    # Set when staff gave the person a temporary password: every page asks for a new one until it is chosen.
    password_change_required = models.BooleanField(default=False)

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
    """A one-time link of this tenant's host: one that signs a user in (right after signup, which happens on
    the platform host and cannot set a cookie for the tenant's host), or one that lets a customer choose a new
    password (made by staff for a customer who has no e-mail, to hand over)."""

    class Purpose(models.TextChoices):
        SIGN_IN = "sign_in", _("Sign-in link")
        PASSWORD = "password", _("Password link")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_tokens")
    purpose = models.CharField(max_length=10, choices=Purpose.choices, default=Purpose.SIGN_IN)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"sign-in link for {self.user}"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()


class ResetCode(models.Model):
    """A one-time code sent by SMS to a customer who registered with a phone only, to choose a new password.
    Only its keyed hash is kept; it works for SMS_RESET_CODE_MINUTES and SMS_RESET_CODE_ATTEMPTS tries, and
    a newer code of the account replaces it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"], name="resetcode_user_recent")]

    def __str__(self):
        return f"reset code for {self.user_id}"


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


class CustomerGroup(models.Model):
    """A named set of customers the business keeps (wholesale partners, staff of a partner, VIP guests), e.g.
    for discount rules. `key` is fixed at creation, so renaming a group never detaches what refers to it."""

    name = models.CharField(_("name"), max_length=60)
    key = models.SlugField(_("key"), max_length=70, unique=True)
    members = models.ManyToManyField(User, related_name="customer_groups", blank=True, verbose_name=_("members"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(Lower("name"), name="customer_group_name_unique_ci")]
        ordering = ["name"]
        verbose_name = _("customer group")
        verbose_name_plural = _("customer groups")

    def __str__(self):
        return self.name


class DeliveryAddress(models.Model):
    """One of a customer's delivery addresses; exactly one of them is the default (services keep it so,
    the partial unique constraint makes two defaults impossible)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(_("label"), max_length=60, blank=True, help_text=_("For example: Home, Office."))
    recipient = models.CharField(_("recipient"), max_length=150, blank=True)
    line1 = models.CharField(_("street and house"), max_length=200)
    line2 = models.CharField(_("flat, floor, entrance"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    phone = models.CharField(_("phone for the courier"), max_length=16, blank=True)
    is_default = models.BooleanField(_("default address"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_default", "created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["user"], condition=models.Q(is_default=True),
                                               name="one_default_address_per_user")]

    def __str__(self):
        return self.one_line

    @property
    def one_line(self) -> str:
        parts = [self.line1, self.line2, self.city, self.postcode, self.country]
        return ", ".join(part.strip() for part in parts if part and part.strip())


class NotificationPreference(models.Model):
    """Whether a customer wants one kind of event on one channel. A missing row means the default
    (see `selectors.CHANNEL_DEFAULTS`)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")
        PUSH = "push", _("Push")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notification_preferences")
    event = models.CharField(max_length=80)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    enabled = models.BooleanField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "event", "channel"],
                                               name="one_preference_per_event_channel")]

    def __str__(self):
        return f"{self.event}/{self.channel}: {'on' if self.enabled else 'off'}"


class SignInAttempt(models.Model):
    """One sign-in with a password through the web: what was typed, from where, and whether it worked.
    Failures are what the throttling policy counts (see `throttling.py`); successes make an address
    "familiar" for the account and form the account's sign-in history. A failure counts against the
    account the identifier belongs to (`user`), or, for an identifier of nobody, against the typed text."""

    at = models.DateTimeField(default=timezone.now)
    identifier = models.CharField(max_length=254)
    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="sign_in_attempts")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    succeeded = models.BooleanField(default=False)
    # A failure forgiven by a later success of the same account from the same address, or by a password
    # reset; it still counts toward the address's volume.
    cleared = models.BooleanField(default=False)
    # False on the extra rows of an identifier that may mean several accounts: one attempt, one count per IP.
    counts_for_ip = models.BooleanField(default=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["user", "at"], name="signin_user_at"),
            models.Index(fields=["ip_address", "at"], name="signin_ip_at"),
            models.Index(fields=["identifier", "at"], name="signin_identifier_at"),
        ]

    def __str__(self):
        return f"{'success' if self.succeeded else 'failure'} of {self.identifier} at {self.at:%Y-%m-%d %H:%M}"


class MailRequest(models.Model):
    """An e-mail of an account asked for (a password-reset link, an e-mail confirmation): counted per account
    and per address to limit how many go out; `sent` is False when the limit held it back."""

    class Kind(models.TextChoices):
        PASSWORD_RESET = "password_reset", _("Password-reset link")
        CONFIRMATION = "confirmation", _("E-mail confirmation link")
        SMS_RESET_CODE = "sms_reset_code", _("Password-reset code by SMS")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    sent = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["kind", "user", "at"], name="mailrequest_user_at"),
                   models.Index(fields=["kind", "ip_address", "at"], name="mailrequest_ip_at")]

    def __str__(self):
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"


class AccountEvent(models.Model):
    """Something that happened to an account's access, with who did it: the customer's history that staff
    see on the customer's page (and the customer in "Export my data")."""

    class Kind(models.TextChoices):
        RESET_LINK_EMAILED = "reset_link_emailed", _("Password-reset link e-mailed by staff")
        RESET_LINK_HANDED_OVER = "reset_link_handed_over", _("Single-use password link made by staff to hand over")
        TEMPORARY_PASSWORD = "temporary_password", _("Temporary password set by staff")
        PASSWORD_RESET = "password_reset", _("Password chosen through a reset link")
        PASSWORD_RESET_BY_CODE = "password_reset_by_code", _("Password chosen with a code sent by SMS")
        PASSWORD_CHANGED = "password_changed", _("Password changed")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Who it was at the time (the staff member's name and e-mail), kept even if their account changes later.
    actor_name = models.CharField(max_length=260, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "at"], name="accountevent_user_at")]

    def __str__(self):
        return f"{self.kind} of {self.user_id} at {self.at:%Y-%m-%d %H:%M}"
