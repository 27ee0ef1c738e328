"""The Content-Security-Policy of every answer (django-csp), with the news admin's own, looser policy.

Our pages run only our own static scripts and styles, plus the few inline ones that carry the request's nonce.
Wagtail's admin writes inline scripts and styles without a nonce, so the paths it is mounted under get
CMS_ADMIN_CONTENT_SECURITY_POLICY instead (still same-origin only)."""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and request.path_info.startswith(
                tuple(settings.CMS_ADMIN_PATH_PREFIXES)):
            parts.config = settings.CMS_ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
            parts.nonce = None  # a nonce in the policy would make browsers ignore 'unsafe-inline'
        return parts


def require_secret_key() -> None:
    """The servers' entry points call this first: without SECRET_KEY (and with DEBUG off) they refuse to start,
    instead of signing sessions and reset links with a key anyone can read in the source."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:  # Django's own refusal of an empty key
        key = ""
    if not key:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random value "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))'); "
            "only DEBUG=1 runs with a development key.")
