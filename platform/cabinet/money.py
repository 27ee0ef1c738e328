"""Money is a Decimal with a currency. Formatting follows the active language through Babel's CLDR data:
"$1,234.50" in English, "1 234,50 ₽" in Russian, "1 234,50 ₴" in Ukrainian."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency, get_minus_sign_symbol
from django.conf import settings
from django.utils.translation import get_language, to_locale

# The currencies the platform sells in, with their usual symbols (for places that show a bare symbol).
CURRENCIES = {"RUB": "₽", "UAH": "₴", "EUR": "€", "USD": "$"}
CENT = Decimal("0.01")
# Amounts below zero (discounts) are written with the typographic minus, as the percentages beside them
# ("−10 %", "−€5.00"); CLDR's own sign for en, ru and uk is the hyphen-minus.
MINUS = "\u2212"


def to_decimal(value) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money is never a float")
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"not an amount of money: {value!r}") from exc


def babel_locale(language: str | None = None) -> Locale:
    """Babel's locale for a Django language code ("uk", "en-gb"); the platform's default when unknown."""
    for code in (language, get_language(), settings.LANGUAGE_CODE, "en"):
        if not code:
            continue
        try:
            return Locale.parse(to_locale(code))
        except (UnknownLocaleError, ValueError):
            continue
    raise LookupError("no usable locale")  # pragma: no cover - "en" always exists


def format_money(amount, currency: str, language: str | None = None) -> str:
    """`amount` (a Decimal, an int or a numeric string; never a float) in `currency`, written the way the
    language writes money (CLDR: symbol, its place, separators). Rounded half up to cents first."""
    if currency not in CURRENCIES:
        raise ValueError(f"unsupported currency: {currency!r}")
    value = to_decimal(amount)
    if not value.is_finite():
        raise ValueError(f"not an amount of money: {amount!r}")
    locale = babel_locale(language)
    value = value.quantize(CENT, rounding=ROUND_HALF_UP)
    if value == 0:
        value = abs(value)  # no "−0.00" for a sum that rounds to nothing
    text = format_currency(value, currency, locale=locale)
    if value < 0:
        text = text.replace(get_minus_sign_symbol(locale), MINUS, 1)
    return text
