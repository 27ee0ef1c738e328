"""`@idempotent` for POST handlers of DRF views: a request retried with the same Idempotency-Key header gets
the first answer back instead of doing the work twice.

- same key, same method, path and body: the stored answer, with `Idempotent-Replayed: true`;
- same key, different request: 422;
- same key while the first request is still running: 409 (the client retries a moment later);
- the first request failed (4xx/5xx): the key is freed, nothing was written, the client may retry with it.
Keys are per API key (requests signed in by session pass through unchanged) and kept for 24 hours.
"""

from __future__ import annotations

import functools
import hashlib
import json

from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from . import services
from .models import ApiKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def request_fingerprint(request) -> str:
    try:
        body = request.body
    except RawPostDataException:  # the stream was read already (multipart): its parsed form stands in
        body = json.dumps(request.data, sort_keys=True, default=str).encode()
    digest = hashlib.sha256(body).hexdigest()
    return hashlib.sha256(f"{request.method}\n{request.path}\n{digest}".encode()).hexdigest()


def idempotent(handler):
    @functools.wraps(handler)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        api_key = request.auth if isinstance(request.auth, ApiKey) else None
        if key is None or api_key is None:
            return handler(self, request, *args, **kwargs)
        key = key.strip()
        if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
            raise exceptions.ValidationError({HEADER: [
                _("Send 1 to %(limit)d printable characters, e.g. a UUID.") % {"limit": MAX_KEY_LENGTH}]})
        fingerprint = request_fingerprint(request)
        record, first = services.start_idempotent_request(api_key, key, fingerprint)
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


def _answer_for_repeat(record, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        return Response({"detail": _("This Idempotency-Key was already used for a different request. "
                                     "Use a new key for a new request.")},
                        status=status.HTTP_422_UNPROCESSABLE_ENTITY)
    if record.response_status is None:
        return Response({"detail": _("A request with this Idempotency-Key is in progress. Retry in a moment.")},
                        status=status.HTTP_409_CONFLICT)
    return Response(record.response_body, status=record.response_status, headers={"Idempotent-Replayed": "true"})
