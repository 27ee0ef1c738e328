"""Consumers every portal has, whatever its modules."""

from channels.generic.websocket import AsyncWebsocketConsumer


class PingConsumer(AsyncWebsocketConsumer):
    """`/ws/ping/`: answers "pong" to "ping", so a client (or an operator behind a proxy) can check that
    sockets reach the server. Needs no sign-in and reads nothing."""

    async def connect(self):
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None):
        if text_data == "ping":
            await self.send(text_data="pong")
