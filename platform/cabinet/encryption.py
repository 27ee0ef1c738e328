"""Secrets a business stores with us (its SMS gateway's API key, its Stripe keys), encrypted at rest with
Fernet. The key is ENCRYPTION_KEY (formerly NOTIFICATIONS_ENCRYPTION_KEY, still read), or one derived from
SECRET_KEY when neither is set (the derivation is unchanged, so what was stored before stays readable)."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    configured = settings.ENCRYPTION_KEY
    if configured:
        return Fernet(configured.encode())
    digest = hashlib.sha256(b"kabinet-notifications:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode() if text else ""


def decrypt(token: str) -> str:
    """The plain text, or "" for nothing stored or a token of another key (the business enters it again)."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""
