"""Writes about accounts: sign-in links, e-mail confirmation, registration, profile, addresses, notification
choices, deletion."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from cabinet import registry

from .. import selectors, throttling, tokens
from ..models import (
    AccountNumber,
    DeliveryAddress,
    LoginToken,
    MailRequest,
    NotificationPreference,
    SignInAttempt,
    User,
)
from .birthdays import check_birth_date

log = logging.getLogger(__name__)

LOGIN_TOKEN_LIFETIME = timedelta(minutes=10)
DELETED_NAME = "Deleted customer"


def issue_login_token(user: User, lifetime: timedelta = LOGIN_TOKEN_LIFETIME) -> str:
    """A single-use sign-in secret for `user` in the current schema. Only its hash is stored."""
    raw = secrets.token_urlsafe(32)
    LoginToken.objects.create(user=user, token_hash=LoginToken.hash(raw), expires_at=timezone.now() + lifetime)
    return raw


@transaction.atomic
def redeem_login_token(raw: str) -> User | None:
    """The user the token was issued to, once; None for an unknown, used or expired token."""
    token = (LoginToken.objects.select_for_update().select_related("user")
             .filter(token_hash=LoginToken.hash(raw), purpose=LoginToken.Purpose.SIGN_IN, used_at__isnull=True,
                     expires_at__gt=timezone.now())
             .first())
    if token is None or not token.user.is_active:
        return None
    token.used_at = timezone.now()
    token.save(update_fields=["used_at"])
    return token.user


# --- e-mail -----------------------------------------------------------------------------------------------

def _send(template: str, user: User, context: dict[str, Any], *, address: str = "", secret: bool = True) -> bool:
    """Tells the person by e-mail through notifications (`accounts/email/<template>_subject.txt` / `.txt`, in
    their language). A message with a link they just asked for (`secret`) goes to e-mail only, whatever they
    chose, and stays out of the portal's bell; the others are security notices on the channels they chose
    for "account.security". Delivery happens after commit, with retries: a failing mail server does not undo
    what the person just did."""
    from cabinet.notifications.services import notify

    if secret:
        notify(user, "account.security", context, template=f"accounts/email/{template}", channels=["email"],
               address=address, mandatory=True, in_portal=False)
    else:
        notify(user, "account.security", context, template=f"accounts/email/{template}",
               channels=None if not address else ["email"], address=address, mandatory=bool(address))
    return True


SENT, HELD, FAILED = "sent", "held", "failed"


def send_email_verification(user: User, site_url: str, address: str | None = None, *, ip: str | None = None) -> str:
    """Mails a single-use confirmation link for `address` (the pending new e-mail, else the current one):
    SENT, HELD (the hourly limit per account or per client address `ip` is reached; nothing was sent) or
    FAILED (no address, or the mail server refused)."""
    address = address or user.pending_email or user.email
    if not address:
        return FAILED
    if not throttling.reserve_mail(MailRequest.Kind.CONFIRMATION, user=user, ip=ip):
        return HELD
    token = tokens.make_email_verification_token(user, address)
    link = site_url.rstrip("/") + reverse("accounts:verify-email", args=[token])
    sent = _send("verify_email", user, {"user": user, "link": link, "address": address,
                                        "days": settings.EMAIL_VERIFICATION_MAX_AGE // 86400}, address=address)
    return SENT if sent else FAILED


@transaction.atomic
def confirm_email(token: str) -> User:
    """Marks the address in a confirmation link as verified (a pending new address becomes the account's
    e-mail). Raises ValidationError for a forged, expired, used or overtaken link."""
    parsed = tokens.read_email_verification_token(token)
    invalid = ValidationError(_("This confirmation link is invalid, expired or was already used."), code="invalid")
    if parsed is None:
        raise invalid
    user_id, address, state = parsed
    user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
    if user is None or not tokens.state_matches(user, state):
        raise invalid
    now = timezone.now()
    if user.pending_email and user.pending_email.lower() == address:
        if selectors.email_taken(address, exclude_user=user):
            raise ValidationError(_("Another account uses this e-mail address now."), code="taken")
        old = user.email
        user.email, user.pending_email, user.email_verified_at = user.pending_email, "", now
        user.save(update_fields=["email", "pending_email", "email_verified_at"])
        if old:
            # To the old address, whatever the person chose: if it was not them, its owner must learn of it.
            _send("email_changed", user, {"user": user, "new_address": user.email}, address=old, secret=False)
    elif user.email and user.email.lower() == address and user.email_verified_at is None:
        user.email_verified_at = now
        user.save(update_fields=["email_verified_at"])
    else:
        raise invalid
    return user


# --- registration and profile -----------------------------------------------------------------------------

def _check_contacts_free(email: str | None, phone: str | None, user: User | None = None) -> None:
    errors: dict[str, str] = {}
    if email and selectors.email_taken(email, exclude_user=user):
        errors["email"] = _("An account with this e-mail already exists. Log in or reset the password.")
    if phone and selectors.phone_taken(phone, exclude_user=user):
        errors["phone"] = _("An account with this phone number already exists.")
    if errors:
        raise ValidationError(errors)


def register_customer(*, full_name: str, password: str, email: str | None = None, phone: str | None = None,
                      accepted_terms: bool = False, language: str = "") -> User:
    """A new customer of this portal. `email` / `phone` must already be normalised (forms do it); at least
    one is required and neither may belong to someone else."""
    email = email.strip().lower() if email else None
    if not email and not phone:
        raise ValidationError(_("Enter an e-mail address or a phone number."), code="no_contact")
    _check_contacts_free(email, phone)
    user = User(email=email, phone=phone or None, full_name=full_name.strip(), role=User.Role.CUSTOMER,
                language=language, terms_accepted_at=timezone.now() if accepted_terms else None)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:  # someone registered the same contact a moment ago
        _check_contacts_free(email, phone)
        raise ValidationError(_("This e-mail or phone is already registered.")) from error
    return user


def update_profile(user: User, *, full_name: str, phone: str | None, language: str,
                   birth_date: date | None = None) -> User:
    _check_contacts_free(None, phone, user=user)
    if not phone and not user.email:
        raise ValidationError({"phone": _("Keep a phone number or add an e-mail: we need one way to reach you.")})
    check_birth_date(birth_date)
    user.full_name, user.phone, user.birth_date = full_name.strip(), phone or None, birth_date
    user.language = language if language in dict(settings.LANGUAGES) else ""
    try:
        with transaction.atomic():
            user.save(update_fields=["full_name", "phone", "language", "birth_date"])
    except IntegrityError as error:
        raise ValidationError({"phone": _("An account with this phone number already exists.")}) from error
    return user


def set_language(user: User, language: str) -> None:
    if language in dict(settings.LANGUAGES) and user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def request_email_change(user: User, new_email: str, site_url: str, *, ip: str | None = None) -> str:
    """Keeps `new_email` as pending and mails it a confirmation link; the current address stays in use
    until the link is followed. Returns what became of the mail (see `send_email_verification`)."""
    new_email = new_email.strip().lower()
    if user.email and user.email.lower() == new_email:
        raise ValidationError({"email": _("This is already your e-mail address.")})
    _check_contacts_free(new_email, None, user=user)
    user.pending_email = new_email
    user.save(update_fields=["pending_email"])
    return send_email_verification(user, site_url, new_email, ip=ip)


def cancel_email_change(user: User) -> None:
    user.pending_email = ""
    user.save(update_fields=["pending_email"])


# --- delivery addresses -----------------------------------------------------------------------------------

ADDRESS_FIELDS = ("label", "recipient", "line1", "line2", "city", "postcode", "country", "phone")


@transaction.atomic
def save_address(user: User, data: dict[str, Any], address: DeliveryAddress | None = None,
                 make_default: bool = False) -> DeliveryAddress:
    """Adds or edits an address. The first address, and one asked to be, becomes the default."""
    User.objects.select_for_update().filter(pk=user.pk).first()  # one address change per customer at a time
    if address is None:
        address = DeliveryAddress(user=user)
    elif address.user_id != user.pk:
        raise DeliveryAddress.DoesNotExist
    for name in ADDRESS_FIELDS:
        if name in data:
            setattr(address, name, (data[name] or "").strip())
    has_default = DeliveryAddress.objects.filter(user=user, is_default=True).exclude(pk=address.pk).exists()
    if make_default or not has_default:
        DeliveryAddress.objects.filter(user=user, is_default=True).exclude(pk=address.pk).update(is_default=False)
        address.is_default = True
    address.full_clean(exclude=["user"])
    address.save()
    return address


@transaction.atomic
def set_default_address(user: User, address_id: int) -> DeliveryAddress:
    address = DeliveryAddress.objects.select_for_update().get(pk=address_id, user=user)
    DeliveryAddress.objects.filter(user=user, is_default=True).exclude(pk=address.pk).update(is_default=False)
    if not address.is_default:
        address.is_default = True
        address.save(update_fields=["is_default"])
    return address


@transaction.atomic
def delete_address(user: User, address_id: int) -> None:
    """Deletes one address; if it was the default, the oldest remaining one takes over."""
    address = DeliveryAddress.objects.select_for_update().get(pk=address_id, user=user)
    was_default = address.is_default
    address.delete()
    if was_default:
        successor = DeliveryAddress.objects.filter(user=user).order_by("created_at", "id").first()
        if successor is not None:
            successor.is_default = True
            successor.save(update_fields=["is_default"])


# --- notification preferences -----------------------------------------------------------------------------

@transaction.atomic
def save_notification_preferences(user: User, chosen: Iterable[tuple[str, str]],
                                  events: Iterable[str] | None = None) -> None:
    """Stores on/off for every (event, channel) of `events` (default: all known events): the pairs in
    `chosen` are on, the rest off. Unknown events or channels are refused; events the business locked are
    left as they are."""
    known_events = [key for key, _label in selectors.notification_events()]
    events = list(known_events if events is None else events)
    channels = [ch for ch, _label in selectors.CHANNELS]
    chosen = set(chosen)
    unknown = {e for e in events if e not in known_events} | {e for e, c in chosen if e not in known_events
                                                              or c not in channels}
    if unknown:
        raise ValidationError(_("Unknown notification choice."), code="unknown")
    locked = selectors.locked_notification_events()
    for event in events:
        if event in locked:  # the business's choice, not the customer's: a forged "off" changes nothing
            continue
        for channel in channels:
            NotificationPreference.objects.update_or_create(
                user=user, event=event, channel=channel, defaults={"enabled": (event, channel) in chosen})


# --- deletion ---------------------------------------------------------------------------------------------

def delete_account(user: User) -> None:
    """Anonymises the customer's account: the name becomes "Deleted customer", e-mail and phone are
    cleared, addresses, preferences, account numbers and sign-in records go, the password stops working.
    The row stays, so orders and requests of the business keep pointing at it. Each module anonymises
    its own data through its `erase_personal_data` hook. Staff accounts cannot be deleted this way."""
    if user.is_business_staff or user.is_staff or user.is_superuser:
        raise ValidationError(_("Staff accounts cannot be deleted here. The owner manages staff in the manage "
                                "area; the owner's account is deleted with the business."), code="staff")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        for module in registry.modules().values():
            if module.erase_personal_data:
                import_string(module.erase_personal_data)(user)
        DeliveryAddress.objects.filter(user=user).delete()
        NotificationPreference.objects.filter(user=user).delete()
        AccountNumber.objects.filter(user=user).delete()
        LoginToken.objects.filter(user=user).delete()
        # addresses and devices it signed in from; the history of staff actions stays, without personal data
        SignInAttempt.objects.filter(user=user).delete()
        user.password_change_required = False
        user.full_name = DELETED_NAME
        user.email = user.phone = None
        user.pending_email = ""
        user.email_verified_at = None
        user.language = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
