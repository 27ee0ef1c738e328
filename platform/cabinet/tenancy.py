"""Tenancy as every part of the platform sees it: the current schema, a tenant's address, and running work in
every business's schema. A leaf of the kernel: it imports no app (the tenant model comes from django-tenants'
`TENANT_MODEL` setting), so modules, core apps and `tenants` itself can all use it without a cycle."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django_tenants.utils import get_tenant_model, schema_context


def current_schema() -> str:
    """The schema the default connection works in (django-tenants adds the attribute)."""
    return getattr(connection, "schema_name", settings.PUBLIC_SCHEMA_NAME)


def in_public_schema() -> bool:
    return current_schema() == settings.PUBLIC_SCHEMA_NAME


def current_tenant() -> Any:
    """The tenant row of the current schema (one query; in a request `request.tenant` is already there)."""
    return get_tenant_model().objects.get(schema_name=current_schema())


# --- Addresses -------------------------------------------------------------------------------------------------

def port_of(host_header: str) -> str:
    """The port a visitor typed (from a Host header such as `localhost:8000`), '' when none."""
    _host, sep, port = host_header.rpartition(":")
    return port if sep and port.isdigit() else ""


def base_url(host: str, port: str | None = None) -> str:
    port = settings.PLATFORM_URL_PORT if port is None else port
    default_port = {"http": "80", "https": "443"}[settings.PLATFORM_URL_SCHEME]
    suffix = f":{port}" if port and port != default_port else ""
    return f"{settings.PLATFORM_URL_SCHEME}://{host}{suffix}"


def domain_for(slug: str) -> str:
    return f"{slug}.{settings.PLATFORM_DOMAIN}"


def tenant_url(tenant: Any, port: str | None = None) -> str:
    # Iterating domains.all() uses a prefetch when the caller made one (the console lists 50 tenants);
    # get_primary_domain() would query once per tenant.
    primary = next((d.domain for d in tenant.domains.all() if d.is_primary), None)
    return base_url(primary or domain_for(tenant.slug), port)


def site_url(request: Any) -> str:
    """Scheme, host and port of the links a request hands out (password reset, e-mail confirmation, staff
    invitations): the Domain row the request was routed by, with the configured scheme and port. Nothing of the
    Host header as typed (its port, a `www.` prefix, its letter case) reaches a link."""
    tenant = request.tenant
    known = {d.domain for d in tenant.domains.all()}
    routed = getattr(tenant, "domain_url", "")
    return base_url(routed) if routed in known else tenant_url(tenant)


def current_tenant_url() -> str:
    """The address of the business whose schema is current (in a Celery task: the one that queued it)."""
    tenant = getattr(connection, "tenant", None)
    if tenant is None or not hasattr(tenant, "domains"):  # a bare schema_context() carries no tenant row
        tenant = current_tenant()
    return tenant_url(tenant)


def platform_url(port: str | None = None) -> str:
    return base_url(settings.PLATFORM_DOMAIN, port)


# --- Work in every business ------------------------------------------------------------------------------------

def business_schemas() -> list[str]:
    """Schemas of every active business (the platform's own and suspended businesses are left out)."""
    model = get_tenant_model()
    return list(model.objects.filter(kind=model.Kind.BUSINESS, status=model.Status.ACTIVE)
                .values_list("schema_name", flat=True))


def queue_in_every_business(task: Any, *, only_if: Callable[[], bool] | None = None) -> int:
    """Queues a per-tenant Celery task once in every active business's schema (tenant-schemas-celery carries
    the schema) and returns how many were queued. `only_if`, asked inside each schema, skips the ones where
    it answers False (a module that is off there)."""
    queued = 0
    for schema in business_schemas():
        with schema_context(schema):
            if only_if is not None and not only_if():
                continue
            task.delay()
            queued += 1
    return queued
