"""`/ws/chat/`: the chat socket of customers and operators.

The tenant comes from the host (realtime.tenancy), the person from the sign-in cookie of that host, read in
the tenant's schema. Frames are JSON objects with a "type":

- client → server: `resume` {conversation?, after} joins a conversation and replays every message after
  sequence `after`; `send` {conversation?, client_id, body, note?}; `ack` {conversation, seq, read?};
  `typing` {conversation}; `ping`. A customer's `conversation` defaults to their own (the only one they may
  join); operators name it.
- server → client: `hello`, `message`, `resumed`, `sent` {client_id, seq, duplicate}, `receipt`, `typing`,
  `inbox` (operators), `pong`, `error` {code, message}.

A bad frame, an oversized one or a flood gets an `error` frame and is dropped; a client that keeps flooding is
closed (4429). Nothing a client sends crashes the consumer."""

from __future__ import annotations

import json
import logging
import time
from types import SimpleNamespace

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.core.exceptions import PermissionDenied, ValidationError

from cabinet.sockets import in_tenant

from . import push, selectors, services

log = logging.getLogger(__name__)

MAX_FRAME_BYTES = 16 * 1024
HEARTBEAT_SECONDS = 25
CLOSE_SIGNED_OUT = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_MODULE_OFF = 4404
CLOSE_FLOOD = 4429


class Bucket:
    """A token bucket: `burst` frames at once, then `rate` per second."""

    def __init__(self, burst: float, rate: float):
        self.burst, self.rate = burst, rate
        self.tokens, self.at = burst, time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


# Per socket: any frames, and messages among them; a socket refused this many frames in a row is closed.
FRAME_BURST, FRAME_RATE = 40, 10.0
SEND_BURST, SEND_RATE = 10, 2.0
FLOOD_CLOSE_AFTER = 50
TYPING_EVERY_SECONDS = 2.0


def _person(tenant_cookie: str | None):
    """The active person signed in with this cookie (in the current schema), or None."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import get_user

    if not tenant_cookie:
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore(tenant_cookie)
    person = get_user(SimpleNamespace(session=store))  # type: ignore[arg-type]
    return person if person.is_authenticated and person.is_active else None


def _open(cookie: str | None) -> tuple[object | None, bool, int]:
    """(person, module on, their conversation id or 0); the person is marked online."""
    from cabinet.portal.selectors import portal_state

    person = _person(cookie)
    if not portal_state().is_enabled("chat"):
        return person, False, 0
    if person is None:
        return None, True, 0
    if person.is_business_staff:
        if selectors.serves_chats(person):
            services.socket_opened(person)
        return person, True, 0
    services.socket_opened(person)
    return person, True, services.conversation_for(person).pk


def _hello(person, conversation_id: int) -> dict:
    state = selectors.availability()
    return {"type": "hello", "staff": person.is_business_staff, "user_id": person.pk,
            "conversation": conversation_id or None, "heartbeat": HEARTBEAT_SECONDS, "open_now": state.open_now,
            "back_at": state.back_at.isoformat() if state.back_at else None}


def _resume(person, conversation_id: int, after: int) -> tuple[list[dict], dict]:
    conversation = selectors.conversation(conversation_id)
    if conversation is None or not selectors.can_join(person, conversation):
        raise PermissionDenied
    staff = person.is_business_staff
    rows = selectors.replay(conversation.pk, after=after, staff=staff)
    frames = [push.message_frame(row) for row in rows]
    last = rows[-1].seq if rows else max(0, after)
    return frames, {"type": "resumed", "conversation": conversation.pk, "last_seq": conversation.last_seq,
                    "replayed_to": last, "more": bool(rows) and last < conversation.last_seq,
                    "marks": selectors.other_side_marks(conversation, staff=staff)}


def _send(person, conversation_id: int, client_id, body, note: bool) -> dict:
    message, created = services.post_message(conversation_id=conversation_id, author=person, body=body,
                                             client_id=client_id, note=note)
    return {"type": "sent", "conversation": conversation_id, "client_id": message.client_id, "seq": message.seq,
            "duplicate": not created}


def _can_join(person, conversation_id: int) -> bool:
    conversation = selectors.conversation(conversation_id)
    return conversation is not None and selectors.can_join(person, conversation)


class BadFrame(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def _whole(value, name: str, *, default=None) -> int:
    if value is None and default is not None:
        return default
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise BadFrame("bad_frame", f"{name} must be a whole number")
    return value


class ChatConsumer(AsyncWebsocketConsumer):
    person = None
    tenant = None
    own_conversation = 0

    async def connect(self):
        self.tenant = self.scope.get("tenant")
        self.joined: set[int] = set()
        self.groups_joined: set[str] = set()
        self.frames = Bucket(FRAME_BURST, FRAME_RATE)
        self.sends = Bucket(SEND_BURST, SEND_RATE)
        self.refused = 0
        self.typed_at: dict[int, float] = {}
        self.seen_at = 0.0
        await self.accept()
        if self.tenant is None:
            await self.close(code=CLOSE_MODULE_OFF)
            return
        cookie = self.scope.get("cookies", {}).get(self._cookie_name())
        person, enabled, conversation_id = await in_tenant(self.tenant, _open, cookie)
        if not enabled:
            await self.close(code=CLOSE_MODULE_OFF)
            return
        if person is None:
            await self.close(code=CLOSE_SIGNED_OUT)
            return
        if person.is_business_staff and not selectors.serves_chats(person):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.person, self.own_conversation = person, conversation_id
        self.seen_at = time.monotonic()
        if person.is_business_staff:
            await self._join_group(push.inbox_group(self.tenant.schema_name))
        await self._frame(await in_tenant(self.tenant, _hello, person, conversation_id))

    async def dispatch(self, message):
        """Channels' dispatch without its connection clean-up before every message: the consumer's database
        work goes through `in_tenant`, which tidies before and after, so a frame that needs no query costs none."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def websocket_disconnect(self, message):
        await self.disconnect(message.get("code", 1000))
        raise StopConsumer()

    @staticmethod
    def _cookie_name() -> str:
        from django.conf import settings

        return settings.SESSION_COOKIE_NAME

    async def disconnect(self, code):
        for group in list(getattr(self, "groups_joined", ())):
            await self.channel_layer.group_discard(group, self.channel_name)
        if self.person is not None:
            try:
                await in_tenant(self.tenant, services.socket_closed, self.person)
            except Exception:  # the socket is gone either way; presence expires without heartbeats
                log.exception("chat: could not record a closed socket")

    async def _join_group(self, group: str) -> None:
        if group not in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.add(group)

    async def _frame(self, frame: dict) -> None:
        await self.send(text_data=json.dumps(frame, ensure_ascii=False))

    async def _error(self, code: str, message: str, **extra) -> None:
        await self._frame({"type": "error", "code": code, "message": message, **extra})

    async def receive(self, text_data=None, bytes_data=None):
        if self.person is None:
            return
        if not self.frames.take():
            self.refused += 1
            if self.refused >= FLOOD_CLOSE_AFTER:
                await self.close(code=CLOSE_FLOOD)
                return
            await self._error("rate_limited", "too many frames; slow down", retry_after=1)
            return
        self.refused = 0
        try:
            if text_data is None:
                raise BadFrame("bad_frame", "frames are JSON text")
            if len(text_data.encode("utf-8", "surrogatepass")) > MAX_FRAME_BYTES:
                raise BadFrame("too_large", f"a frame is at most {MAX_FRAME_BYTES} bytes")
            try:
                frame = json.loads(text_data)
            except ValueError:
                raise BadFrame("bad_frame", "not JSON") from None
            if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
                raise BadFrame("bad_frame", "a frame is an object with a type")
            handler = getattr(self, f"on_{frame['type']}", None) if frame["type"].isidentifier() else None
            if handler is None:
                raise BadFrame("bad_frame", "unknown frame type")
            await handler(frame)
        except BadFrame as error:
            await self._error(error.code, str(error))
        except ValidationError as error:
            await self._error(getattr(error, "code", None) or "invalid", " ".join(error.messages))
        except PermissionDenied:
            await self._error("forbidden", "not a conversation of yours")
        except Exception:
            log.exception("chat: a frame failed")
            await self._error("server_error", "the frame could not be handled; try again")

    def _conversation_of(self, frame: dict) -> int:
        value = frame.get("conversation")
        if value is None and not self.person.is_business_staff:
            return self.own_conversation
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise BadFrame("bad_frame", "name the conversation")
        return value

    async def on_ping(self, frame):
        now = time.monotonic()
        if now - self.seen_at > HEARTBEAT_SECONDS / 2:
            self.seen_at = now
            await in_tenant(self.tenant, services.heartbeat, self.person)
        await self._frame({"type": "pong"})

    async def on_resume(self, frame):
        conversation_id = self._conversation_of(frame)
        after = _whole(frame.get("after"), "after", default=0)
        if conversation_id not in self.joined:
            if not await in_tenant(self.tenant, _can_join, self.person, conversation_id):
                raise PermissionDenied
            # Joined before the replay is read: a message stored meanwhile comes twice at worst (the client
            # keeps one per sequence number), never not at all.
            schema = self.tenant.schema_name
            await self._join_group(push.conversation_group(conversation_id, schema))
            if self.person.is_business_staff:
                await self._join_group(push.staff_group(conversation_id, schema))
            self.joined.add(conversation_id)
        frames, done = await in_tenant(self.tenant, _resume, self.person, conversation_id, after)
        for message in frames:
            await self._frame(message)
        await self._frame(done)

    on_join = on_resume

    async def on_leave(self, frame):
        conversation_id = self._conversation_of(frame)
        if conversation_id in self.joined:
            schema = self.tenant.schema_name
            for group in (push.conversation_group(conversation_id, schema), push.staff_group(conversation_id, schema)):
                if group in self.groups_joined:
                    await self.channel_layer.group_discard(group, self.channel_name)
                    self.groups_joined.discard(group)
            self.joined.discard(conversation_id)
        await self._frame({"type": "left", "conversation": conversation_id})

    async def on_send(self, frame):
        if not self.sends.take():
            await self._error("rate_limited", "too many messages; slow down", retry_after=1,
                              client_id=frame.get("client_id"))
            return
        conversation_id = self._conversation_of(frame)
        note = frame.get("note", False)
        if not isinstance(note, bool):
            raise BadFrame("bad_frame", "note is true or false")
        try:
            answer = await in_tenant(self.tenant, _send, self.person, conversation_id, frame.get("client_id"),
                                     frame.get("body"), note)
        except ValidationError as error:
            await self._error(getattr(error, "code", None) or "invalid", " ".join(error.messages),
                              client_id=frame.get("client_id"))
            return
        await self._frame(answer)

    async def on_ack(self, frame):
        conversation_id = self._conversation_of(frame)
        seq = _whole(frame.get("seq"), "seq")
        read = frame.get("read")
        if read is not None:
            read = _whole(read, "read")
        await in_tenant(self.tenant, services.acknowledge, conversation_id=conversation_id, user=self.person,
                        delivered=seq, read=read)

    async def on_typing(self, frame):
        conversation_id = self._conversation_of(frame)
        if conversation_id not in self.joined:
            raise BadFrame("not_joined", "resume the conversation first")
        now = time.monotonic()
        if now - self.typed_at.get(conversation_id, 0.0) < TYPING_EVERY_SECONDS:
            return
        self.typed_at[conversation_id] = now
        person = self.person
        await self.channel_layer.group_send(push.conversation_group(conversation_id, self.tenant.schema_name), {
            "type": "chat.frame", "frame": {
                "type": "typing", "conversation": conversation_id, "from_staff": person.is_business_staff,
                "user_id": person.pk, "name": person.display_name if person.is_business_staff else ""}})

    async def chat_frame(self, event):
        """A frame pushed to a group this socket is in."""
        await self._frame(event["frame"])
