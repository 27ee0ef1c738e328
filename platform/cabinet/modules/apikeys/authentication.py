"""Sign-in to the API by a customer's key: `Authorization: Bearer kab_…` or `X-API-Key: kab_…`."""

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from cabinet.portal.selectors import portal_state

from . import services

MODULE_KEY = "api"


def raw_key_from(request) -> str | None:
    """The key the request carries, or None when it carries none (then other sign-in methods apply)."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, value = header.strip().partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    explicit = request.META.get("HTTP_X_API_KEY")
    return explicit.strip() if explicit is not None else None


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """Returns (the key's customer, the ApiKey). Keys live in the tenant's schema, so a key of one portal is
    unknown on every other. When the business has switched the API module off, every key is refused."""

    def authenticate(self, request):
        raw_key = raw_key_from(request)
        if raw_key is None:
            return None
        state = getattr(request, "portal", None) or portal_state()
        if not state.is_enabled(MODULE_KEY):
            raise exceptions.AuthenticationFailed(_("API keys are not enabled on this portal."))
        if services.parse_key(raw_key) is None:
            raise exceptions.AuthenticationFailed(_("Malformed API key. Send the full key, e.g. "
                                                    "\"Authorization: Bearer kab_…\"."))
        api_key = services.authenticate_key(raw_key)
        if api_key is None:
            raise exceptions.AuthenticationFailed(_("Unknown or revoked API key."))
        return api_key.customer, api_key

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
