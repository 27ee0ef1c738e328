"""The business's legal details (portal core): checks that are lenient across countries but refuse garbage,
the write, and the read invoices use (`selectors.legal_details`).

- Tax number: 5–20 characters, digits with optional letters (a country prefix such as DE, UA, GB), spaces,
  dots and hyphens between; at least 5 digits. Russian INN (10 or 12 digits) and Ukrainian EDRPOU/RNOKPP
  (8 or 10 digits) pass, and so do EU VAT numbers; "n/a" or "12" does not.
- Bank account: an IBAN (two letters, two check digits, up to 30 letters or digits) must pass the IBAN
  checksum (mod 97); otherwise a domestic account of 8–34 digits (a Russian account has 20).
- Bank code: a BIC/SWIFT (8 or 11 letters and digits, the country in letters 5–6) or a national code of
  6–9 digits (Russian BIK 9, Ukrainian MFO 6)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import LegalDetails

FIELDS = ("legal_name", "tax_number", "address", "bank_name", "bank_account", "bank_code")
TAX_NUMBER = re.compile(r"[A-Z]{0,3}[0-9A-Z](?:[0-9A-Z .\-/]*[0-9A-Z])?")
IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{8,30}")
BIC = re.compile(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")


def _compact(value: str) -> str:
    return re.sub(r"[\s\-.]", "", value).upper()


def iban_valid(value: str) -> bool:
    text = _compact(value)
    if not IBAN.fullmatch(text):
        return False
    moved = text[4:] + text[:4]
    return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1


def clean_legal_details(data: dict[str, Any]) -> dict[str, str]:
    """The details, each trimmed and checked; ValidationError by field."""
    values = {name: " ".join(str(data.get(name) or "").split()) if name != "address"
              else str(data.get(name) or "").strip() for name in FIELDS}
    errors: dict[str, list[str]] = {}
    limits = {"legal_name": 200, "address": 500, "bank_name": 200}
    for name, limit in limits.items():
        if len(values[name]) > limit:
            errors[name] = [_("Keep this under %(max)s characters.") % {"max": limit}]
    tax = values["tax_number"].upper()
    if tax:
        digits = sum(ch.isdigit() for ch in tax)
        if not (5 <= len(tax) <= 20 and TAX_NUMBER.fullmatch(tax) and digits >= 5):
            errors["tax_number"] = [_("A tax number has 5 to 20 characters, at least 5 of them digits "
                                      "(a country prefix such as DE or UA may come first).")]
        values["tax_number"] = tax
    account = _compact(values["bank_account"])
    if account:
        if account[:2].isalpha():
            if not iban_valid(account):
                errors["bank_account"] = [_("This IBAN is not valid: check its letters and digits.")]
        elif not (account.isdigit() and 8 <= len(account) <= 34):
            errors["bank_account"] = [_("Enter an IBAN or an account number of 8 to 34 digits.")]
        values["bank_account"] = account
    code = _compact(values["bank_code"])
    if code:
        if not (BIC.fullmatch(code) or (code.isdigit() and 6 <= len(code) <= 9)):
            errors["bank_code"] = [_("Enter a BIC/SWIFT code (8 or 11 characters) or a national bank code of "
                                     "6 to 9 digits.")]
        values["bank_code"] = code
    if (values["bank_account"] or values["bank_code"]) and not values["legal_name"]:
        errors.setdefault("legal_name", [_("Enter the legal name the bank account belongs to.")])
    if errors:
        raise ValidationError(errors)
    return values


def save_legal_details(data: dict[str, Any]) -> LegalDetails:
    """Checks and saves the business's legal details (new invoices print them; issued ones keep theirs)."""
    values = clean_legal_details(data)
    with transaction.atomic():
        details, _made = LegalDetails.objects.select_for_update().get_or_create(pk=1)
        for name, value in values.items():
            setattr(details, name, value)
        details.updated_at = timezone.now()
        details.save()
    return details


def read_legal_details() -> dict[str, str]:
    details = LegalDetails.objects.filter(pk=1).first()
    return {name: getattr(details, name) if details else "" for name in FIELDS}
