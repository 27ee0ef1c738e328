from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import LoginToken, User

LOGIN_TOKEN_LIFETIME = timedelta(minutes=10)


def issue_login_token(user: User, lifetime: timedelta = LOGIN_TOKEN_LIFETIME) -> str:
    """A single-use sign-in secret for `user` in the current schema. Only its hash is stored."""
    raw = secrets.token_urlsafe(32)
    LoginToken.objects.create(user=user, token_hash=LoginToken.hash(raw), expires_at=timezone.now() + lifetime)
    return raw


@transaction.atomic
def redeem_login_token(raw: str) -> User | None:
    """The user the token was issued to, once; None for an unknown, used or expired token."""
    token = (LoginToken.objects.select_for_update().select_related("user")
             .filter(token_hash=LoginToken.hash(raw), used_at__isnull=True, expires_at__gt=timezone.now())
             .first())
    if token is None or not token.user.is_active:
        return None
    token.used_at = timezone.now()
    token.save(update_fields=["used_at"])
    return token.user
