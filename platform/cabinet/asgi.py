"""The ASGI application: HTTP (Django) and WebSockets (Channels), behind the health probes.

Importing it warms the process up (cabinet.warmup), so a server worker that imports it takes its first
request warm. `/livez`, `/readyz` and `/healthz` are answered here, before Django: liveness never waits for
a request thread, and readiness checks run at most once a second (cabinet.health).
"""

import asyncio
import json
import os
import threading

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cabinet.settings")

from a2wsgi import WSGIMiddleware  # noqa: E402
from channels.routing import ProtocolTypeRouter  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

django_wsgi_application = get_wsgi_application()

from cabinet.hostile_input import leave_form_bodies_to_django  # noqa: E402
from cabinet.security import require_secret_key  # noqa: E402

require_secret_key()
leave_form_bodies_to_django()

from django.conf import settings  # noqa: E402

from cabinet import health  # noqa: E402
from cabinet.admission import AdmissionLimit, request_concurrency  # noqa: E402
from cabinet.warmup import warm_up  # noqa: E402
from realtime.routing import websocket_application  # noqa: E402


class HealthProbes:
    """Answers the probe paths on any host without entering Django's request cycle."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"] not in health.PROBE_PATHS:
            return await self.inner(scope, receive, send)
        path = scope["path"]
        result = None
        if path != health.LIVENESS_PATH:
            result = health.fresh_checks()
            if result is None:  # a check is due: database and Redis are asked in a thread, never on the loop
                result = await asyncio.to_thread(health.checks, close_connection=True)
        status, body = health.probe(path, result)
        payload = json.dumps(body).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"cache-control", b"no-store"),
                                (b"content-length", str(len(payload)).encode())]})
        await send({"type": "http.response.body", "body": payload})
        return None


# HTTP enters Django's synchronous handler in one hop to a thread (a2wsgi): Django's ASGI handler runs our
# synchronous middleware in a thread, hops back to the event loop for its asynchronous core and out to a
# thread again for the view, which cost the dashboard half again its CPU (docs/decisions.md: serving).
# At most WEB_REQUEST_CONCURRENCY requests inside Django at once per process; static files skip the queue.
_concurrency = request_concurrency()
django_application = WSGIMiddleware(django_wsgi_application, workers=_concurrency)
http_application = AdmissionLimit(django_application, limit=_concurrency,
                                  exempt=lambda path: path.startswith(settings.STATIC_URL))
application = HealthProbes(ProtocolTypeRouter({"http": http_application, "websocket": websocket_application}))

# Uvicorn imports the application inside its event loop, where Django refuses synchronous database work:
# the warm-up runs in a thread of its own, and the import waits for it (the worker takes no traffic yet).
_warming = threading.Thread(target=warm_up, name="warm-up")
_warming.start()
_warming.join()
