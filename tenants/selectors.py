from __future__ import annotations

from django.db import connection
from django.db.models import Count, Q, QuerySet

from .models import Tenant


def businesses(*, search: str = "", status: str = "") -> QuerySet[Tenant]:
    tenants = Tenant.objects.filter(kind=Tenant.Kind.BUSINESS).prefetch_related("domains")
    if search:
        tenants = tenants.filter(
            Q(name__icontains=search) | Q(slug__icontains=search) | Q(owner_email__icontains=search)
            | Q(domains__domain__icontains=search)
        ).distinct()
    if status in Tenant.Status.values:
        tenants = tenants.filter(status=status)
    return tenants


def customer_counts(tenants: list[Tenant]) -> dict[str, int]:
    """Customers per tenant schema, in one query however many tenants are on the page."""
    if not tenants:
        return {}
    quote = connection.ops.quote_name
    parts, params = [], []
    for tenant in tenants:
        parts.append(f"SELECT %s, count(*) FROM {quote(tenant.schema_name)}.accounts_user "  # noqa: S608
                     "WHERE role = 'customer' AND is_active")
        params.append(tenant.schema_name)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return dict(cursor.fetchall())


MEMBERSHIP_CHUNK = 400  # schemas per query: two parameters each, far below PostgreSQL's 65 535


def staff_memberships(email: str) -> list[tuple[Tenant, str]]:
    """Every business where `email` (any letter case) is an active member of staff, with the role, newest
    business first. Users live in the businesses' own schemas, so each one is asked, a few hundred schemas per
    query (UNION ALL; each part uses the schema's unique index on lower(email))."""
    email = email.strip()
    if not email:
        return []
    tenants = list(Tenant.objects.filter(kind=Tenant.Kind.BUSINESS).prefetch_related("domains"))
    quote = connection.ops.quote_name
    roles: dict[str, str] = {}
    for start in range(0, len(tenants), MEMBERSHIP_CHUNK):
        chunk = tenants[start:start + MEMBERSHIP_CHUNK]
        parts, params = [], []
        for tenant in chunk:
            parts.append(f"SELECT %s, role FROM {quote(tenant.schema_name)}.accounts_user "  # noqa: S608
                         "WHERE lower(email) = lower(%s) AND is_active AND role <> 'customer'")
            params += [tenant.schema_name, email]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            roles.update(dict(cursor.fetchall()))
    return [(tenant, roles[tenant.schema_name]) for tenant in tenants if tenant.schema_name in roles]


def platform_figures() -> dict[str, int]:
    counts = dict.fromkeys(Tenant.Status.values, 0)
    rows = Tenant.objects.filter(kind=Tenant.Kind.BUSINESS).values_list("status").annotate(n=Count("id"))
    counts.update(dict(rows))
    return {"total": sum(counts.values()), **counts}
