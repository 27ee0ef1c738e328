"""One shape for every API error: {"detail": "...", "errors": {field: [...]}} (errors only for bad fields)."""

import math

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from .authentication import ApiKeyAuthentication, raw_key_from


def api_exception_handler(exc, context):
    request = context.get("request")
    if isinstance(exc, DjangoValidationError):
        # a service's ValidationError that a view let through is still the client's mistake
        exc = exceptions.ValidationError(as_serializer_error(exc))
    if (isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed)
            and request is not None and raw_key_from(request) is not None):
        # DRF answers 403 when the first authenticator (the session) names no scheme; a refused key is a 401.
        exc.status_code = 401
        exc.auth_header = ApiKeyAuthentication().authenticate_header(request)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = {"detail": _("The request has invalid fields; see \"errors\"."), "errors": errors}
    elif not isinstance(exc, exceptions.ValidationError) and (
            not isinstance(response.data, dict) or "detail" not in response.data):
        response.data = {"detail": _("The request could not be processed."), "errors": response.data}
    if isinstance(exc, exceptions.Throttled):
        response.data["retry_after"] = max(1, math.ceil(exc.wait or 1))
    return response
