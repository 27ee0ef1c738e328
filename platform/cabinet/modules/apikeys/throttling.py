"""Requests per minute per API key, counted in Redis through Django's cache (its keys carry the tenant)."""

import math
import time

from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from cabinet.portal.selectors import portal_state

from .models import ApiKey

DEFAULT_REQUESTS_PER_MINUTE = 120
WINDOW_SECONDS = 60


class ApiKeyRateThrottle(BaseThrottle):
    """A fixed one-minute window per key: one atomic increment per request. Requests signed in by session
    (the portal's own pages) are not counted."""

    def allow_request(self, request, view):
        api_key = request.auth
        if not isinstance(api_key, ApiKey):
            return True
        state = getattr(request._request, "portal", None) or portal_state()
        limit = state.setting("api", "requests_per_minute") or DEFAULT_REQUESTS_PER_MINUTE
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        counter = f"api-rate:{api_key.pk}:{window}"
        cache.add(counter, 0, WINDOW_SECONDS + 5)
        try:
            count = cache.incr(counter)
        except ValueError:  # expired between add and incr
            cache.set(counter, 1, WINDOW_SECONDS + 5)
            count = 1
        self._wait = (window + 1) * WINDOW_SECONDS - now
        return count <= int(limit)

    def wait(self):
        return max(1, math.ceil(self._wait))
