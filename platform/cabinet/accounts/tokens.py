"""Signed links for e-mail confirmation and password reset. Every signature carries the tenant's schema,
so a link issued on one portal is worthless on another even where user ids coincide."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from cabinet.tenancy import current_schema as _schema


class TenantPasswordResetTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token (invalid once the password or last login changes) bound to the schema."""

    @property  # type: ignore[override]
    def key_salt(self):
        return f"cabinet.accounts.password-reset:{_schema()}"


password_reset_tokens = TenantPasswordResetTokenGenerator()


def _verification_state(user) -> str:
    """Changes as soon as a link is used (or a newer change is requested), which makes each link single-use."""
    state = f"{user.pk}|{user.email}|{user.pending_email}|{user.email_verified_at}"
    return salted_hmac(f"cabinet.accounts.verify-state:{_schema()}", state).hexdigest()[:20]


def make_email_verification_token(user, address: str) -> str:
    payload = {"u": user.pk, "e": address.lower(), "s": _verification_state(user)}
    return signing.dumps(payload, salt=f"cabinet.accounts.verify-email:{_schema()}", compress=True)


def read_email_verification_token(token: str) -> tuple[int, str, str] | None:
    """(user id, address, state) from a valid, unexpired token; None otherwise."""
    try:
        payload = signing.loads(token, salt=f"cabinet.accounts.verify-email:{_schema()}",
                                max_age=settings.EMAIL_VERIFICATION_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or not {"u", "e", "s"} <= payload.keys():
        return None
    return payload["u"], payload["e"], payload["s"]


def state_matches(user, state: str) -> bool:
    return constant_time_compare(_verification_state(user), state)
