"""django-axes hooks: what counts as the account, the client's IP behind proxies, the lockout page."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render

from .identifiers import canonical_identifier


def attempted_identifier(request, credentials) -> str:
    """The identifier that was typed, in one spelling (see `canonical_identifier`)."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = getattr(request, "POST", {}).get("username")
    return canonical_identifier(raw)


def client_ip(request) -> str | None:
    """The client's address. Behind TRUSTED_PROXY_COUNT proxies, each appending the address it saw to
    X-Forwarded-For, the client is the entry that many places from the right; anything further left was
    sent by the client itself and cannot be trusted."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]


def lockout_response(request, original_response=None, credentials=None):
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes},
                  status=settings.AXES_HTTP_RESPONSE_CODE)
