"""How people identify themselves: e-mail, phone or a contract/personal-account number.

Phones are read and checked by libphonenumber (`phonenumbers`) for the business's country: a number may be
typed in its national form there ("8 912 345-67-89" in Russia), any other with + and the country code.
They are stored in E.164 (+79123456789) and shown in the national format for the business's own country and
the international format for every other."""

from __future__ import annotations

import re

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_PHONE_DECORATION = re.compile(r"[\s\-().\u00a0/]")
# What the portal accepted before numbers were checked per country; such a stored number still signs in.
_LEGACY_E164 = re.compile(r"^\+[1-9]\d{7,14}$")
_MAX_PHONE_INPUT = 40


def business_country() -> str:
    """The two-letter country of the current business (branding), else DEFAULT_COUNTRY; the console and
    other public pages use DEFAULT_COUNTRY."""
    from cabinet.tenancy import current_schema

    if current_schema() != settings.PUBLIC_SCHEMA_NAME:
        from cabinet.portal.selectors import portal_state

        country = portal_state().branding.get("country") or ""
        if country:
            return country
    return settings.DEFAULT_COUNTRY


def _compact(raw: str) -> str:
    compact = _PHONE_DECORATION.sub("", (raw or "").strip())
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    return compact


def phone_example(country: str | None = None) -> str:
    """A mobile number of the country in the form people write it there, for hints and error messages."""
    country = country or business_country()
    example = phonenumbers.example_number_for_type(country, phonenumbers.PhoneNumberType.MOBILE)
    if example is None:
        return "+380 50 123 4567"
    return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)


def normalise_phone(raw: str, country: str | None = None) -> str:
    """`raw` in E.164, if it is a valid number: with + (or 00) and the country code, or in the national form
    of `country` (default: the business's). Raises ValidationError otherwise."""
    country = country or business_country()
    compact = _compact(raw)
    error = ValidationError(
        _("Enter a valid phone number, like %(example)s, or a number of another country with + and its "
          "code.") % {"example": phone_example(country)}, code="invalid_phone")
    if not compact or len(compact) > _MAX_PHONE_INPUT or not compact.lstrip("+").isdigit():
        raise error
    try:
        number = phonenumbers.parse(compact, country)
    except phonenumbers.NumberParseException:
        raise error from None
    if not phonenumbers.is_valid_number(number):
        raise error
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_or_none(raw: str, country: str | None = None) -> str | None:
    try:
        return normalise_phone(raw, country)
    except ValidationError:
        return None


def stored_phone_spellings(raw: str, country: str | None = None) -> list[str]:
    """The stored values a typed phone may match: its E.164 form, and for a number libphonenumber does not
    know as valid, the plain "+digits" form earlier versions stored."""
    phone = phone_or_none(raw, country)
    if phone:
        return [phone]
    compact = _compact(raw)
    return [compact] if _LEGACY_E164.match(compact) else []


def format_phone(value: str | None, country: str | None = None) -> str:
    """A stored number for people to read: national format for the business's country, international for
    others; anything that does not parse is shown as stored."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_valid_number(number):
        return value
    own = phonenumbers.region_code_for_number(number) == (country or business_country())
    style = phonenumbers.PhoneNumberFormat.NATIONAL if own else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


def canonical_identifier(raw: str | None) -> str:
    """One spelling per typed identifier (e-mail lower-cased, a phone in E.164, anything else lower-cased),
    so the failures of an identifier that belongs to nobody count together however it is typed."""
    text = (raw or "").strip()
    if "@" in text:
        return text.lower()
    return phone_or_none(text) or text.lower()


def country_choices() -> list[tuple[str, str]]:
    """(ISO code, name in the active language) of every country libphonenumber knows, by name."""
    from babel import Locale, UnknownLocaleError
    from django.utils import translation

    try:
        names = Locale.parse(translation.get_language() or "en", sep="-").territories
    except (UnknownLocaleError, ValueError):
        names = Locale("en").territories
    return sorted(((code, names.get(code, code)) for code in phonenumbers.SUPPORTED_REGIONS),
                  key=lambda pair: pair[1].casefold())
