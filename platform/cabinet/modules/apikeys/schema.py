"""How the OpenAPI schema describes sign-in by API key (imported by the app config, which registers it)."""

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "cabinet.modules.apikeys.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "kab_<prefix>_<secret>",
                "description": _("An API key from the portal's “API keys” page. The X-API-Key header works too.")}
