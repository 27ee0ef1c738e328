"""The launcher's dealings with child processes and ports: progress lines, free ports, waiting for a server to
answer, stopping a child politely and then firmly. Tests and benchmarks that start servers use them too."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator


def say(text: str = "", *, end: str = "\n") -> None:
    """One line of what the launcher is doing, at once (the terminal is the progress bar of make run)."""
    print(text, end=end, flush=True)


@contextlib.contextmanager
def step(what: str) -> Iterator[None]:
    """Prints `what…`, then how long it took (or that it failed) on the same line."""
    say(f"  {what}… ", end="")
    started = time.monotonic()
    try:
        yield
    except BaseException:
        say("failed")
        raise
    say(f"done ({time.monotonic() - started:.1f} s)")


def free_port(preferred: int | None = None) -> int:
    """The preferred port if nothing listens there, otherwise any free one."""
    candidates = [preferred] if preferred else []
    for port in [*candidates, 0]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError("no free TCP port on 127.0.0.1")


def wait_until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not become ready within {timeout:.0f} s")


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def answers_http(host: str, port: int, path: str) -> bool:
    """Whether GET path on host:port answers 200 within a second."""
    import http.client

    conn = http.client.HTTPConnection(host, port, timeout=1)
    try:
        conn.request("GET", path)
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def stop_process(proc: subprocess.Popen, name: str, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(sig)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        print(f"{name} did not stop in {timeout:.0f} s; killing it", file=sys.stderr)
        proc.kill()
        proc.wait()
