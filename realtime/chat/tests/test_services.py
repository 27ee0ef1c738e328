"""The chat's writes and reads without sockets: sequence and dedupe under the database's constraints, pushes
only after commit, automatic assignment, the queue's order (club members first), business hours, and what
reaches a customer who is away."""

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from realtime.chat import hours, push, selectors, services
from realtime.chat.models import Conversation, Message, Presence

from .conftest import CUSTOMER, OWNER, conversation_of, make_user, user

pytestmark = pytest.mark.django_db


def post(tenant, email, body, client_id, conversation=None, **extra):
    with tenant_context(tenant):
        author = user(tenant, email)
        conversation = conversation or services.conversation_for(author)
        return services.post_message(conversation_id=conversation.pk, author=author, body=body,
                                     client_id=client_id, **extra)


def online(tenant, email):
    with tenant_context(tenant):
        services.socket_opened(user(tenant, email))


def test_sequence_numbers_follow_each_other_and_the_database_refuses_a_second_of_one(alpha):
    first, _ = post(alpha, CUSTOMER, "one", "a")
    second, _ = post(alpha, CUSTOMER, "two", "b")
    again, created = post(alpha, CUSTOMER, "two, sent again", "b")
    assert (first.seq, second.seq, again.pk, created) == (1, 2, second.pk, False)
    with tenant_context(alpha):
        assert Conversation.objects.get(pk=first.conversation_id).last_seq == 2
        for clash in ({"seq": 2, "client_id": "c"}, {"seq": 3, "client_id": "a"}):
            with pytest.raises(IntegrityError), transaction.atomic():
                Message.objects.create(conversation_id=first.conversation_id, body="x", **clash)


def test_nothing_is_pushed_before_the_commit(alpha, monkeypatch, django_capture_on_commit_callbacks):
    from django.db import transaction as real

    monkeypatch.setattr(services, "on_commit", lambda callback: real.on_commit(callback))
    conversation = conversation_of(alpha, CUSTOMER)
    with tenant_context(alpha):
        group = push.conversation_group(conversation.pk)

    def write():
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            post(alpha, CUSTOMER, "hello", "p1")
        return callbacks

    def commit(callbacks):
        with tenant_context(alpha):
            for callback in callbacks:
                callback()

    async def scenario():
        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        callbacks = await sync_to_async(write)()
        try:
            early = await asyncio.wait_for(layer.receive(channel), timeout=0.3)
        except TimeoutError:
            early = None
        await sync_to_async(commit)(callbacks)
        return callbacks, early, await asyncio.wait_for(layer.receive(channel), timeout=3)

    callbacks, early, received = async_to_sync(scenario)()
    assert callbacks and early is None  # stored, and waiting for the commit
    assert received["frame"]["body"] == "hello" and received["frame"]["seq"] == 1
    assert group.startswith("chat.t_alpha.")


def test_bad_messages_are_refused_with_a_reason(alpha):
    for body, client_id in (("", "a"), ("x" * 4001, "a"), ("hi", ""), ("hi", "no spaces"), ("hi", "x" * 65)):
        with pytest.raises(ValidationError) as refused:
            post(alpha, CUSTOMER, body, client_id)
        assert refused.value.messages
    with pytest.raises(PermissionDenied):
        post(alpha, CUSTOMER, "a note", "n", note=True)


def test_a_customer_writing_into_a_closed_conversation_opens_it_and_waits_again(alpha):
    message, _ = post(alpha, CUSTOMER, "hello", "a")
    post(alpha, OWNER, "hi!", "b", conversation=message.conversation)
    with tenant_context(alpha):
        services.close(conversation_id=message.conversation_id, by=user(alpha, OWNER))
        closed = Conversation.objects.get(pk=message.conversation_id)
        assert (closed.status, closed.waiting_since) == ("closed", None)
    post(alpha, CUSTOMER, "one more thing", "c")
    with tenant_context(alpha):
        again = Conversation.objects.get(pk=message.conversation_id)
        assert again.status == "open" and again.waiting_since is not None
        assert [m.kind for m in again.messages.order_by("seq")] == ["text", "text", "event", "text"]


def test_take_transfer_close_and_reopen(alpha):
    make_user(alpha, "ann@alpha.test", role="operator")
    make_user(alpha, "eve@alpha.test", role="editor")
    message, _ = post(alpha, CUSTOMER, "hello", "a")
    pk = message.conversation_id
    with tenant_context(alpha):
        owner, ann, eve = user(alpha, OWNER), user(alpha, "ann@alpha.test"), user(alpha, "eve@alpha.test")
        assert services.take(conversation_id=pk, operator=owner).assignee == owner
        with pytest.raises(ValidationError):
            services.take(conversation_id=pk, operator=owner)
        with pytest.raises(ValidationError):
            services.transfer(conversation_id=pk, to=eve, by=owner)  # editors serve no chats
        with pytest.raises(PermissionDenied):
            services.take(conversation_id=pk, operator=eve)
        assert services.transfer(conversation_id=pk, to=ann, by=owner).assignee == ann
        services.close(conversation_id=pk, by=ann)
        with pytest.raises(ValidationError):
            services.close(conversation_id=pk, by=ann)
        assert services.reopen(conversation_id=pk, by=ann).status == "open"
        events = list(Message.objects.filter(conversation_id=pk, kind="event").values_list("seq", flat=True))
        assert events == [2, 3, 4, 5]


def test_a_new_conversation_goes_to_the_least_loaded_operator_online_within_the_limit(alpha):
    from cabinet.portal.services import update_module_settings

    for name in ("ann", "bob", "cid"):
        make_user(alpha, f"{name}@alpha.test", role="operator")
    online(alpha, "ann@alpha.test")
    online(alpha, "bob@alpha.test")  # cid is away
    with tenant_context(alpha):
        update_module_settings("chat", {"operator_limit": 2, "hours": "", "away_minutes": 10})
    assignees = []
    for number in range(5):
        email = f"c{number}@alpha.test"
        make_user(alpha, email)
        message, _ = post(alpha, email, "hello", "a")
        with tenant_context(alpha):
            found = Conversation.objects.select_related("assignee").get(pk=message.conversation_id)
            assignees.append(found.assignee.email if found.assignee else None)
    assert assignees == ["ann@alpha.test", "bob@alpha.test", "ann@alpha.test", "bob@alpha.test", None]
    with tenant_context(alpha):
        Presence.objects.filter(user__email="ann@alpha.test").update(last_seen_at=timezone.now() - timedelta(hours=1))
        assert [u.email for u in selectors.online_operators()] == ["bob@alpha.test"]


def test_no_automatic_assignment_when_the_limit_is_zero(alpha):
    from cabinet.portal.services import update_module_settings

    online(alpha, OWNER)
    with tenant_context(alpha):
        update_module_settings("chat", {"operator_limit": 0, "hours": "", "away_minutes": 10})
    message, _ = post(alpha, CUSTOMER, "hello", "a")
    with tenant_context(alpha):
        assert Conversation.objects.get(pk=message.conversation_id).assignee is None


def test_the_queue_puts_club_members_first_then_the_longest_wait(alpha):
    from cabinet.modules.clubs import services as clubs
    from cabinet.modules.clubs.models import Club
    from cabinet.portal.services import enable_with_dependencies

    with tenant_context(alpha):
        enable_with_dependencies("clubs")
    for name in ("early", "late", "member"):
        make_user(alpha, f"{name}@alpha.test", full_name=name.title())
    start = timezone.now() - timedelta(hours=3)
    for offset, name in enumerate(("early", "late", "member")):
        message, _ = post(alpha, f"{name}@alpha.test", "hello", "a")
        with tenant_context(alpha):
            Conversation.objects.filter(pk=message.conversation_id).update(
                waiting_since=start + timedelta(minutes=offset), assignee=None)
    with tenant_context(alpha):
        club = Club.objects.create(name="Gold", slug="gold")
        clubs.join(club=club, customer=user(alpha, "member@alpha.test"))
        owner = user(alpha, OWNER)
        rows = list(selectors.inbox(owner, view="queue"))
    assert [(row.customer.full_name, row.priority_badge, row.unread) for row in rows] == [
        ("Member", "Gold", 1), ("Early", "", 1), ("Late", "", 1)]


def test_unread_counts_follow_the_operators_read_mark(alpha):
    message, _ = post(alpha, CUSTOMER, "one", "a")
    post(alpha, CUSTOMER, "two", "b")
    with tenant_context(alpha):
        owner = user(alpha, OWNER)
        assert selectors.inbox(owner).get(pk=message.conversation_id).unread == 2
        services.acknowledge(conversation_id=message.conversation_id, user=owner, delivered=2, read=1)
        assert selectors.inbox(owner).get(pk=message.conversation_id).unread == 1
        services.acknowledge(conversation_id=message.conversation_id, user=owner, delivered=1, read=0)  # never back
        assert selectors.inbox(owner).get(pk=message.conversation_id).unread == 1
    post(alpha, OWNER, "answer", "c", conversation=message.conversation)
    with tenant_context(alpha):
        assert selectors.inbox(owner).get(pk=message.conversation_id).unread == 0  # answering reads it all


def test_business_hours_in_the_business_time_zone(alpha):
    from cabinet.portal.models import Branding
    from cabinet.portal.selectors import business_time_zone
    from cabinet.portal.services import update_module_settings
    from cabinet.portal.state import forget_portal_state

    week = hours.parse("mon-fri 09:00-18:00\nsat 10:00-14:00\nnonsense\nsun 18:00-09:00")
    assert sorted(week) == [0, 1, 2, 3, 4, 5]
    assert hours.parse("") is None
    with tenant_context(alpha):
        Branding.objects.update(time_zone="Europe/Kyiv")
        forget_portal_state()
        update_module_settings("chat", {"hours": "mon-fri 09:00-18:00", "operator_limit": 5, "away_minutes": 10})
        kyiv = business_time_zone()
        assert kyiv == ZoneInfo("Europe/Kyiv")
        # 07:30 UTC on a Wednesday is 09:30 in Kyiv (winter): open.
        wednesday = datetime(2026, 12, 2, 7, 30, tzinfo=ZoneInfo("UTC"))
        assert selectors.availability(wednesday).open_now
        # Friday 17:00 UTC is 19:00 in Kyiv: closed until Monday 09:00 there.
        friday = datetime(2026, 12, 4, 17, 0, tzinfo=ZoneInfo("UTC"))
        state = selectors.availability(friday)
        assert not state.open_now and state.back_at == datetime(2026, 12, 7, 9, 0, tzinfo=kyiv)


def test_an_operators_message_reaches_an_away_customer_by_notification_and_in_my_events(alpha, alpha_client):
    from cabinet.notifications.models import Notification
    from tests.helpers import sign_in

    message, _ = post(alpha, CUSTOMER, "hello", "a")
    post(alpha, OWNER, "We have a room for you: https://example.com/room", "b", conversation=message.conversation)
    with tenant_context(alpha):
        notes = list(Notification.objects.filter(event="chat.reply").values_list("recipient__email", "event_id"))
    assert len(notes) == 1 and notes[0][0] == CUSTOMER
    sign_in(alpha_client, alpha, CUSTOMER)
    page = alpha_client.get("/timeline/")
    assert page.status_code == 200 and "in the chat" in page.content.decode()
    # Online, the customer reads it in the chat: no notification.
    online(alpha, CUSTOMER)
    post(alpha, OWNER, "Anything else?", "c", conversation=message.conversation)
    with tenant_context(alpha):
        assert Notification.objects.filter(event="chat.reply").count() == 1


def test_an_operator_away_past_the_grace_period_gives_their_conversations_back(alpha):
    from cabinet.portal.services import set_module_enabled, update_module_settings
    from realtime.chat.tasks import return_away_operators_conversations

    for name in ("ann", "bob"):
        make_user(alpha, f"{name}@alpha.test", role="operator")
    online(alpha, "ann@alpha.test")
    with tenant_context(alpha):
        update_module_settings("chat", {"operator_limit": 5, "hours": "", "away_minutes": 10})
    first, _ = post(alpha, CUSTOMER, "hello", "a")
    make_user(alpha, "second@alpha.test")
    second, _ = post(alpha, "second@alpha.test", "hi", "a")
    with tenant_context(alpha):
        ann, bob = user(alpha, "ann@alpha.test"), user(alpha, "bob@alpha.test")
        assert set(Conversation.objects.values_list("assignee", flat=True)) == {ann.pk}
        services.socket_closed(ann)  # Ann closed her last chat 5 minutes ago: within the grace period
        Presence.objects.filter(user=ann).update(last_seen_at=timezone.now() - timedelta(minutes=5))
        assert return_away_operators_conversations.apply().get() == 0
        Presence.objects.filter(user=ann).update(last_seen_at=timezone.now() - timedelta(minutes=11))
        services.socket_opened(bob)
        assert return_away_operators_conversations.apply().get() == 2
        assert set(Conversation.objects.values_list("assignee", flat=True)) == {bob.pk}
        last = Message.objects.filter(conversation_id=first.conversation_id).order_by("-seq").first()
        assert last.kind == "event" and "back in the queue" in last.body
        set_module_enabled("chat", False)
        assert return_away_operators_conversations.apply().get() is None
