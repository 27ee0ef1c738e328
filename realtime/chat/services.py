"""Writes of the chat: messages (stored first, then pushed once the transaction commits), delivered and read
marks, taking, transferring, closing and reopening a conversation, automatic assignment, presence."""

from __future__ import annotations

import re
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.db.models.functions import Greatest, Least
from django.utils import timezone
from django.utils.translation import gettext as _

from . import push, selectors
from .models import CannedReply, Conversation, Message, Presence, ReadMark

BODY_MAX = 4000
CLIENT_ID = re.compile(r"^[A-Za-z0-9_.:\-]{1,64}$")


def on_commit(callback) -> None:
    """Runs `callback` once the current transaction commits (at once outside one)."""
    transaction.on_commit(callback, robust=True)


def conversation_for(customer) -> Conversation:
    """The customer's conversation with the business, made the first time they open the chat."""
    if customer.is_business_staff:
        raise PermissionDenied("staff have no conversation of their own")
    conversation, _created = Conversation.objects.get_or_create(customer=customer)
    return conversation


def _check_body(body) -> str:
    if not isinstance(body, str) or not body.strip():
        raise ValidationError(_("Write a message."), code="empty")
    body = body.strip()
    if len(body) > BODY_MAX:
        raise ValidationError(_("Keep a message under %(max)s characters (now %(length)s).")
                              % {"max": BODY_MAX, "length": len(body)}, code="too_long")
    return body


def _check_client_id(client_id) -> str:
    if not isinstance(client_id, str) or not CLIENT_ID.match(client_id):
        raise ValidationError(_("Every message needs an id made by its sender (letters, digits, - _ . :, at "
                                "most 64)."), code="bad_client_id")
    return client_id


def _append(conversation: Conversation, *, kind: str, body: str, client_id: str, author, from_staff: bool,
            now) -> Message:
    """The next message of a conversation locked by the caller."""
    conversation.last_seq += 1
    conversation.last_message_at = now
    message = Message.objects.create(conversation=conversation, seq=conversation.last_seq, client_id=client_id,
                                     kind=kind, author=author, from_staff=from_staff, body=body, created_at=now)
    on_commit(lambda: push.message(message))
    return message


@transaction.atomic
def post_message(*, conversation_id: int, author, body, client_id, note: bool = False,
                 tell_away: bool = True) -> tuple[Message, bool]:
    """Stores a message of `author` in the conversation and pushes it once stored. A `client_id` the
    conversation already has returns that message and stores nothing (a resend), so (message, created).
    Customers write only in their own conversation; staff who serve chats in any, and only they write private
    notes. A customer writing in a closed conversation reopens it. An operator's message reaches a customer
    with no chat open through `notify` (unless `tell_away` is False: demo content)."""
    client_id = _check_client_id(client_id)
    body = _check_body(body)
    conversation = Conversation.objects.select_for_update().filter(pk=conversation_id).first()
    if conversation is None or not selectors.can_join(author, conversation):
        raise PermissionDenied("not a conversation of this person")
    from_staff = author.is_business_staff
    if note and not from_staff:
        raise PermissionDenied("customers write no notes")
    existing = Message.objects.filter(conversation=conversation, client_id=client_id).first()
    if existing is not None:
        return existing, False
    now = timezone.now()
    fields = ["last_seq", "last_message_at"]
    if not from_staff:
        if conversation.status == Conversation.Status.CLOSED:
            conversation.status, conversation.closed_at = Conversation.Status.OPEN, None
            fields += ["status", "closed_at"]
        if conversation.waiting_since is None:
            conversation.waiting_since = now
            fields.append("waiting_since")
    elif not note:
        conversation.waiting_since = None
        fields.append("waiting_since")
        if conversation.assignee_id is None:  # who answers a waiting conversation takes it
            conversation.assignee = author
            fields.append("assignee")
    message = _append(conversation, kind=Message.Kind.NOTE if note else Message.Kind.TEXT, body=body,
                      client_id=client_id, author=author, from_staff=from_staff, now=now)
    conversation.save(update_fields=fields)
    _advance(conversation, author, delivered=message.seq, read=message.seq)  # one has read what one wrote
    if not from_staff and conversation.assignee_id is None:
        assign_automatically(conversation)
    if from_staff and not note and tell_away:
        on_commit(lambda: _tell_if_away(message))
    on_commit(lambda: push.inbox(conversation))
    return message, True


def _tell_if_away(message: Message) -> None:
    """An operator's message reaches a customer who has no chat open through their notification channels."""
    from django.db import connection

    from cabinet.notifications.services import notify
    from cabinet.tenancy import tenant_url

    customer = message.conversation.customer
    if not customer.is_active or selectors.is_online(customer):
        return
    notify(customer, "chat.reply", {"customer": customer, "reply": message.body,
                                     "link": tenant_url(connection.tenant).rstrip("/") + "/chat/"},  # type: ignore[attr-defined]
           url="/chat/", event_id=f"chat.reply:{message.pk}")


def _advance(conversation: Conversation, user, *, delivered: int, read: int | None) -> ReadMark:
    """Moves the person's marks forward (never back, never past the last message)."""
    delivered = max(0, min(delivered, conversation.last_seq))
    read = delivered if read is None else max(0, min(read, delivered))
    mark, created = ReadMark.objects.get_or_create(conversation=conversation, user=user,
                                                   defaults={"delivered_seq": delivered, "read_seq": read})
    if not created:
        ReadMark.objects.filter(pk=mark.pk).update(delivered_seq=Greatest(F("delivered_seq"), delivered),
                                                   read_seq=Least(Greatest(F("read_seq"), read),
                                                                  Greatest(F("delivered_seq"), delivered)))
        mark.refresh_from_db()
    return mark


@transaction.atomic
def acknowledge(*, conversation_id: int, user, delivered: int, read: int | None = None) -> ReadMark:
    """The person's client has received everything up to `delivered` (and read up to `read`); the other
    side sees the marks."""
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None or not selectors.can_join(user, conversation):
        raise PermissionDenied("not a conversation of this person")
    if not isinstance(delivered, int) or isinstance(delivered, bool) or (
            read is not None and (not isinstance(read, int) or isinstance(read, bool))):
        raise ValidationError(_("Sequence numbers are whole numbers."), code="bad_seq")
    before = ReadMark.objects.filter(conversation=conversation, user=user).first()
    mark = _advance(conversation, user, delivered=delivered, read=read)
    if before is None or (before.delivered_seq, before.read_seq) != (mark.delivered_seq, mark.read_seq):
        on_commit(lambda: push.receipt(conversation, user, mark))
        if user.is_business_staff:
            on_commit(lambda: push.inbox(conversation))
    return mark


def _event(conversation: Conversation, text: str, by, now) -> Message:
    message = _append(conversation, kind=Message.Kind.EVENT, body=text, client_id=f"event:{conversation.last_seq + 1}",
                      author=by, from_staff=True, now=now)
    return message


def _lock(conversation_id: int) -> Conversation:
    conversation = Conversation.objects.select_for_update().filter(pk=conversation_id).first()
    if conversation is None:
        raise ValidationError(_("There is no such conversation."), code="missing")
    return conversation


def _require_operator(user) -> None:
    if not selectors.serves_chats(user):
        raise PermissionDenied("only staff who serve chats")


@transaction.atomic
def take(*, conversation_id: int, operator) -> Conversation:
    """The operator takes the conversation (from the queue, or from a colleague)."""
    _require_operator(operator)
    conversation = _lock(conversation_id)
    if conversation.assignee_id == operator.pk:
        raise ValidationError(_("You already serve this conversation."), code="already")
    conversation.assignee = operator
    now = timezone.now()
    _event(conversation, _("%(name)s joined the conversation.") % {"name": operator.display_name}, operator, now)
    conversation.save(update_fields=["assignee", "last_seq", "last_message_at"])
    on_commit(lambda: push.inbox(conversation))
    return conversation


@transaction.atomic
def transfer(*, conversation_id: int, to, by) -> Conversation:
    """Gives the conversation to a colleague who serves chats."""
    _require_operator(by)
    if to is None or not selectors.serves_chats(to):
        raise ValidationError(_("Choose a colleague who serves chats."), code="bad_operator")
    conversation = _lock(conversation_id)
    if conversation.assignee_id == to.pk:
        raise ValidationError(_("The conversation is already with this person."), code="already")
    conversation.assignee = to
    now = timezone.now()
    _event(conversation, _("%(name)s took over the conversation.") % {"name": to.display_name}, by, now)
    conversation.save(update_fields=["assignee", "last_seq", "last_message_at"])
    on_commit(lambda: push.inbox(conversation))
    return conversation


@transaction.atomic
def close(*, conversation_id: int, by) -> Conversation:
    _require_operator(by)
    conversation = _lock(conversation_id)
    if conversation.status == Conversation.Status.CLOSED:
        raise ValidationError(_("The conversation is already closed."), code="already")
    now = timezone.now()
    conversation.status, conversation.closed_at, conversation.waiting_since = Conversation.Status.CLOSED, now, None
    _event(conversation, _("The conversation was closed."), by, now)
    conversation.save(update_fields=["status", "closed_at", "waiting_since", "last_seq", "last_message_at"])
    on_commit(lambda: push.inbox(conversation))
    return conversation


@transaction.atomic
def reopen(*, conversation_id: int, by) -> Conversation:
    _require_operator(by)
    conversation = _lock(conversation_id)
    if conversation.status == Conversation.Status.OPEN:
        raise ValidationError(_("The conversation is open."), code="already")
    now = timezone.now()
    conversation.status, conversation.closed_at = Conversation.Status.OPEN, None
    _event(conversation, _("The conversation was reopened."), by, now)
    conversation.save(update_fields=["status", "closed_at", "last_seq", "last_message_at"])
    on_commit(lambda: push.inbox(conversation))
    return conversation


def assign_automatically(conversation: Conversation) -> bool:
    """Gives a waiting conversation (locked by the caller) to the least-loaded operator online who serves
    fewer open conversations than the business's limit; the lowest id breaks ties. The candidates' presence
    rows are locked, so two conversations assigned at once cannot both fill an operator's last place."""
    limit = selectors.operator_limit()
    if limit <= 0:
        return False
    candidates = list(selectors.online_operators().values_list("pk", flat=True))
    if not candidates:
        return False
    list(Presence.objects.select_for_update().filter(user_id__in=candidates).order_by("user_id"))
    loads = dict(Conversation.objects.filter(status=Conversation.Status.OPEN, assignee_id__in=candidates)
                 .values_list("assignee_id").annotate(n=Count("pk")).values_list("assignee_id", "n"))
    free = sorted((loads.get(pk, 0), pk) for pk in candidates if loads.get(pk, 0) < limit)
    if not free:
        return False
    from django.contrib.auth import get_user_model

    conversation.assignee = get_user_model().objects.get(pk=free[0][1])
    conversation.save(update_fields=["assignee"])
    return True


def return_to_queue_from_away(*, minutes: int) -> int:
    """Open conversations whose operator has had no chat open for `minutes` go back to the queue (each with a
    line in its history), then to the least-loaded operator online with room. How many went back."""
    away = selectors.away_operator_ids(minutes=minutes)
    returned = 0
    for conversation_id in Conversation.objects.filter(status=Conversation.Status.OPEN,
                                                       assignee_id__in=away).values_list("pk", flat=True):
        with transaction.atomic():
            conversation = _lock(conversation_id)
            if conversation.status != Conversation.Status.OPEN or conversation.assignee_id not in away:
                continue  # taken or closed meanwhile
            name = conversation.assignee.display_name if conversation.assignee else ""
            conversation.assignee = None
            _event(conversation, _("%(name)s is away; the conversation is back in the queue.") % {"name": name},
                   None, timezone.now())
            conversation.save(update_fields=["assignee", "last_seq", "last_message_at"])
            assign_automatically(conversation)
            on_commit(lambda conversation=conversation: push.inbox(conversation))
            returned += 1
    return returned


def socket_opened(user) -> None:
    now = timezone.now()
    presence, created = Presence.objects.get_or_create(user=user, defaults={"sockets": 1, "last_seen_at": now})
    if not created:
        # A count left from a process that died (no heartbeat for long) starts again from this socket.
        stale = now - timedelta(seconds=selectors.ONLINE_SECONDS)
        Presence.objects.filter(pk=presence.pk, last_seen_at__lt=stale).update(sockets=0)
        Presence.objects.filter(pk=presence.pk).update(sockets=F("sockets") + 1, last_seen_at=now)


def socket_closed(user) -> None:
    Presence.objects.filter(user=user, sockets__gt=0).update(sockets=F("sockets") - 1, last_seen_at=timezone.now())


def heartbeat(user) -> None:
    Presence.objects.filter(user=user).update(last_seen_at=timezone.now())


# --- canned replies ----------------------------------------------------------------------------------------

def save_canned_reply(*, title: str, body: str, pk: int | None = None) -> CannedReply:
    title, errors = (title or "").strip(), {}
    if not title:
        errors["title"] = [_("Give the reply a short title.")]
    elif len(title) > 100:
        errors["title"] = [_("Keep the title under 100 characters.")]
    elif CannedReply.objects.filter(title__iexact=title).exclude(pk=pk or 0).exists():
        errors["title"] = [_("Another reply has this title.")]
    try:
        body = _check_body(body)
    except ValidationError as error:
        errors["body"] = error.messages
    if errors:
        raise ValidationError(errors)
    if pk is None:
        return CannedReply.objects.create(title=title, body=body)
    reply = CannedReply.objects.get(pk=pk)
    reply.title, reply.body = title, body
    reply.save(update_fields=["title", "body"])
    return reply


def delete_canned_reply(*, pk: int) -> None:
    CannedReply.objects.filter(pk=pk).delete()


def erase_personal_data(user) -> None:
    """The customer's messages stay (the business's records) without their words."""
    Message.objects.filter(conversation__customer=user, from_staff=False).update(body="—")

