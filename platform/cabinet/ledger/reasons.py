"""Why value moved, in the reader's language: a transaction stores a reason key and its parameters, and the
text is rendered when someone reads it ("order #1042, 5 % of 2 400 ₽"), so a customer who switches language
reads their whole history in the new one. Apps add their own reasons with `register` (in AppConfig.ready)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from cabinet.money import CURRENCIES, format_money

Text = Any  # a lazily translated string with %(name)s placeholders

_REASONS: dict[str, Text] = {
    "topup": _("top-up by card"),
    "payment": _("payment %(reference)s"),
    "invoice_payment": _("paid invoice %(number)s"),
    "order_payment": _("paid order #%(number)s"),
    "refund": _("refund %(reference)s"),
    "adjustment": _("adjustment by the business: %(note)s"),
    "credit": _("credit from the business: %(note)s"),
    "reversal": _("correction of an earlier entry"),
    "earn_order": _("order #%(number)s"),
    "spend_order": _("spent on order #%(number)s"),
    "expiry": _("points expired"),
    "commission": _("commission for a purchase of %(friend)s"),
    "bank_transfer": _("bank transfer %(reference)s"),
}
# Parameters that are amounts of money: {"amount": "2400.00", "currency": "RUB"} is written as "2 400,00 ₽".
_MONEY_PARAMS = ("amount", "total")


def register(key: str, text: Text) -> None:
    if key in _REASONS and _REASONS[key] is not text:
        raise ValueError(f"ledger reason {key!r} is registered twice")
    _REASONS[key] = text


def known(key: str) -> bool:
    return key in _REASONS


def render(key: str, params: Mapping[str, Any]) -> str:
    """The reason's text in the active language; an unknown key or a missing parameter never breaks a page."""
    template = _REASONS.get(key)
    if template is None:
        return key
    values = dict(params)
    currency = values.get("currency", "")
    for name in _MONEY_PARAMS:
        if name in values and currency in CURRENCIES:
            values[name] = format_money(values[name], currency)
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return str(template).split("%(")[0].strip(" :") or key


Renderer = Callable[[str, Mapping[str, Any]], str]
