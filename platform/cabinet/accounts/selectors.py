"""Reads about accounts other modules may use."""

from __future__ import annotations

from typing import Any


def contact_prefill(user) -> dict[str, Any]:
    """What every later form (orders, bookings, requests) pre-fills from the customer's profile:
    full_name, email, phone and the default delivery address ("" where unknown)."""
    if not user.is_authenticated:
        return {"full_name": "", "email": "", "phone": "", "address": ""}
    return {"full_name": user.full_name, "email": user.email or "", "phone": user.phone or "", "address": ""}
