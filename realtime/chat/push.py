"""What the chat pushes through the channel layer, always after the write is committed. The layer is
at-most-once: a client that misses a push gets the message again when it resumes from its last sequence.

Group names carry the schema, so no push ever reaches a socket of another business."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection

from .models import Conversation, Message, ReadMark


def _schema() -> str:
    return connection.schema_name  # type: ignore[attr-defined]


def conversation_group(conversation_id: int, schema: str | None = None) -> str:
    """Everyone in the conversation: its customer and the operators who opened it."""
    return f"chat.{schema or _schema()}.c{conversation_id}"


def staff_group(conversation_id: int, schema: str | None = None) -> str:
    """The operators who opened the conversation (private notes go only here)."""
    return f"chat.{schema or _schema()}.c{conversation_id}.staff"


def inbox_group(schema: str | None = None) -> str:
    """Every operator's inbox of the business."""
    return f"chat.{schema or _schema()}.inbox"


def message_frame(message: Message) -> dict:
    author = message.author
    return {"type": "message", "conversation": message.conversation_id, "seq": message.seq,
            "client_id": message.client_id, "kind": message.kind, "from_staff": message.from_staff,
            "author": author.display_name if author is not None else "", "author_id": message.author_id,
            "body": message.body, "at": message.created_at.isoformat()}


def _send(group: str, frame: dict) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, {"type": "chat.frame", "frame": frame})


def message(message: Message) -> None:
    frame = message_frame(message)
    if message.kind == Message.Kind.NOTE:
        _send(staff_group(message.conversation_id), frame)
    else:
        _send(conversation_group(message.conversation_id), frame)


def receipt(conversation: Conversation, user, mark: ReadMark) -> None:
    _send(conversation_group(conversation.pk), {
        "type": "receipt", "conversation": conversation.pk, "from_staff": user.is_business_staff,
        "user_id": user.pk, "delivered": mark.delivered_seq, "read": mark.read_seq})


def typing(conversation_id: int, user) -> None:
    _send(conversation_group(conversation_id), {
        "type": "typing", "conversation": conversation_id, "from_staff": user.is_business_staff,
        "user_id": user.pk, "name": user.display_name if user.is_business_staff else ""})


def inbox(conversation: Conversation) -> None:
    """Tells the operators' inboxes that a conversation changed (they fetch its row again)."""
    _send(inbox_group(), {"type": "inbox", "conversation": conversation.pk, "last_seq": conversation.last_seq,
                          "status": conversation.status, "assignee_id": conversation.assignee_id})
