"""The local mailbox: where outgoing e-mail goes when Kabinet runs on one machine without a mail server.

`make run` sets `EMAIL_BACKEND=cabinet.mailbox.MailboxBackend` unless `EMAIL_BACKEND` or `EMAIL_HOST` is set.
Each message is written as an .eml file under `MAILBOX_DIR` (`.data/mail/`), whichever process sent it (Daphne
or a Celery worker), and announced with one line in the terminal; the messages are read at `/dev/mail/` on the
platform host (`cabinet.mailbox.views`), which answers only on the local machine.
"""

from __future__ import annotations

import email
import ipaddress
import re
import secrets
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

BACKEND = "cabinet.mailbox.MailboxBackend"
MESSAGE_ID = re.compile(r"^\d{8}T\d{6}\d{6}-[0-9a-f]{8}$")
LIST_LIMIT = 500
DELIVERED_TO = "X-Mailbox-Delivered-To"  # Bcc recipients are not in the headers; this keeps everyone


def mailbox_dir() -> Path:
    return Path(settings.MAILBOX_DIR)


def is_active() -> bool:
    return settings.EMAIL_BACKEND == BACKEND


def page_url(message_id: str = "") -> str:
    """The mailbox page on the platform host, as printed in the terminal."""
    port = settings.PLATFORM_URL_PORT
    default = {"http": "80", "https": "443"}.get(settings.PLATFORM_URL_SCHEME)
    host = settings.PLATFORM_DOMAIN + (f":{port}" if port and port != default else "")
    return f"{settings.PLATFORM_URL_SCHEME}://{host}/dev/mail/" + (f"{message_id}/" if message_id else "")


class MailboxBackend(BaseEmailBackend):
    """Keeps every message as an .eml file and prints one line per message (to, subject, where to read it)."""

    def __init__(self, fail_silently=False, stream=None, **kwargs):
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.stream = stream or sys.stdout

    def send_messages(self, email_messages) -> int:
        sent = 0
        for message in email_messages:
            recipients = message.recipients()
            if not recipients:
                continue
            try:
                message_id = store(message.message().as_bytes(), recipients)
            except OSError:
                if not self.fail_silently:
                    raise
                continue
            self._announce(message_id, recipients, str(message.subject))
            sent += 1
        return sent

    def _announce(self, message_id: str, recipients: list[str], subject: str) -> None:
        line = f"  ✉ {', '.join(recipients)}: {subject}  {page_url(message_id)}\n"
        try:
            self.stream.write(line)
        except UnicodeEncodeError:  # a terminal without UTF-8
            self.stream.write(line.encode("ascii", "replace").decode("ascii"))
        self.stream.flush()


def store(raw: bytes, recipients: list[str]) -> str:
    """Writes one message; returns its id (sortable by time: newest last)."""
    folder = mailbox_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    message_id = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}"
    header = f"{DELIVERED_TO}: {', '.join(recipients)}\n".encode()
    path = folder / f"{message_id}.eml"
    path.write_bytes(header + raw)
    path.chmod(0o600)  # links in it sign people in
    return message_id


@dataclass
class Attachment:
    number: int
    filename: str
    content_type: str
    size: int


@dataclass
class Message:
    id: str
    received_at: datetime
    subject: str
    sender: str
    to: str
    delivered_to: str
    text: str = ""
    html: str = ""
    attachments: list[Attachment] = field(default_factory=list)


def _path(message_id: str) -> Path | None:
    if not MESSAGE_ID.fullmatch(message_id or ""):
        return None
    path = mailbox_dir() / f"{message_id}.eml"
    return path if path.is_file() else None


def _parse(path: Path) -> EmailMessage:
    with path.open("rb") as handle:
        return email.message_from_binary_file(handle, policy=policy.default)  # type: ignore[return-value]


def _received_at(message_id: str) -> datetime:
    return datetime.strptime(message_id.split("-")[0], "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)


def _summary(message_id: str, parsed: EmailMessage) -> Message:
    return Message(id=message_id, received_at=_received_at(message_id), subject=str(parsed.get("Subject", "")),
                   sender=str(parsed.get("From", "")), to=str(parsed.get("To", "")),
                   delivered_to=str(parsed.get(DELIVERED_TO, "")))


def _parts(parsed: EmailMessage) -> list:
    return [part for part in parsed.iter_attachments()]


def messages() -> list[Message]:
    """The newest messages first (at most LIST_LIMIT), headers only."""
    folder = mailbox_dir()
    if not folder.is_dir():
        return []
    found = sorted((p for p in folder.glob("*.eml") if MESSAGE_ID.fullmatch(p.stem)), reverse=True)[:LIST_LIMIT]
    result = []
    for path in found:
        parsed = _parse(path)
        summary = _summary(path.stem, parsed)
        summary.attachments = [Attachment(n, part.get_filename() or "", part.get_content_type(), 0)
                               for n, part in enumerate(_parts(parsed), start=1)]
        result.append(summary)
    return result


def message(message_id: str) -> Message | None:
    """One message with its text and HTML bodies and the list of its attachments; None if there is none."""
    path = _path(message_id)
    if path is None:
        return None
    parsed = _parse(path)
    found = _summary(message_id, parsed)
    text_part, html_part = parsed.get_body(preferencelist=("plain",)), parsed.get_body(preferencelist=("html",))
    found.text = text_part.get_content() if text_part is not None else ""
    found.html = html_part.get_content() if html_part is not None else ""
    for number, part in enumerate(_parts(parsed), start=1):
        payload = part.get_payload(decode=True) or b""
        found.attachments.append(Attachment(number, part.get_filename() or f"attachment-{number}",
                                            part.get_content_type(), len(payload)))
    return found


def attachment(message_id: str, number: int) -> tuple[Attachment, bytes] | None:
    path = _path(message_id)
    if path is None:
        return None
    for n, part in enumerate(_parts(_parse(path)), start=1):
        if n == number:
            payload = part.get_payload(decode=True) or b""
            return Attachment(n, part.get_filename() or f"attachment-{n}", part.get_content_type(),
                              len(payload)), payload
    return None


def empty() -> int:
    """Deletes every message; returns how many."""
    folder = mailbox_dir()
    removed = 0
    for path in folder.glob("*.eml") if folder.is_dir() else ():
        if MESSAGE_ID.fullmatch(path.stem):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def request_is_local(request) -> bool:
    """From this machine, straight to the app: a loopback client address and no proxy in between (a proxy on
    the same machine would make every visitor look local)."""
    if any(name in request.META for name in ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")):
        return False
    if settings.TRUSTED_PROXY_COUNT > 0:
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def page_allowed(request) -> bool:
    """The mailbox page exists only while mail goes to the mailbox, when it was switched on (LOCAL_MAILBOX_PAGE:
    on with DEBUG, and set by `make run`), and for a request from this machine."""
    return is_active() and settings.LOCAL_MAILBOX_PAGE and request_is_local(request)
