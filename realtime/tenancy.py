"""Tenant resolution for WebSocket connections. Consumers never run Django's middleware, so the
tenant is found from the Host header here and each consumer sets the schema from scope["tenant"]."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.db import connection
from django_tenants.utils import get_tenant_domain_model

from cabinet.sockets import database_work
from tenants.middleware import hostname_of, resolve_tenant


@database_work
def tenant_for_host(host: str):
    connection.set_schema_to_public()
    try:
        return resolve_tenant(hostname_of(host))
    except get_tenant_domain_model().DoesNotExist:
        return None


CLOSE_FOREIGN_ORIGIN = 4403


def same_host(origin: str, host: str) -> bool:
    """Whether the page that opens the socket (its Origin header) is of the host it connects to. Browsers
    always send the Origin; a client without one (a script, not a page) carries no one else's cookies."""
    parsed = urlsplit(origin)
    if not parsed.scheme or not parsed.hostname:
        return False
    return parsed.hostname.lower() == host.split(":")[0].strip().lower() and (
        parsed.port is None or ":" not in host or str(parsed.port) == host.rsplit(":", 1)[1])


class TenantWebsocketMiddleware:
    """Closes sockets from pages of another site, and to unknown or suspended tenants, before any consumer
    runs."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        headers = dict(scope.get("headers", []))
        host = headers.get(b"host", b"").decode("latin1")
        origin = headers.get(b"origin", b"").decode("latin1")
        if origin and not same_host(origin, host):  # a page of another site may not use this site's cookies
            await receive()
            await send({"type": "websocket.close", "code": CLOSE_FOREIGN_ORIGIN})
            return None
        tenant = await tenant_for_host(host)
        if tenant is None or getattr(tenant, "is_suspended", False):
            await receive()  # the websocket.connect message
            await send({"type": "websocket.close", "code": 4404 if tenant is None else 4503})
            return None
        return await self.inner({**scope, "tenant": tenant}, receive, send)
