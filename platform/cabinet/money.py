"""Money is a Decimal with a currency. Formatting follows the active language: "$1,234.50" in English,
"1 234,50 ₽" in Russian and Ukrainian."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import formats, numberformat
from django.utils.translation import get_language

CURRENCIES = {"RUB": "₽", "UAH": "₴", "EUR": "€", "USD": "$"}
SYMBOL_FIRST_LANGUAGES = {"en"}


def to_decimal(value) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money is never a float")
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"not an amount of money: {value!r}") from exc


def format_money(amount, currency: str, language: str | None = None) -> str:
    if currency not in CURRENCIES:
        raise ValueError(f"unsupported currency: {currency!r}")
    language = (language or get_language() or "en").split("-")[0]
    value = to_decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    number = numberformat.format(
        abs(value), formats.get_format("DECIMAL_SEPARATOR", language), decimal_pos=2, grouping=3,
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR", language), force_grouping=True)
    sign = "−" if value < 0 else ""
    symbol = CURRENCIES[currency]
    if language in SYMBOL_FIRST_LANGUAGES:
        return f"{sign}{symbol}{number}"
    return f"{sign}{number}\u00a0{symbol}"
