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


def platform_figures() -> dict[str, int]:
    counts = dict.fromkeys(Tenant.Status.values, 0)
    rows = Tenant.objects.filter(kind=Tenant.Kind.BUSINESS).values_list("status").annotate(n=Count("id"))
    counts.update(dict(rows))
    return {"total": sum(counts.values()), **counts}
