"""One adapter per provider. Each `send(delivery)` returns the provider's answer (for the log) or raises
`Retry` (the provider may take it later: a 5xx, a timeout, a refused connection) or `Fail` (it never will:
a bad number, a refused address, nothing configured)."""

from __future__ import annotations

import functools
from typing import Any

import requests


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


@functools.cache
def http_session() -> requests.Session:
    """One HTTP session per worker process (made after the fork, on first use), so SMS and push calls reuse
    their connections (keep-alive) instead of opening one per message."""
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=8)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class Batch:
    """What the deliveries of one batch share: the business's settings (read once), one mail connection
    (opened on the first e-mail, closed at the end)."""

    def __init__(self) -> None:
        self._mail: Any = None
        self._options: Any = None
        self._loaded = False

    def options(self):
        if not self._loaded:
            from ..models import NotificationSettings

            self._options, self._loaded = NotificationSettings.objects.filter(pk=1).first(), True
        return self._options

    def mail_connection(self):
        if self._mail is None:
            from django.core.mail import get_connection

            self._mail = get_connection(fail_silently=False)
            self._mail.open()
        return self._mail

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, *exc) -> None:
        if self._mail is not None:
            try:
                self._mail.close()
            except Exception:  # noqa: S110 - a connection that will not close is dropped anyway
                pass
            self._mail = None
