"""WebSocket entry point. Modules with live features add their routes to `websocket_urlpatterns`."""

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from django.urls import path

from .consumers import PingConsumer
from .tenancy import TenantWebsocketMiddleware

websocket_urlpatterns: list = [path("ws/ping/", PingConsumer.as_asgi())]

websocket_application = TenantWebsocketMiddleware(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
