"""Tenant resolution for WebSocket connections. Consumers never run Django's middleware, so the
tenant is found from the Host header here and each consumer sets the schema from scope["tenant"]."""

from __future__ import annotations

from channels.db import database_sync_to_async
from django.db import connection
from django_tenants.utils import get_tenant_domain_model, remove_www

from tenants.middleware import resolve_tenant


@database_sync_to_async
def tenant_for_host(host: str):
    connection.set_schema_to_public()
    try:
        return resolve_tenant(remove_www(host.split(":")[0]))
    except get_tenant_domain_model().DoesNotExist:
        return None


class TenantWebsocketMiddleware:
    """Closes sockets to unknown or suspended tenants before any consumer runs."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        headers = dict(scope.get("headers", []))
        tenant = await tenant_for_host(headers.get(b"host", b"").decode("latin1"))
        if tenant is None or getattr(tenant, "is_suspended", False):
            await receive()  # the websocket.connect message
            await send({"type": "websocket.close", "code": 4404 if tenant is None else 4503})
            return None
        return await self.inner({**scope, "tenant": tenant}, receive, send)
