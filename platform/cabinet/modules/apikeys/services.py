"""Writes of the API module: keys (create, revoke, sign-in by key)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ApiKey

KEY_PREFIX = "kab"
PREFIX_LENGTH = 8
SECRET_LENGTH = 32
NAME_MAX_LENGTH = 60
MAX_ACTIVE_KEYS = 10
TOUCH_INTERVAL = timedelta(minutes=1)
_ALPHABET = string.ascii_lowercase + string.digits


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def _random(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def create_key(customer, name: str) -> tuple[ApiKey, str]:
    """Makes a key for a customer; returns it with the full key, which is never readable again."""
    name = (name or "").strip()
    if getattr(customer, "is_business_staff", True):
        raise ValidationError(_("API keys belong to customers."))
    if not name:
        raise ValidationError({"name": [_("Give the key a name, e.g. the system that will use it.")]})
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError({"name": [_("The name is too long: at most %(limit)d characters.")
                                        % {"limit": NAME_MAX_LENGTH}]})
    with transaction.atomic():
        # Locks the customer's row so two parallel creations cannot both pass the limit.
        get_user_model().objects.select_for_update().filter(pk=customer.pk).first()
        if ApiKey.objects.filter(customer=customer, revoked_at__isnull=True).count() >= MAX_ACTIVE_KEYS:
            raise ValidationError({"name": [_("You already have %(limit)d active keys. Revoke one you no longer "
                                              "use first.") % {"limit": MAX_ACTIVE_KEYS}]})
        for _attempt in range(5):
            prefix = _random(PREFIX_LENGTH)
            raw_key = f"{KEY_PREFIX}_{prefix}_{_random(SECRET_LENGTH)}"
            try:
                with transaction.atomic():
                    api_key = ApiKey.objects.create(customer=customer, name=name, prefix=prefix,
                                                    secret_hash=hash_key(raw_key))
            except IntegrityError:  # the same random prefix twice: draw again
                continue
            return api_key, raw_key
    raise RuntimeError("could not draw a free key prefix")


def revoke_key(customer, key_id: int) -> ApiKey:
    """Revokes one of the customer's own keys; someone else's key is reported as not found."""
    api_key = ApiKey.objects.filter(customer=customer, pk=key_id).first()
    if api_key is None:
        raise ApiKey.DoesNotExist
    return revoke(api_key)


def revoke(api_key: ApiKey) -> ApiKey:
    """Revokes a key (staff may revoke any key); revoking twice keeps the first time."""
    if api_key.revoked_at is None:
        ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        api_key.refresh_from_db(fields=["revoked_at"])
    return api_key


def parse_key(raw_key: str) -> str | None:
    """The prefix of a well-formed key (`kab_<8>_<32>`), or None."""
    parts = (raw_key or "").strip().split("_")
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    prefix, secret = parts[1], parts[2]
    if len(prefix) != PREFIX_LENGTH or len(secret) != SECRET_LENGTH:
        return None
    if not set(prefix + secret) <= set(_ALPHABET):
        return None
    return prefix


def authenticate_key(raw_key: str) -> ApiKey | None:
    """The active key matching `raw_key` in the current tenant's schema, or None. Its last use is noted."""
    prefix = parse_key(raw_key)
    if prefix is None:
        return None
    api_key = ApiKey.objects.select_related("customer").filter(prefix=prefix).first()
    if api_key is None or not hmac.compare_digest(api_key.secret_hash, hash_key(raw_key.strip())):
        return None
    if api_key.revoked_at is not None or not api_key.customer.is_active:
        return None
    touch(api_key)
    return api_key


def touch(api_key: ApiKey) -> None:
    """Notes the key's use, at most once a minute (a busy integration must not write on every request)."""
    now = timezone.now()
    if api_key.last_used_at is not None and now - api_key.last_used_at < TOUCH_INTERVAL:
        return
    ApiKey.objects.filter(pk=api_key.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_INTERVAL)).update(last_used_at=now)
    api_key.last_used_at = now

