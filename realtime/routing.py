"""WebSocket entry point. Modules with live features add their routes to `websocket_urlpatterns`."""

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter

from .tenancy import TenantWebsocketMiddleware

websocket_urlpatterns: list = []

websocket_application = TenantWebsocketMiddleware(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
