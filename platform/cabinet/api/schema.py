"""The tenant's API root (`/api/v1/`): what the later modules hang their routers under."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from cabinet import registry


class ApiRootSerializer(serializers.Serializer):
    tenant = serializers.CharField()
    name = serializers.CharField()
    version = serializers.CharField()
    schema = serializers.CharField()


@extend_schema(responses=ApiRootSerializer)
@api_view(["GET"])
@permission_classes([AllowAny])
def api_root(request):
    return Response({
        "tenant": request.tenant.slug,
        "name": request.tenant.name,
        "version": "v1",
        "schema": request.build_absolute_uri("/api/v1/schema/"),
    })


schema_view = SpectacularAPIView.as_view()


def only_enabled_modules(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: the schema of a tenant lists only the public API under /api/v1/
    (not DRF views elsewhere on the host, such as the CMS admin's) and only its switched-on modules' routes
    (the others answer 404 anyway)."""
    from cabinet.portal.selectors import portal_state
    from cabinet.tenancy import current_schema

    endpoints = [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
    if current_schema() == settings.PUBLIC_SCHEMA_NAME:
        return endpoints
    state = portal_state()
    hidden = tuple(f"/api/v1/{key}/" for key in registry.modules() if not state.is_enabled(key))
    return [endpoint for endpoint in endpoints if not endpoint[0].startswith(hidden)]


def _choices(model: str, field: str) -> list:
    """A model field's choices, found by app label (wherever the app's package lives)."""
    from django.apps import apps

    return list(apps.get_model(model)._meta.get_field(field).choices or [])


# ENUM_NAME_OVERRIDES (settings): the choice sets that share a field name with another in the schema.
def product_kinds() -> list:
    return _choices("catalog.Product", "kind")


def order_statuses() -> list:
    return _choices("orders.Order", "status")


def support_request_statuses() -> list:
    return _choices("support.Request", "status")


# Answers every /api/v1/ operation can give, all in the one JSON error shape (`apikeys.exceptions`).
COMMON_ERRORS = {
    "400": _("Malformed request or invalid fields: `errors` names each field."),
    "401": _("Unknown, revoked or malformed API key."),
    "403": _("Signed in, but not allowed to do this."),
    "404": _("Not found, not yours, or the module is switched off."),
    "429": _("Too many requests with this key: retry after the seconds in the Retry-After header."),
}
ERROR_SCHEMA = {
    "type": "object", "required": ["detail"],
    "properties": {
        "detail": {"type": "string", "description": _("What went wrong, in words.")},
        "errors": {"type": "object", "additionalProperties": {}, "description": _("Field name → list of messages.")},
    },
}
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def document_common_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: each operation documents the error answers any view can give,
    unless the view describes its own."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR_SCHEMA)
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method in HTTP_METHODS:
                responses = operation.setdefault("responses", {})
                for code, description in COMMON_ERRORS.items():
                    responses.setdefault(code, {"description": description, "content": error})
    return result
