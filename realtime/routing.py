"""WebSocket entry point. Modules with live features add their routes to `websocket_urlpatterns`."""

import asyncio

from channels.routing import URLRouter
from channels.sessions import CookieMiddleware
from django.urls import path

from .chat.consumers import ChatConsumer
from .consumers import PingConsumer
from .tenancy import TenantWebsocketMiddleware

websocket_urlpatterns: list = [path("ws/ping/", PingConsumer.as_asgi()), path("ws/chat/", ChatConsumer.as_asgi())]

# Close code of a socket to an address nobody serves (the WebSocket counterpart of HTTP 404).
CLOSE_NOT_FOUND = 4404
ACCEPT_SETTLE_SECONDS = 0.1


class SocketRouter(URLRouter):
    """Channels' URLRouter, except that a socket to a path no route serves is closed with CLOSE_NOT_FOUND
    instead of raising "No route found" (an ASGI error and a traceback in the log for every such handshake)."""

    async def __call__(self, scope, receive, send):
        routed = False

        async def receive_once_routed():
            nonlocal routed
            routed = True  # the router only calls the consumer, which receives; so a consumer runs
            return await receive()

        try:
            return await super().__call__(scope, receive_once_routed, send)
        except ValueError as error:
            if routed or not str(error).startswith("No route found"):
                raise
        # Accepted, then closed: a browser sees the close code (a refused handshake shows only as 1006).
        await receive()  # the websocket.connect message
        await send({"type": "websocket.accept"})
        # Daphne completes the handshake a moment after the accept; a close sent before that turns into a refused
        # handshake (1006 in the browser). A tenth of a second lets it finish (200 sockets at once: all got 4404).
        await asyncio.sleep(ACCEPT_SETTLE_SECONDS)
        await send({"type": "websocket.close", "code": CLOSE_NOT_FOUND})
        # Alive until the closing handshake is done: a server that ends the application first drops the
        # connection, and the browser sees 1006 instead of the code (seen under Daphne with 200 sockets at once).
        while (await receive())["type"] != "websocket.disconnect":
            pass
        return None


# Only the cookies are parsed here: consumers read the person from the sign-in cookie themselves, in their
# tenant's schema (Channels' own auth middleware would look it up in whatever schema its thread is on).
websocket_application = TenantWebsocketMiddleware(CookieMiddleware(SocketRouter(websocket_urlpatterns)))
