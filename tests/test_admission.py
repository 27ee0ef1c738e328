"""The web process lets a bounded number of requests into Django at once (cabinet.admission)."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from cabinet.admission import BUFFERED_BODY_BYTES, AdmissionLimit, request_concurrency


def run(scenario):
    """Runs the scenario on an event loop of its own thread: a browser test of the same worker process may
    hold a running loop in the main thread (Playwright's sync API does)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, scenario).result()


class Recording:
    """An ASGI application that answers after `release` is set, echoing the body it read."""

    def __init__(self) -> None:
        self.inside = 0
        self.most_inside = 0
        self.release = asyncio.Event()
        self.after_start = asyncio.Event()

    async def __call__(self, scope, receive, send):
        self.inside += 1
        self.most_inside = max(self.most_inside, self.inside)
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await self.release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        self.inside -= 1
        await self.after_start.wait()  # e.g. a slow client still downloading
        await send({"type": "http.response.body", "body": body})


def request(app, path: str = "/", chunks: tuple[bytes, ...] = (b"",)):
    messages = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    sent = []

    async def receive():
        if messages:
            return messages.pop(0)
        await asyncio.sleep(3600)

    async def send(message):
        sent.append(message)

    async def run():
        await app({"type": "http", "path": path}, receive, send)
        return sent

    return run()


def test_at_most_the_limit_run_at_once_and_every_request_is_answered_with_its_body():
    async def scenario():
        inner = Recording()
        app = AdmissionLimit(inner, limit=2)
        tasks = [asyncio.create_task(request(app, chunks=(b"body ", str(n).encode()))) for n in range(6)]
        await asyncio.sleep(0.05)
        assert inner.inside == 2 and app.waiting == 4
        inner.release.set()
        await asyncio.sleep(0.05)
        # each place was left when its answer started: all six got in while the first downloads went on
        assert app.waiting == 0 and inner.most_inside == 2
        inner.after_start.set()
        results = await asyncio.gather(*tasks)
        assert sorted(r[-1]["body"] for r in results) == [f"body {n}".encode() for n in range(6)]
        assert all(r[0]["status"] == 200 for r in results)

    run(scenario())


def test_exempt_paths_and_big_bodies_do_not_wait_for_a_place_forever():
    async def scenario():
        inner = Recording()
        app = AdmissionLimit(inner, limit=1, exempt=lambda path: path.startswith("/static/"))
        blocked = asyncio.create_task(request(app))
        await asyncio.sleep(0.02)
        static = asyncio.create_task(request(app, "/static/x.css"))
        await asyncio.sleep(0.02)
        assert inner.inside == 2  # the static file went past the queue
        big = b"x" * (BUFFERED_BODY_BYTES + 10)
        upload = asyncio.create_task(request(app, chunks=(big, b"tail")))
        await asyncio.sleep(0.02)
        assert app.waiting == 1
        inner.release.set()
        inner.after_start.set()
        results = await asyncio.gather(blocked, static, upload)
        assert results[2][-1]["body"] == big + b"tail"

    run(scenario())


def test_the_limit_comes_from_the_environment_and_never_passes_the_connection_pool():
    assert request_concurrency({}) == 8
    assert request_concurrency({"WEB_REQUEST_CONCURRENCY": "3"}) == 3
    assert request_concurrency({"WEB_REQUEST_CONCURRENCY": "30", "DATABASE_POOL_SIZE": "20"}) == 20
    for bad in ("0", "many"):
        with pytest.raises(ValueError, match="WEB_REQUEST_CONCURRENCY"):
            request_concurrency({"WEB_REQUEST_CONCURRENCY": bad})
