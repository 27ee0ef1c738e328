"""Host → tenant routing with an in-process cache, and the 503 answer of suspended tenants."""

from __future__ import annotations

import copy
import threading
import time

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect
from django.views.i18n import set_language
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_tenant_domain_model, remove_www

_routing_cache: dict[str, tuple[float, object]] = {}
_routing_lock = threading.Lock()


def clear_routing_cache() -> None:
    """Called whenever a tenant or domain changes in this process; other processes expire entries
    after TENANT_DOMAIN_CACHE_SECONDS."""
    with _routing_lock:
        _routing_cache.clear()


def hostname_of(host_header: str) -> str:
    """The host name a Host header names, as Domain rows keep it: lower case (host names are
    case-insensitive), without the port and without a leading `www.`."""
    return remove_www(host_header.split(":")[0].strip().lower())


def resolve_tenant(hostname: str):
    """The tenant a host name routes to; raises Domain.DoesNotExist for unknown hosts.
    Must be called with the connection on the public schema."""
    hostname = hostname.lower()
    now = time.monotonic()
    entry = _routing_cache.get(hostname)
    if entry is None or entry[0] <= now:
        domain = get_tenant_domain_model().objects.select_related("tenant").get(domain=hostname)
        entry = (now + settings.TENANT_DOMAIN_CACHE_SECONDS, domain.tenant)
        with _routing_lock:
            _routing_cache[hostname] = entry
    # A copy per caller: the middleware sets request-specific attributes on it.
    return copy.copy(entry[1])


class CachedTenantMiddleware(TenantMainMiddleware):
    """django-tenants' middleware minus the per-request domain query (measured: a third of a simple page)."""

    @staticmethod
    def hostname_from_request(request):
        return hostname_of(request.get_host())

    def get_tenant(self, domain_model, hostname):
        return resolve_tenant(hostname)


# Where the header's language switcher posts: Django's own view, and the accounts' one that also saves the choice.
LANGUAGE_SWITCH_PATHS = ("/i18n/setlang/", "/me/language/")


class SuspendedTenantMiddleware:
    """Every request to a suspended business gets the 503 page, in the visitor's language: the middleware sits
    after LocaleMiddleware (cookie, Accept-Language) and CsrfViewMiddleware (the page's switcher form gets its
    token). The switcher itself keeps working: its POST sets the language cookie (Django's set_language, CSRF
    checked) and leads back to the page; nothing is written to the suspended business's schema."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        if tenant is not None and getattr(tenant, "is_suspended", False):
            if request.method == "POST" and request.path in LANGUAGE_SWITCH_PATHS:
                return csrf_protect(set_language)(request)
            return suspended_response(request, tenant)
        return self.get_response(request)


def suspended_response(request, tenant):
    message = _("%(name)s is temporarily unavailable. Please try again later.") % {"name": tenant.name}
    if request.path.startswith("/api/"):
        response = JsonResponse({"error": "tenant_suspended", "detail": message}, status=503)
    else:
        response = render(request, "tenants/suspended.html", {"tenant": tenant, "message": message}, status=503)
    response["Retry-After"] = "3600"
    return response
