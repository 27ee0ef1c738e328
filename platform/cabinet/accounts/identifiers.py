"""How people identify themselves: e-mail, phone (E.164) or a contract/personal-account number."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_PHONE_DECORATION = re.compile(r"[\s\-().]")
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")


def normalise_phone(raw: str) -> str:
    """`raw` in E.164 (+ and 8–15 digits). Spaces, dashes, dots and parentheses are dropped and a leading
    00 is read as +. Raises ValidationError for anything else (letters, no country code, wrong length)."""
    compact = _PHONE_DECORATION.sub("", (raw or "").strip())
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if not compact.startswith("+") and compact.isdigit():
        raise ValidationError(_("Start the number with + and the country code, e.g. +380 50 123 4567."),
                              code="no_country_code")
    if not _E164.match(compact):
        raise ValidationError(
            _("Enter a phone number in international format: + and 8 to 15 digits, e.g. +380 50 123 4567."),
            code="invalid_phone")
    return compact


def phone_or_none(raw: str) -> str | None:
    try:
        return normalise_phone(raw)
    except ValidationError:
        return None


def canonical_identifier(raw: str | None) -> str:
    """One spelling per identifier, so throttling counts "A@x.test" and "a@x.test", or "+38 050…" and
    "+38050…", as the same account."""
    text = (raw or "").strip()
    if "@" in text:
        return text.lower()
    return phone_or_none(text) or text.lower()
