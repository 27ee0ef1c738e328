"""`@idempotent` for POST handlers of DRF views: a request retried with the same Idempotency-Key header gets
the first answer back instead of doing the work twice.

- same key, same method, path and body: the stored answer, with `Idempotent-Replayed: true`;
- same key, different request: 422;
- same key while the first request is still running: 409 (the client retries a moment later);
- the first request failed (4xx/5xx): the key is freed, nothing was written, the client may retry with it.
Keys belong to the signed-in customer (whether signed in by API key or by session) and are kept for 24 hours
(`cabinet.api.services`). A core mechanism: any module's API may use it.

`@idempotent` makes the header optional; `@idempotent(required=True)` answers 400 when it is missing.
"""

from __future__ import annotations

import functools
import hashlib
import json

from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from . import services

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255


def header_parameter(*, required: bool) -> OpenApiParameter:
    """The header as the OpenAPI schema describes it (pass to `extend_schema(parameters=[...])`)."""
    return OpenApiParameter(
        HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=required,
        description=gettext_lazy(
            "A unique value per intended write, e.g. a UUID (1 to 255 printable characters). Retrying with the "
            "same value and body returns the first answer (with the `Idempotent-Replayed: true` header) instead "
            "of writing twice; the same value with a different body gets 422. Kept for 24 hours."))


def request_fingerprint(request) -> str:
    try:
        body = request.body
    except RawPostDataException:  # the stream was read already (multipart): its parsed form stands in
        body = json.dumps(request.data, sort_keys=True, default=str).encode()
    digest = hashlib.sha256(body).hexdigest()
    return hashlib.sha256(f"{request.method}\n{request.path}\n{digest}".encode()).hexdigest()


def _clean_key(raw: str | None, *, required: bool) -> str | None:
    if raw is None:
        if required:
            raise exceptions.ValidationError({HEADER: [
                _("Send an Idempotency-Key header (e.g. a UUID) so that a retried request never writes twice.")]})
        return None
    key = raw.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise exceptions.ValidationError({HEADER: [
            _("Send 1 to %(limit)d printable characters, e.g. a UUID.") % {"limit": MAX_KEY_LENGTH}]})
    return key


def idempotent(handler=None, *, required: bool = False):
    def decorate(handler):
        @functools.wraps(handler)
        def wrapper(self, request, *args, **kwargs):
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated:
                return handler(self, request, *args, **kwargs)  # the view's permission check answers
            key = _clean_key(request.headers.get(HEADER), required=required)
            if key is None:
                return handler(self, request, *args, **kwargs)
            fingerprint = request_fingerprint(request)
            record, first = services.start_idempotent_request(user, key, fingerprint)
            if not first:
                return _answer_for_repeat(record, fingerprint)
            try:
                response = handler(self, request, *args, **kwargs)
            except BaseException:
                services.release_idempotent_request(record)
                raise
            if 200 <= response.status_code < 400:
                data = getattr(response, "data", None)
                body = json.loads(JSONRenderer().render(data)) if data is not None else None
                services.finish_idempotent_request(record, response.status_code, body)
            else:
                services.release_idempotent_request(record)
            return response

        return wrapper

    return decorate(handler) if handler is not None else decorate


def _answer_for_repeat(record, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        return Response({"detail": _("This Idempotency-Key was already used for a different request. "
                                     "Use a new key for a new request.")},
                        status=status.HTTP_422_UNPROCESSABLE_ENTITY)
    if record.response_status is None:
        return Response({"detail": _("A request with this Idempotency-Key is in progress. Retry in a moment.")},
                        status=status.HTTP_409_CONFLICT)
    return Response(record.response_body, status=record.response_status, headers={REPLAYED_HEADER: "true"})
