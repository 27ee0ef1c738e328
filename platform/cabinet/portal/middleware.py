from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _

from cabinet import registry

from .selectors import portal_state


class PortalStateMiddleware:
    """Reads the tenant's portal state once per request (`request.portal`) and answers 404 for every
    URL of a switched-off module: its portal pages, its manage pages and its API routes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        on_tenant = tenant is not None and tenant.schema_name != settings.PUBLIC_SCHEMA_NAME
        request.portal = portal_state() if on_tenant else None
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.portal is None or request.resolver_match is None:
            return None
        for namespace in request.resolver_match.namespaces:
            module = registry.module_for_namespace(namespace)
            if module is not None and not request.portal.is_enabled(module.key):
                raise Http404(_("This section is not available."))
        return None
