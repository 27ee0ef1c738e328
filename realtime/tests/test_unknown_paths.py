"""A socket to a tenant host on a path no route serves is closed with 4404, not an ASGI error."""

import logging

from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator

from realtime.routing import CLOSE_NOT_FOUND, websocket_application


def open_and_close(path: str, host: str = "alpha.localhost") -> tuple[bool, int | None]:
    async def run():
        communicator = WebsocketCommunicator(websocket_application, path, headers=[(b"host", host.encode())])
        connected, _ = await communicator.connect()
        closed = await communicator.receive_output(timeout=2) if connected else None
        await communicator.send_input({"type": "websocket.disconnect", "code": closed["code"] if closed else 1000})
        await communicator.wait()
        return connected, closed["code"] if closed else None

    return async_to_sync(run)()


def test_unknown_path_on_a_tenant_host_is_closed_with_4404(alpha, caplog):
    caplog.set_level(logging.INFO)
    for path in ("/ws/", "/ws/nothing/here/", "/", "/%00"):
        assert open_and_close(path) == (True, CLOSE_NOT_FOUND)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR or record.exc_info]


def test_a_flood_of_unknown_sockets_leaves_no_traceback(alpha, caplog):
    caplog.set_level(logging.INFO)
    for number in range(100):
        assert open_and_close(f"/ws/flood/{number}/", host="ALPHA.localhost") == (True, CLOSE_NOT_FOUND)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR or record.exc_info]
