"""How the programme recognises one person behind several accounts: e-mails and phones are normalised (case,
"+tag" addressing, Gmail's dots; only the digits of a phone) and kept only as keyed hashes."""

from __future__ import annotations

import re

from django.utils.crypto import salted_hmac

GMAIL = ("gmail.com", "googlemail.com")


def normal_email(email: str | None) -> str:
    local, _at, domain = (email or "").strip().lower().rpartition("@")
    if not local or not domain:
        return ""
    local = local.split("+", 1)[0]
    if domain in GMAIL:
        local, domain = local.replace(".", ""), GMAIL[0]
    return f"{local}@{domain}"


def normal_phone(phone: str | None) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return digits if len(digits) >= 6 else ""


def normal_contacts(user) -> set[str]:
    """The person's normalised contacts, each marked with its kind: {"e:ann@x.test", "p:380501234567"}."""
    found = set()
    for value in (normal_email(user.email), normal_email(getattr(user, "pending_email", ""))):
        if value:
            found.add(f"e:{value}")
    if normal_phone(user.phone):
        found.add(f"p:{normal_phone(user.phone)}")
    return found


def digest(contact: str) -> str:
    return salted_hmac("cabinet.referrals.contact", contact).hexdigest()
