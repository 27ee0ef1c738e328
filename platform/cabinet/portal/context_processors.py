from django.conf import settings

import verticals


def platform(request):
    """The current tenant and its vertical's wording, for every template."""
    tenant = getattr(request, "tenant", None)
    vertical = verticals.get_vertical(getattr(tenant, "vertical", "")) if tenant else None
    return {"current_tenant": tenant, "vertical": vertical, "platform_domain": settings.PLATFORM_DOMAIN}
