"""Errors that Django answers itself (no route, method not allowed, a crash) are JSON under /api/v1/ too."""

from http import HTTPStatus

from django.http import JsonResponse
from django.utils.translation import gettext as _

API_PATH_PREFIX = "/api/v1/"


def _message(status: int) -> str:
    messages = {
        400: _("Bad request."),
        403: _("You do not have permission to perform this action."),
        404: _("Not found. Check the address against the API schema at /api/v1/schema/."),
        405: _("This method is not allowed here."),
        500: _("Server error. The request was not processed; please try again later."),
    }
    if status in messages:
        return messages[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return _("The request could not be processed.")


class ApiJsonErrorsMiddleware:
    """Turns any non-JSON error response under /api/v1/ into {"detail": "..."} with the same status
    (and the same Allow / Retry-After headers)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 400 or not request.path.startswith(API_PATH_PREFIX):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        replacement = JsonResponse({"detail": _message(response.status_code)}, status=response.status_code)
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                replacement[header] = response[header]
        return replacement
