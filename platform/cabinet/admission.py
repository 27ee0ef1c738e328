"""How many HTTP requests a web process works on at once: the rest wait their turn on the event loop.

Django runs every request of the ASGI server in a thread of its own. Past a few requests per core, more
threads only share the same cores and the interpreter's lock: each request holds its database connection
longer, threads that come back from a query wait behind those computing, and the throughput falls (at 200
clients it was less than half that at 50). So the application lets `WEB_REQUEST_CONCURRENCY` requests
into Django at once per process (default 8, at most the connection pool's size); the others wait, costing
no thread and no connection, first come first served. A request leaves its place as soon as its answer
starts (a slow download does not hold it), and its body is read before it queues (a slow upload does not
hold it either, up to `BUFFERED_BODY_BYTES`; a larger body streams in as usual). Sockets, static files and
the health probes are answered without queueing.

A kernel leaf: it imports nothing of the project.
"""

from __future__ import annotations

import asyncio
import os

BUFFERED_BODY_BYTES = 1024 * 1024
DEFAULT_CONCURRENCY = 8


def request_concurrency(environ=None) -> int:
    """WEB_REQUEST_CONCURRENCY (a positive whole number), else 8; never above DATABASE_POOL_SIZE when set."""
    environ = os.environ if environ is None else environ
    value = (environ.get("WEB_REQUEST_CONCURRENCY") or "").strip()
    limit = DEFAULT_CONCURRENCY
    if value:
        try:
            limit = int(value)
        except ValueError:
            raise ValueError(f"WEB_REQUEST_CONCURRENCY must be a whole number, not {value!r}") from None
        if limit < 1:
            raise ValueError(f"WEB_REQUEST_CONCURRENCY must be at least 1, not {limit}")
    pool = (environ.get("DATABASE_POOL_SIZE") or "").strip()
    if pool.isdigit() and int(pool) > 0:
        limit = min(limit, int(pool))
    return limit


class AdmissionLimit:
    """ASGI middleware: at most `limit` HTTP requests inside `inner` at once (per event loop, i.e. per
    process); `exempt(path)` says which paths skip the queue."""

    def __init__(self, inner, *, limit: int, exempt=lambda path: False) -> None:
        self.inner = inner
        self.limit = limit
        self.exempt = exempt
        self._semaphores: dict[int, asyncio.Semaphore] = {}
        self.waiting = 0

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        semaphore = self._semaphores.get(id(loop))
        if semaphore is None:
            semaphore = self._semaphores[id(loop)] = asyncio.Semaphore(self.limit)
        return semaphore

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or self.exempt(scope.get("path", "")):
            return await self.inner(scope, receive, send)
        replay = await _read_body(receive)

        async def replaying_receive():
            if replay:
                return replay.pop(0)
            return await receive()

        semaphore = self._semaphore()
        held = False

        def release() -> None:
            nonlocal held
            if held:
                held = False
                semaphore.release()

        async def releasing_send(message):
            if message["type"] == "http.response.start":
                release()  # the answer is made; sending it is the server's work
            await send(message)

        self.waiting += 1
        try:
            await semaphore.acquire()
            held = True
        finally:
            self.waiting -= 1
        try:
            return await self.inner(scope, replaying_receive, releasing_send)
        finally:
            release()


async def _read_body(receive) -> list[dict]:
    """The request's first messages: the whole body when it is at most BUFFERED_BODY_BYTES (else the rest
    still comes through `receive`)."""
    messages: list[dict] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages  # a disconnect: Django sees it and stops
        size += len(message.get("body", b""))
        if not message.get("more_body", False) or size > BUFFERED_BODY_BYTES:
            return messages
