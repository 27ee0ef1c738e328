"""The one place hostile request input is refused before any view, form or query sees it.

PostgreSQL text cannot hold a NUL character, so a NUL in any query or form parameter (its name or its value)
or in the path would end as a database error (a 500) wherever it reaches a query. A body Django cannot parse
(a malformed multipart body, too many fields) is refused here too, so that every such answer has the same
shape: JSON `{"detail": ...}` under /api/, a page elsewhere, with status 400 and nothing changed.
"""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

FORM_CONTENT_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def has_nul(request: HttpRequest) -> bool:
    """A NUL character in the path, or in a name or value of the query string or of the parsed form body."""
    if "\x00" in request.path:
        return True
    parts = [request.GET]
    if request.content_type in FORM_CONTENT_TYPES:
        parts.append(request.POST)
    return any("\x00" in key or any("\x00" in value for value in values)
               for part in parts for key, values in part.lists())


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    try:
        html = loader.get_template("400.html").render({"message": message}, request)
    except Exception:  # noqa: BLE001 - a refusal must answer even when the page cannot be drawn
        logger.warning("The bad-request page could not be rendered", exc_info=True)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    return HttpResponseBadRequest(html)


class HostileInputMiddleware:
    """Answers 400 to a request whose parameters hold a NUL character or whose form body cannot be parsed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            refused = has_nul(request)
        except (MultiPartParserError, TooManyFilesSent, TooManyFieldsSent, RequestDataTooBig):
            return bad_request(request, _("The request body could not be read. Send the form again."))
        except SuspiciousOperation:
            return bad_request(request, _("The request could not be processed."))
        if refused:
            return bad_request(request, _("The request contains a character that is not allowed (NUL)."))
        return self.get_response(request)


def leave_form_bodies_to_django() -> None:
    """Daphne's HTTP layer (Twisted) parses every multipart body itself before the application sees it, keeps
    the result unused, and answers a body it cannot parse with a bare HTML 400 of its own: the API's JSON
    error shape and our security headers never reach it. Twisted can be told not to parse
    (`parsePOSTFormSubmission=False`); Django then parses the body once, and HostileInputMiddleware answers
    what it cannot read. Called by the ASGI entry point; a no-op without Daphne."""
    try:
        from daphne.http_protocol import WebRequest
    except ImportError:
        return
    if getattr(WebRequest, "_kabinet_leaves_bodies", False):
        return
    original = WebRequest.__init__

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("parsePOSTFormSubmission", False)
        original(self, *args, **kwargs)

    WebRequest.__init__ = __init__
    WebRequest._kabinet_leaves_bodies = True
