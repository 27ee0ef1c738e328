"""The server-error page. It is rendered when anything may be broken, the database included, so it runs no
query: no session, no user, no messages, no context processors; only what the request already carries (the
tenant, the language the locale middleware chose) and the portal's state if the cache still has it."""

import logging

from django.conf import settings
from django.http import HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)


def _cached_branding(request) -> dict:
    """The branding the request already read, else the cached copy (never the database)."""
    portal = getattr(request, "portal", None)
    if portal is not None:
        return portal.branding
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name == settings.PUBLIC_SCHEMA_NAME:
        return {}
    from django.core.cache import cache

    from .selectors import STATE_CACHE_KEY

    try:
        state = cache.get(STATE_CACHE_KEY)  # the key function adds the tenant's schema
    except Exception:  # noqa: BLE001 - the cache may be down too
        logger.warning("No cached branding for the error page", exc_info=True)
        return {}
    return getattr(state, "branding", None) or {}


@requires_csrf_token
def server_error(request, template_name: str = "500.html"):
    tenant = getattr(request, "tenant", None)
    context = {
        "branding": _cached_branding(request),
        # Only the name already loaded with the tenant; never a lazy relation.
        "current_tenant": {"name": tenant.__dict__.get("name", "")} if tenant is not None else None,
        "path": request.path if request is not None else "/",
        # the nonce of the page's own inline script and style (the Content-Security-Policy allows no other)
        "CSP_NONCE": getattr(request, "csp_nonce", ""),
    }
    try:
        html = loader.get_template(template_name).render(context)
    except Exception:  # noqa: BLE001 - the last resort must answer whatever failed
        html = ("<!doctype html><html><head><meta charset=utf-8><meta name=viewport content='width=device-width'>"
                "<title>Server error</title></head><body><h1>Server error</h1><p><a href='/'>/</a></p></body></html>")
    return HttpResponseServerError(html)
