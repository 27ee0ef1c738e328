"""Local HTTP servers standing in for the SMS gateway and the Web Push service: the real client libraries
(requests, pywebpush) talk to them over a socket. Each records what it received; `answers` is the status
codes to give, one per request (the last one repeats)."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class FakeServer:
    answers: list[int] = field(default_factory=lambda: [201])
    received: list[Received] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Seconds each request takes before it is taken (a slow provider), and the header that names a message:
    # a repeat of a key already taken is answered 200 and dropped, as providers that honour keys do.
    delay: float = 0.0
    key_header: str = ""
    taken: dict[str, float] = field(default_factory=dict)  # key → time.monotonic() it was first taken
    repeats: int = 0

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://127.0.0.1:{port}"

    def start(self) -> FakeServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (the library's name)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if fake.delay:
                    time.sleep(fake.delay)
                with fake.lock:
                    fake.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                    status = fake.answers.pop(0) if len(fake.answers) > 1 else fake.answers[0]
                    key = self.headers.get(fake.key_header, "") if fake.key_header else ""
                    if key and 200 <= status < 300:
                        if key in fake.taken:
                            fake.repeats += 1
                        else:
                            fake.taken[key] = time.monotonic()
                payload = json.dumps({"status": status, "id": len(fake.received)}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def browser_key_pair():
    """A browser's subscription as its push service keeps it: the P-256 private key (to decrypt what arrives)
    and the keys the Push API gives the page (p256dh, auth), URL-safe base64 without padding."""
    import base64
    import os

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    private = ec.generate_private_key(ec.SECP256R1())
    raw = private.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    encode = lambda data: base64.urlsafe_b64encode(data).rstrip(b"=").decode()  # noqa: E731
    return private, encode(raw), encode(os.urandom(16))


def browser_keys() -> tuple[str, str]:
    """A browser's subscription keys (p256dh, auth) as the Push API gives them, so pywebpush really encrypts."""
    _private, p256dh, auth = browser_key_pair()
    return p256dh, auth


def mailbox_keys(directory) -> dict[str, int]:
    """How many messages of each idempotency key the local mailbox backend wrote into `directory`."""
    import email
    from pathlib import Path

    counts: dict[str, int] = {}
    for path in Path(directory).glob("*.eml"):
        key = email.message_from_bytes(path.read_bytes()).get("X-Idempotency-Key", "")
        counts[key] = counts.get(key, 0) + 1
    return counts


def start_worker(env: dict, log_path, *, beat: bool = True, concurrency: int = 2):
    """A real Celery worker (and beat, for the sweep) in its own process group, so SIGKILL reaches its pool."""
    import subprocess
    import sys

    command = [sys.executable, "-m", "celery", "-A", "cabinet", "worker", "--loglevel=INFO", "--pool=prefork",
               f"--concurrency={concurrency}", "--prefetch-multiplier=4", "--without-gossip", "--without-mingle",
               "-n", f"notify-{time.monotonic_ns()}@%h"]
    if beat:
        command += ["-B", "-s", str(log_path) + ".beat"]
    log = open(log_path, "ab")  # noqa: SIM115 - the process owns it until it stops
    return subprocess.Popen(command, env=env, stdout=log, stderr=log, start_new_session=True)
