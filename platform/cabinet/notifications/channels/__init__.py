"""One adapter per provider. Each `send(delivery)` returns the provider's answer (for the log) or raises
`Retry` (the provider may take it later: a 5xx, a timeout, a refused connection) or `Fail` (it never will:
a bad number, a refused address, nothing configured)."""

from __future__ import annotations


class DeliveryError(Exception):
    def __init__(self, detail: str, target: str = ""):
        super().__init__(detail)
        self.detail = detail[:2000]
        self.target = target


class Retry(DeliveryError):
    pass


class Fail(DeliveryError):
    pass


def answer_of(response) -> str:
    """A provider's HTTP answer as one log line: status and the start of the body."""
    body = (getattr(response, "text", "") or "").strip().replace("\n", " ")
    return f"HTTP {response.status_code} {body[:500]}".strip()
