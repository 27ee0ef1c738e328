"""Writes about passwords: reset links (asked for by the customer or sent by staff), the single-use link staff
hand over, temporary passwords, the change they force, and the account's history of all of it."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .. import throttling
from ..identifiers import stored_phone_spellings
from ..models import AccountEvent, LoginToken, MailRequest, ResetCode, User
from ..tokens import password_reset_tokens
from .profile import FAILED, HELD, SENT, _send

# Letters and digits that cannot be mistaken for one another when read out or copied by hand.
TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def record_event(user: User, kind: str, *, actor: User | None = None) -> AccountEvent:
    name = ""
    if actor is not None:
        name = f"{actor.full_name} <{actor.email}>" if actor.full_name and actor.email else actor.display_name
    return AccountEvent.objects.create(user=user, kind=kind, actor=actor, actor_name=name[:260])


def password_changed(user: User, *, kind: str = AccountEvent.Kind.PASSWORD_CHANGED) -> None:
    """After the person chose a new password themselves (settings, a reset link, a forced change): the
    history records it, a pending forced change is done, the e-mail (if any) is told."""
    if user.password_change_required:
        user.password_change_required = False
        user.save(update_fields=["password_change_required"])
    record_event(user, kind)
    _send("password_changed", user, {"user": user}, secret=False)


def _reset_link(user: User, site_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = password_reset_tokens.make_token(user)
    return site_url.rstrip("/") + reverse("accounts:password-reset-confirm", kwargs={"uidb64": uid, "token": token})


def _mail_reset_link(user: User, site_url: str) -> bool:
    assert user.email
    return _send("password_reset", user, {"user": user, "link": _reset_link(user, site_url),
                                          "hours": settings.PASSWORD_RESET_TIMEOUT // 3600})


def request_password_reset(*, email: str, site_url: str, ip: str | None) -> None:
    """The portal's "Forgot your password?": mails a reset link to the active account with this e-mail, if
    there is one and the hourly limits allow. The caller learns nothing either way, so the page it shows
    cannot tell whether the address has an account or whether the limit held the mail back."""
    user = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if not throttling.reserve_mail(MailRequest.Kind.PASSWORD_RESET, user=user, ip=ip) or user is None:
        return
    _mail_reset_link(user, site_url)


# --- a reset code by SMS, for customers who registered with a phone only -----------------------------------

CODE_DIGITS = 6
WRONG_CODE = "wrong_code"


def _code_hash(user: User, code: str) -> str:
    from django.utils.crypto import salted_hmac

    return salted_hmac("cabinet.accounts.reset-code", f"{user.pk}:{code}").hexdigest()


def _user_by_phone(phone: str) -> User | None:
    spellings = stored_phone_spellings(phone or "")
    if not spellings:
        return None
    return User.objects.filter(phone__in=spellings, is_active=True).order_by("pk").first()


def request_sms_reset_code(*, phone: str, ip: str | None) -> None:
    """The portal's "Forgot your password?" for a phone: texts a one-time code to the active account with this
    number, if there is one and the hourly limits (those of reset e-mails, per account and per client address)
    allow. The caller learns nothing either way. A new code replaces the account's earlier ones."""
    user = _user_by_phone(phone)
    if not throttling.reserve_mail(MailRequest.Kind.SMS_RESET_CODE, user=user, ip=ip) or user is None:
        return
    from cabinet.notifications.services import notify

    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    now = timezone.now()
    with transaction.atomic():
        ResetCode.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
        row = ResetCode.objects.create(user=user, code_hash=_code_hash(user, code), created_at=now,
                                       expires_at=now + timedelta(minutes=settings.SMS_RESET_CODE_MINUTES))
        # A code the person just asked for: SMS only, whatever they chose, and never in the portal's list.
        notify(user, "account.security", {"user": user, "code": code, "minutes": settings.SMS_RESET_CODE_MINUTES},
               template="accounts/sms/reset_code", channels=["sms"], mandatory=True, in_portal=False,
               event_id=f"accounts.reset_code:{row.pk}")


def reset_password_with_code(*, phone: str, code: str, password: str) -> User:
    """Sets a new password for the account of `phone` when `code` is its latest unexpired code. A wrong code
    uses up one of the code's tries (the last one ends the code); a number without an account, an expired or
    used-up code all get the same ValidationError (code "wrong_code"). A weak password is refused without
    using the code up."""
    wrong = ValidationError(_("The code is wrong or has expired. Ask for a new one if you need to."),
                            code=WRONG_CODE)
    code = "".join((code or "").split())
    user = _user_by_phone(phone)
    if user is None:
        raise wrong
    with transaction.atomic():
        row = (ResetCode.objects.select_for_update().filter(user=user, used_at__isnull=True,
                                                            expires_at__gt=timezone.now())
               .order_by("-created_at").first())
        if row is None:
            raise wrong
        if not (code.isdigit() and len(code) == CODE_DIGITS
                and secrets.compare_digest(row.code_hash, _code_hash(user, code))):
            row.attempts += 1
            if row.attempts >= settings.SMS_RESET_CODE_ATTEMPTS:
                row.used_at = timezone.now()
            row.save(update_fields=["attempts", "used_at"])
            failed = True
        else:
            failed = False
            password_validation.validate_password(password, user)
            row.used_at = timezone.now()
            row.save(update_fields=["used_at"])
            user.set_password(password)
            user.save(update_fields=["password"])
            ResetCode.objects.filter(user=user, used_at__isnull=True).update(used_at=row.used_at)
    if failed:
        raise wrong
    throttling.forgive_failures(user)
    password_changed(user, kind=AccountEvent.Kind.PASSWORD_RESET_BY_CODE)
    return user


def _customer(customer_id: int) -> User:
    customer = User.objects.filter(pk=customer_id, role=User.Role.CUSTOMER, is_active=True).first()
    if customer is None:
        raise ValidationError(_("There is no such customer, or the account is closed."), code="no_customer")
    return customer


def email_reset_link(*, customer_id: int, actor: User, site_url: str) -> str:
    """Staff send the customer the same reset link the customer could ask for: SENT, HELD (the customer's
    hourly limit of reset e-mails is reached) or FAILED (the mail server refused)."""
    customer = _customer(customer_id)
    if not customer.email:
        raise ValidationError(_("This customer has no e-mail address. Make a link to hand over instead."),
                              code="no_email")
    if not throttling.reserve_mail(MailRequest.Kind.PASSWORD_RESET, user=customer, ip=None, per_ip=False):
        return HELD
    if not _mail_reset_link(customer, site_url):
        return FAILED
    record_event(customer, AccountEvent.Kind.RESET_LINK_EMAILED, actor=actor)
    return SENT


def make_password_link(*, customer_id: int, actor: User) -> tuple[User, str]:
    """A single-use link for staff to hand over (a customer without an e-mail, at the desk or on the phone):
    it opens a page where the customer chooses a new password, for STAFF_PASSWORD_LINK_MINUTES. An earlier
    such link of the customer stops working. Returns the customer and the raw token (only its hash is kept)."""
    customer = _customer(customer_id)
    raw = secrets.token_urlsafe(24)
    now = timezone.now()
    with transaction.atomic():
        LoginToken.objects.filter(user=customer, purpose=LoginToken.Purpose.PASSWORD, used_at__isnull=True
                                  ).update(used_at=now)
        LoginToken.objects.create(user=customer, purpose=LoginToken.Purpose.PASSWORD, token_hash=LoginToken.hash(raw),
                                  expires_at=now + timedelta(minutes=settings.STAFF_PASSWORD_LINK_MINUTES))
        record_event(customer, AccountEvent.Kind.RESET_LINK_HANDED_OVER, actor=actor)
    return customer, raw


def _password_token(raw: str, *, lock: bool = False) -> LoginToken | None:
    if not raw or len(raw) > 100:
        return None
    tokens = LoginToken.objects.select_related("user").filter(
        token_hash=LoginToken.hash(raw), purpose=LoginToken.Purpose.PASSWORD, used_at__isnull=True,
        expires_at__gt=timezone.now(), user__is_active=True)
    if lock:
        tokens = tokens.select_for_update(of=("self",))
    return tokens.first()


def password_link_user(raw: str) -> User | None:
    """Whom an unused, unexpired handed-over link is for (None otherwise); opening the page uses nothing up."""
    token = _password_token(raw)
    return token.user if token is not None else None


def use_password_link(raw: str, password: str) -> User:
    """Sets the password a customer chose through a handed-over link, once. ValidationError for a link
    that no longer works or a password the validators refuse."""
    with transaction.atomic():
        token = _password_token(raw, lock=True)
        if token is None:
            raise ValidationError(_("This link is invalid, expired or was already used. Ask the business for "
                                    "a new one."), code="invalid_link")
        user = token.user
        password_validation.validate_password(password, user)
        user.set_password(password)
        user.password_change_required = False
        user.save(update_fields=["password", "password_change_required"])
        token.used_at = timezone.now()
        token.save(update_fields=["used_at"])
        throttling.forgive_failures(user)
    password_changed(user, kind=AccountEvent.Kind.PASSWORD_RESET)
    return user


def _temporary_password() -> str:
    groups = ["".join(secrets.choice(TEMPORARY_ALPHABET) for _i in range(4)) for _g in range(3)]
    return "-".join(groups)


@transaction.atomic
def set_temporary_password(*, customer_id: int, actor: User) -> tuple[User, str]:
    """Gives the customer a new, generated password that staff pass on; at the next sign-in the customer must
    choose their own. Sessions signed in with the old password end (Django checks the password's hash).
    Returns the customer and the password, which is shown once and stored only as a hash."""
    customer = User.objects.select_for_update().filter(pk=_customer(customer_id).pk).get()
    password = _temporary_password()
    customer.set_password(password)
    customer.password_change_required = True
    customer.save(update_fields=["password", "password_change_required"])
    throttling.forgive_failures(customer)
    record_event(customer, AccountEvent.Kind.TEMPORARY_PASSWORD, actor=actor)
    return customer, password


def choose_new_password(user: User, password: str) -> User:
    """The forced change after a temporary password: the validators apply, and the temporary one is refused."""
    if user.check_password(password):
        raise ValidationError({"new_password1": [_("Choose a password different from the temporary one.")]})
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    password_changed(user)
    return user


def password_reset_completed(user: User) -> None:
    """A reset link reached the inbox, so the address is proven; the account's failed sign-ins are forgiven
    (not those of the addresses they came from)."""
    if user.email and user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    throttling.forgive_failures(user)
    password_changed(user, kind=AccountEvent.Kind.PASSWORD_RESET)


def delete_old_account_records() -> int:
    """Sign-in attempts past SIGN_IN_HISTORY_DAYS and e-mail requests past their counting time."""
    return throttling.delete_old_attempts() + throttling.delete_old_mail_requests()

