"""WebSocket connections find their tenant from the Host header, like HTTP requests."""

from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator

from realtime.tenancy import TenantWebsocketMiddleware
from tenants import services


class RecordingApp:
    """Accepts the socket and remembers the scope it was given."""

    def __init__(self):
        self.scope = None

    async def __call__(self, scope, receive, send):
        self.scope = scope
        await receive()
        await send({"type": "websocket.accept"})


def connect(app, host):
    async def run():
        communicator = WebsocketCommunicator(app, "/ws/", headers=[(b"host", host.encode())])
        connected, code = await communicator.connect()
        await communicator.disconnect()
        return connected, code

    return async_to_sync(run)()


def test_socket_gets_its_tenant(alpha):
    inner = RecordingApp()
    connected, _ = connect(TenantWebsocketMiddleware(inner), "alpha.localhost:8000")
    assert connected
    assert inner.scope["tenant"].schema_name == "t_alpha"


def test_socket_to_unknown_host_is_closed(db):
    inner = RecordingApp()
    connected, code = connect(TenantWebsocketMiddleware(inner), "nobody.localhost")
    assert not connected and code == 4404
    assert inner.scope is None


def test_socket_to_suspended_tenant_is_closed(alpha):
    services.set_status(alpha, "suspended", reason="unpaid")
    inner = RecordingApp()
    connected, code = connect(TenantWebsocketMiddleware(inner), "alpha.localhost")
    assert not connected and code == 4503
