"""Reads of the chat: who may join a conversation, replay after a sequence, the operators' queue and inbox,
who is online, business hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.module_loading import import_string

from cabinet import registry
from cabinet.portal.selectors import business_time_zone, portal_state

from . import hours
from .models import CannedReply, Conversation, Message, Presence, ReadMark

# Roles that serve chats (the owner always does): the inbox's entry in module.py says the same.
OPERATOR_ROLES = ("owner", "manager", "operator")
# A person is online while a socket of theirs sent a heartbeat this recently.
ONLINE_SECONDS = 90
REPLAY_LIMIT = 500


def serves_chats(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_business_staff
                and user.role in OPERATOR_ROLES)


def can_join(user, conversation: Conversation) -> bool:
    """A customer joins only their own conversation; an operator any of the business (the schema is the
    business: another's conversations are not in it)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_business_staff:
        return serves_chats(user)
    return conversation.customer_id == user.pk


def conversation(conversation_id: int) -> Conversation | None:
    return Conversation.objects.select_related("customer", "assignee").filter(pk=conversation_id).first()


def customer_conversation(customer) -> Conversation | None:
    return Conversation.objects.filter(customer=customer).first()


def replay(conversation_id: int, *, after: int, staff: bool, limit: int = REPLAY_LIMIT) -> list[Message]:
    """The messages after sequence `after`, in order (private notes only for staff), at most `limit`; the
    client asks again from the last one it got."""
    rows = Message.objects.filter(conversation_id=conversation_id, seq__gt=max(0, after)).select_related("author")
    if not staff:
        rows = rows.exclude(kind=Message.Kind.NOTE)
    return list(rows.order_by("seq")[:limit])


def other_side_marks(conversation: Conversation, *, staff: bool) -> dict[str, int]:
    """How far the other side has received and read: for a customer, the furthest any operator got; for
    operators, the customer's marks."""
    if staff:
        marks = ReadMark.objects.filter(conversation=conversation, user_id=conversation.customer_id)
    else:
        marks = ReadMark.objects.filter(conversation=conversation, user__role__in=OPERATOR_ROLES)
    delivered = max((m.delivered_seq for m in marks), default=0)
    read = max((m.read_seq for m in marks), default=0)
    return {"delivered": delivered, "read": read}


def is_online(user) -> bool:
    since = timezone.now() - timedelta(seconds=ONLINE_SECONDS)
    return Presence.objects.filter(user=user, sockets__gt=0, last_seen_at__gte=since).exists()


def online_operators() -> QuerySet:
    since = timezone.now() - timedelta(seconds=ONLINE_SECONDS)
    online = Presence.objects.filter(sockets__gt=0, last_seen_at__gte=since).values("user_id")
    return get_user_model().objects.filter(pk__in=online, is_active=True, role__in=OPERATOR_ROLES)


def operators() -> QuerySet:
    """Staff who serve chats, owners first, then by name (transfer targets)."""
    return get_user_model().objects.filter(is_active=True, role__in=OPERATOR_ROLES).order_by(
        Case(When(role="owner", then=Value(0)), default=Value(1)), "full_name", "email")


def away_operator_ids(*, minutes: int) -> set[int]:
    """Staff who serve open conversations and have had no chat socket for `minutes` (or never had one)."""
    since = timezone.now() - timedelta(minutes=minutes)
    serving = set(Conversation.objects.filter(status=Conversation.Status.OPEN, assignee__isnull=False)
                  .values_list("assignee_id", flat=True))
    present = set(Presence.objects.filter(user_id__in=serving).filter(
        Q(sockets__gt=0, last_seen_at__gte=timezone.now() - timedelta(seconds=ONLINE_SECONDS))
        | Q(last_seen_at__gte=since)).values_list("user_id", flat=True))
    return serving - present


def away_minutes() -> int:
    value = portal_state().setting("chat", "away_minutes")
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 10


def operator_limit() -> int:
    """At most this many open conversations are given to one operator automatically (0: none)."""
    value = portal_state().setting("chat", "operator_limit")
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 5


def priority_tiers() -> list[registry.SupportTier]:
    """The customers who come first in the queue (club members), as the modules that are on declare them
    for support (`Module.support_priorities`), highest rank first."""
    state = portal_state()
    tiers: list[registry.SupportTier] = []
    for priority in registry.support_priorities():
        if state.is_enabled(priority.module):
            tiers += import_string(priority.tiers)()
    return sorted((tier for tier in tiers if tier.rank > 0), key=lambda tier: -tier.rank)


def _with_priority(rows: QuerySet[Conversation]) -> QuerySet[Conversation]:
    tiers = priority_tiers()
    if not tiers:
        return rows.annotate(priority_rank=Value(0), priority_badge=Value(""))
    return rows.annotate(
        priority_rank=Case(*(When(customer_id__in=tier.customer_ids, then=Value(tier.rank)) for tier in tiers),
                           default=Value(0), output_field=IntegerField()),
        priority_badge=Case(*(When(customer_id__in=tier.customer_ids, then=Value(tier.badge)) for tier in tiers),
                            default=Value(""), output_field=CharField()))


def inbox(user, *, view: str = "", query: str = "") -> QuerySet[Conversation]:
    """The operator's inbox: open conversations with at least one message — `view` "mine" (given to
    `user`), "queue" (given to nobody), "closed", or every open one — with `unread` (messages of the customer
    after the operator's read mark) and `priority_rank`/`priority_badge`. Customers of a higher tier (club
    members) come first, then the longest wait, then the latest message."""
    rows = Conversation.objects.select_related("customer", "assignee").filter(last_seq__gt=0)
    if view == "closed":
        rows = rows.filter(status=Conversation.Status.CLOSED)
    else:
        rows = rows.filter(status=Conversation.Status.OPEN)
    if view == "mine":
        rows = rows.filter(assignee=user)
    elif view == "queue":
        rows = rows.filter(assignee__isnull=True)
    query = (query or "").strip()
    if query:
        rows = rows.filter(Q(customer__full_name__icontains=query) | Q(customer__email__icontains=query)
                           | Q(customer__phone__icontains=query)
                           | Q(pk__in=Message.objects.filter(body__icontains=query).exclude(
                               kind=Message.Kind.EVENT).values("conversation_id")))
    read = ReadMark.objects.filter(conversation=OuterRef("conversation_id"), user=user).values("read_seq")[:1]
    unread = (Message.objects.filter(conversation=OuterRef("pk"), from_staff=False,
                                     seq__gt=Coalesce(Subquery(read), 0))
              .order_by().values("conversation").annotate(n=Count("pk")).values("n")[:1])
    rows = _with_priority(rows).annotate(unread=Coalesce(Subquery(unread, output_field=IntegerField()), 0))
    if view == "closed":
        return rows.order_by("-closed_at", "-pk")
    order = ("-priority_rank", F("waiting_since").asc(nulls_last=True), "-last_message_at", "-pk")
    return rows.order_by(*order)


def inbox_row(user, conversation_id: int) -> Conversation | None:
    return inbox(user).filter(pk=conversation_id).first() or inbox(user, view="closed").filter(
        pk=conversation_id).first()


def canned_replies() -> QuerySet[CannedReply]:
    return CannedReply.objects.all()


@dataclass(frozen=True)
class Availability:
    open_now: bool
    back_at: datetime | None  # when the business opens next, in its time zone (None: open now or never)
    hours_known: bool


def availability(now: datetime | None = None) -> Availability:
    """Whether the business answers chats now, by the hours in the module's settings, in its time zone."""
    text = portal_state().setting("chat", "hours") or ""
    week = hours.parse(text)
    if week is None:
        return Availability(open_now=True, back_at=None, hours_known=False)
    local = (now or timezone.now()).astimezone(business_time_zone())
    if hours.is_open(week, local):
        return Availability(open_now=True, back_at=None, hours_known=True)
    return Availability(open_now=False, back_at=hours.next_opening(week, local), hours_known=True)


def personal_data(user) -> dict:
    found = Conversation.objects.filter(customer=user).first()
    if found is None:
        return {}
    return {"messages": [{"seq": m.seq, "from_staff": m.from_staff, "body": m.body, "at": m.created_at.isoformat()}
                         for m in found.messages.exclude(kind=Message.Kind.NOTE).order_by("seq")]}


def has_staff_message() -> bool:
    return Message.objects.filter(from_staff=True, kind=Message.Kind.TEXT).exists()
