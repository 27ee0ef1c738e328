"""Sockets of real people of the test tenants, through the real ASGI stack (tenant from the host, person from
the sign-in cookie) and the real Redis channel layer the launcher starts."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django_tenants.utils import tenant_context

from realtime.routing import websocket_application
from tests.helpers import make_user, sign_in, user  # noqa: F401  (used by the tests here)

CUSTOMER = "customer@alpha.test"
OWNER = "owner@alpha.test"


@pytest.fixture(autouse=True)
def commit_at_once(monkeypatch):
    """The test's transaction never commits, so what the chat does on commit (pushes, notifications) runs at
    the end of each write instead (test_services proves that nothing is pushed before the commit)."""
    from realtime.chat import services

    monkeypatch.setattr(services, "on_commit", lambda callback: callback())


def cookie_of(tenant, email: str) -> str:
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    sign_in(client, tenant, email)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


class Socket:
    """A chat socket of one person (or nobody) that speaks JSON frames."""

    def __init__(self, host: str, cookie: str = "", origin: str | None = None, signed_in=None):
        self.host, self.cookie, self.signed_in = host, cookie, signed_in
        self.origin = f"http://{host}" if origin is None else origin
        self.closed_with: int | None = None

    async def open(self) -> dict | None:
        """Connects; the hello frame, or None when the server closed the socket (its code in closed_with)."""
        if self.signed_in is not None:  # (tenant, e-mail): signed in now, off the event loop
            self.cookie = await sync_to_async(cookie_of)(*self.signed_in)
        headers = [(b"host", self.host.encode())]
        if self.cookie:
            headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={self.cookie}".encode()))
        if self.origin:
            headers.append((b"origin", self.origin.encode()))
        self.communicator = WebsocketCommunicator(websocket_application, "/ws/chat/", headers=headers)
        connected, code = await self.communicator.connect()
        if not connected:
            self.closed_with = code
            return None
        first = await self.communicator.receive_output(timeout=5)
        if first["type"] == "websocket.close":
            self.closed_with = first.get("code")
            return None
        return json.loads(first["text"])

    async def send(self, frame) -> None:
        await self.communicator.send_to(text_data=frame if isinstance(frame, str) else json.dumps(frame))

    async def receive(self, timeout: float = 3) -> dict:
        output = await self.communicator.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            self.closed_with = output.get("code")
            return {"type": "closed", "code": output.get("code")}
        return json.loads(output["text"])

    async def until(self, kind: str, timeout: float = 3) -> dict:
        """The next frame of type `kind`, skipping others (typing, inbox, receipts)."""
        while True:
            frame = await self.receive(timeout)
            if frame["type"] == kind:
                return frame

    async def frames(self, kinds: tuple[str, ...] = ("message",), quiet: float = 0.3) -> list[dict]:
        """Every frame of `kinds` that arrives until nothing comes for `quiet` seconds."""
        found = []
        # receive_nothing waits without ending the application (a receive that times out would cancel it).
        while not await self.communicator.receive_nothing(timeout=quiet):
            frame = await self.receive()
            if frame["type"] in kinds:
                found.append(frame)
        return found

    async def nothing(self, quiet: float = 0.3) -> bool:
        return await self.communicator.receive_nothing(timeout=quiet)

    async def close(self) -> None:
        await self.communicator.disconnect()


def socket_of(tenant, email: str | None, **extra) -> Socket:
    return Socket(f"{tenant.slug}.localhost", signed_in=(tenant, email) if email else None, **extra)


def conversation_of(tenant, email: str):
    from realtime.chat import services

    with tenant_context(tenant):
        return services.conversation_for(user(tenant, email))
