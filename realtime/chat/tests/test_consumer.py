"""The chat socket, end to end through the ASGI stack and real Redis: order, dedupe, replay after a
reconnect, isolation of tenants and customers, operators' rights, bad frames and floods."""

import json

import pytest
from asgiref.sync import async_to_sync
from django_tenants.utils import tenant_context

from realtime.chat import consumers
from realtime.chat.models import Message

from .conftest import CUSTOMER, OWNER, Socket, conversation_of, cookie_of, make_user, socket_of

pytestmark = pytest.mark.django_db


def run(coroutine_function):
    return async_to_sync(coroutine_function)()


def stored(tenant, conversation):
    with tenant_context(tenant):
        return list(Message.objects.filter(conversation=conversation).order_by("seq")
                    .values_list("seq", "client_id", "body"))


def test_messages_keep_their_order_and_reach_the_operator(alpha):
    conversation = conversation_of(alpha, CUSTOMER)

    async def scenario():
        customer, owner = socket_of(alpha, CUSTOMER), socket_of(alpha, OWNER)
        hello = await customer.open()
        assert hello["conversation"] == conversation.pk and hello["staff"] is False
        assert (await owner.open())["staff"] is True
        await customer.send({"type": "resume", "after": 0})
        await owner.send({"type": "resume", "conversation": conversation.pk, "after": 0})
        assert (await customer.until("resumed"))["last_seq"] == 0
        await owner.until("resumed")
        acks = []
        for number in range(1, 6):
            await customer.send({"type": "send", "client_id": f"c-{number}", "body": f"hello {number}"})
            acks.append(await customer.until("sent"))
        seen = await owner.frames()
        await customer.close()
        await owner.close()
        return acks, seen

    acks, seen = run(scenario)
    assert [(a["client_id"], a["seq"], a["duplicate"]) for a in acks] == [(f"c-{n}", n, False) for n in range(1, 6)]
    assert [(f["seq"], f["body"], f["from_staff"]) for f in seen] == [(n, f"hello {n}", False) for n in range(1, 6)]
    assert [row[0] for row in stored(alpha, conversation)] == [1, 2, 3, 4, 5]


def test_a_resent_message_is_stored_once(alpha):
    conversation = conversation_of(alpha, CUSTOMER)

    async def scenario():
        customer = socket_of(alpha, CUSTOMER)
        await customer.open()
        frame = {"type": "send", "client_id": "same-id", "body": "only once"}
        await customer.send(frame)
        first = await customer.until("sent")
        await customer.close()
        again = socket_of(alpha, CUSTOMER)  # the connection dropped before the client saw the ack: it resends
        await again.open()
        await again.send(frame)
        second = await again.until("sent")
        await again.close()
        return first, second

    first, second = run(scenario)
    assert (first["seq"], first["duplicate"]) == (1, False)
    assert (second["seq"], second["duplicate"]) == (1, True)
    assert stored(alpha, conversation) == [(1, "same-id", "only once")]


def test_a_client_that_reconnects_gets_what_it_missed_once_and_in_order(alpha):
    conversation = conversation_of(alpha, CUSTOMER)

    async def scenario():
        customer, owner = socket_of(alpha, CUSTOMER), socket_of(alpha, OWNER)
        await customer.open()
        await owner.open()
        await customer.send({"type": "resume", "after": 0})
        await customer.until("resumed")
        await customer.send({"type": "send", "client_id": "q1", "body": "Is the pool open?"})
        await customer.until("message")
        await customer.close()  # the customer's train enters a tunnel
        for number in range(3):
            await owner.send({"type": "send", "conversation": conversation.pk, "client_id": f"o{number}",
                              "body": f"answer {number}"})
            await owner.until("sent")
        back = socket_of(alpha, CUSTOMER)
        await back.open()
        await back.send({"type": "resume", "after": 1})
        replayed = [await back.until("message") for _ in range(3)]
        done = await back.until("resumed")
        await owner.send({"type": "send", "conversation": conversation.pk, "client_id": "o-live", "body": "live"})
        live = await back.until("message")
        await back.close()
        await owner.close()
        return replayed, done, live

    replayed, done, live = run(scenario)
    assert [(f["seq"], f["body"]) for f in replayed] == [(2, "answer 0"), (3, "answer 1"), (4, "answer 2")]
    assert done["last_seq"] == 4 and done["more"] is False
    assert (live["seq"], live["body"]) == (5, "live")


def test_a_customer_never_joins_or_writes_into_another_customers_conversation(alpha):
    make_user(alpha, "other@alpha.test")
    others = conversation_of(alpha, "other@alpha.test")

    async def scenario():
        intruder = socket_of(alpha, CUSTOMER)
        await intruder.open()
        await intruder.send({"type": "resume", "conversation": others.pk, "after": 0})
        joined = await intruder.receive()
        await intruder.send({"type": "send", "conversation": others.pk, "client_id": "x1", "body": "hi"})
        wrote = await intruder.receive()
        await intruder.send({"type": "ack", "conversation": others.pk, "seq": 1})
        acked = await intruder.receive()
        victim = socket_of(alpha, "other@alpha.test")
        await victim.open()
        await victim.send({"type": "resume", "after": 0})
        await victim.until("resumed")
        await victim.send({"type": "send", "client_id": "v1", "body": "private words"})
        await victim.until("sent")
        leaked = await intruder.frames(("message",))
        await intruder.close()
        await victim.close()
        return joined, wrote, acked, leaked

    joined, wrote, acked, leaked = run(scenario)
    assert joined["type"] == wrote["type"] == acked["type"] == "error"
    assert joined["code"] == wrote["code"] == acked["code"] == "forbidden"
    assert leaked == []
    assert [row[1] for row in stored(alpha, others)] == ["v1"]


def test_tenants_are_apart_on_sockets(alpha, beta):
    conversation = conversation_of(alpha, CUSTOMER)
    alpha_cookie = cookie_of(alpha, CUSTOMER)

    async def scenario():
        # Alpha's sign-in cookie means nothing on bravo's host.
        stranger = Socket("bravo.localhost", alpha_cookie)
        refused = await stranger.open()
        # Bravo's owner joins bravo's conversation with the same number: alpha's messages never reach it.
        bravo_owner = socket_of(beta, "owner@bravo.test")
        await bravo_owner.open()
        await bravo_owner.send({"type": "resume", "conversation": conversation.pk, "after": 0})
        answer = await bravo_owner.receive()
        customer = socket_of(alpha, CUSTOMER)
        await customer.open()
        await customer.send({"type": "send", "client_id": "a1", "body": "alpha only"})
        await customer.until("sent")
        leaked = await bravo_owner.frames(("message", "inbox"))
        await customer.close()
        await bravo_owner.close()
        return refused, stranger.closed_with, answer, leaked

    refused, code, answer, leaked = run(scenario)
    assert refused is None and code == consumers.CLOSE_SIGNED_OUT
    assert answer["type"] in ("error", "resumed")
    if answer["type"] == "resumed":  # bravo has a conversation with this number: its own, without alpha's words
        assert answer["last_seq"] == 0
    assert leaked == []


def test_operators_join_any_conversation_of_their_business_and_only_they_write_notes(alpha):
    conversation = conversation_of(alpha, CUSTOMER)
    make_user(alpha, "operator@alpha.test", role="operator")
    make_user(alpha, "editor@alpha.test", role="editor")

    async def scenario():
        editor = socket_of(alpha, "editor@alpha.test")
        editor_hello = await editor.open()
        anonymous = Socket("alpha.localhost")
        anonymous_hello = await anonymous.open()
        operator, customer = socket_of(alpha, "operator@alpha.test"), socket_of(alpha, CUSTOMER)
        await operator.open()
        await customer.open()
        await customer.send({"type": "resume", "after": 0})
        await customer.until("resumed")
        await operator.send({"type": "resume", "conversation": conversation.pk, "after": 0})
        await operator.until("resumed")
        await customer.send({"type": "send", "client_id": "n1", "body": "a note?", "note": True})
        customer_note = await customer.receive()
        await operator.send({"type": "send", "conversation": conversation.pk, "client_id": "n2",
                             "body": "VIP, be kind", "note": True})
        note = await operator.until("message")  # pushed on commit, before the answer to the sender
        await operator.send({"type": "send", "conversation": conversation.pk, "client_id": "r1", "body": "Hello!"})
        await operator.until("sent")
        customer_sees = await customer.frames()
        await operator.close()
        await customer.close()
        return (editor_hello, editor.closed_with, anonymous_hello, anonymous.closed_with, customer_note, note,
                customer_sees)

    editor_hello, editor_code, anonymous_hello, anonymous_code, customer_note, note, customer_sees = run(scenario)
    assert editor_hello is None and editor_code == consumers.CLOSE_FORBIDDEN
    assert anonymous_hello is None and anonymous_code == consumers.CLOSE_SIGNED_OUT
    assert customer_note["type"] == "error" and customer_note["code"] == "forbidden"
    assert (note["kind"], note["body"]) == ("note", "VIP, be kind")
    assert [(f["kind"], f["body"]) for f in customer_sees] == [("text", "Hello!")]
    # A later replay does not give the note to the customer either.
    with tenant_context(alpha):
        from realtime.chat import selectors

        assert [m.body for m in selectors.replay(conversation.pk, after=0, staff=False)] == ["Hello!"]


def test_bad_frames_get_an_error_and_the_socket_keeps_working(alpha):
    conversation = conversation_of(alpha, CUSTOMER)

    async def scenario():
        customer = socket_of(alpha, CUSTOMER)
        await customer.open()
        answers = []
        for frame in ("not json", "[1, 2]", '{"no": "type"}', '{"type": "__class__"}', '{"type": "explode"}',
                      json.dumps({"type": "send", "client_id": "x" * 65, "body": "hi"}),
                      json.dumps({"type": "send", "client_id": "ok-1", "body": "   "}),
                      json.dumps({"type": "send", "client_id": "ok-2", "body": "y" * 4001}),
                      json.dumps({"type": "send", "client_id": "ok-3", "body": ["list"]}),
                      json.dumps({"type": "resume", "after": -1}),
                      json.dumps({"type": "ack", "seq": "12"}),
                      json.dumps({"type": "send", "client_id": "big", "body": "z" * (consumers.MAX_FRAME_BYTES + 1)})):
            await customer.send(frame)
            answers.append(await customer.receive())
        await customer.communicator.send_to(bytes_data=b"\x00\x01")
        answers.append(await customer.receive())
        await customer.send({"type": "ping"})
        pong = await customer.receive()
        await customer.close()
        return answers, pong

    answers, pong = run(scenario)
    assert [a["type"] for a in answers] == ["error"] * len(answers)
    codes = [a["code"] for a in answers]
    assert codes == ["bad_frame"] * 5 + ["bad_client_id", "empty", "too_long", "empty", "bad_frame", "bad_frame",
                                         "too_large", "bad_frame"]
    assert all(a["message"] for a in answers)
    assert pong == {"type": "pong"}
    assert stored(alpha, conversation) == []


def test_a_flood_is_limited_then_closed(alpha, monkeypatch):
    conversation_of(alpha, CUSTOMER)
    monkeypatch.setattr(consumers, "FLOOD_CLOSE_AFTER", 20)
    # Slow refills, so a slow machine cannot earn new tokens while the flood is sent.
    monkeypatch.setattr(consumers, "SEND_RATE", 0.1)
    monkeypatch.setattr(consumers, "FRAME_RATE", 1.0)

    async def scenario():
        customer = socket_of(alpha, CUSTOMER)
        await customer.open()
        sent = []
        for number in range(consumers.SEND_BURST + 5):
            await customer.send({"type": "send", "client_id": f"f{number}", "body": "spam"})
            sent.append(await customer.receive())
        for _ in range(consumers.FRAME_BURST + 40):
            await customer.send({"type": "ping"})
        frames = []
        while True:
            frame = await customer.receive()
            frames.append(frame)
            if frame["type"] == "closed":
                break
        return sent, frames

    sent, frames = run(scenario)
    kinds = [(f["type"], f.get("code")) for f in sent if f["type"] != "message"]
    assert kinds[:consumers.SEND_BURST] == [("sent", None)] * consumers.SEND_BURST
    assert ("error", "rate_limited") in kinds[consumers.SEND_BURST:]
    assert any(f.get("code") == "rate_limited" for f in frames)
    assert frames[-1] == {"type": "closed", "code": consumers.CLOSE_FLOOD}


def test_a_page_of_another_site_cannot_open_the_socket(alpha):
    async def scenario():
        forged = socket_of(alpha, CUSTOMER, origin="https://evil.example")
        return await forged.open(), forged.closed_with

    assert run(scenario) == (None, 4403)


def test_marks_and_typing_reach_the_other_side(alpha):
    conversation = conversation_of(alpha, CUSTOMER)

    async def scenario():
        customer, owner = socket_of(alpha, CUSTOMER), socket_of(alpha, OWNER)
        await customer.open()
        await owner.open()
        await customer.send({"type": "resume", "after": 0})
        await customer.until("resumed")
        await owner.send({"type": "resume", "conversation": conversation.pk, "after": 0})
        await owner.until("resumed")
        await owner.send({"type": "send", "conversation": conversation.pk, "client_id": "o1", "body": "Hi!"})
        await customer.until("message")
        await customer.send({"type": "ack", "seq": 1, "read": 1})
        receipt = await owner.until("receipt")
        await customer.send({"type": "typing"})
        typing = await owner.until("typing")
        await customer.send({"type": "ack", "seq": 99})  # past the last message: capped, never an error
        await owner.close()
        await customer.close()
        return receipt, typing

    receipt, typing = run(scenario)
    assert (receipt["from_staff"], receipt["delivered"], receipt["read"]) == (False, 1, 1)
    assert typing["from_staff"] is False and typing["conversation"] == conversation.pk


def test_the_socket_closes_when_the_module_is_off(alpha):
    from cabinet.portal.services import set_module_enabled

    with tenant_context(alpha):
        set_module_enabled("chat", False)

    async def scenario():
        customer = socket_of(alpha, CUSTOMER)
        return await customer.open(), customer.closed_with

    assert run(scenario) == (None, consumers.CLOSE_MODULE_OFF)
