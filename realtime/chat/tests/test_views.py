"""The chat's pages: the customer's panel (and the button on every portal page), the operators' inbox and a
conversation with its actions, canned replies; who may open what."""

import pytest
from django_tenants.utils import tenant_context

from realtime.chat import services
from realtime.chat.models import CannedReply, Conversation, Message
from tests.helpers import sign_in

from .conftest import CUSTOMER, OWNER, conversation_of, make_user, user

pytestmark = pytest.mark.django_db


def say(tenant, email, body, client_id, conversation):
    with tenant_context(tenant):
        return services.post_message(conversation_id=conversation.pk, author=user(tenant, email), body=body,
                                     client_id=client_id)[0]


def test_the_chat_button_is_on_portal_pages_of_signed_in_customers_while_the_module_is_on(alpha, alpha_client):
    from cabinet.portal.services import set_module_enabled

    assert "data-chat-open" not in alpha_client.get("/").content.decode()  # nobody signed in
    sign_in(alpha_client, alpha, CUSTOMER)
    assert "data-chat-open" in alpha_client.get("/").content.decode()
    with tenant_context(alpha):
        set_module_enabled("chat", False)
    assert "data-chat-open" not in alpha_client.get("/").content.decode()
    assert alpha_client.get("/chat/").status_code == 404


def test_the_panel_shows_the_history_with_links_and_without_notes(alpha, alpha_client):
    conversation = conversation_of(alpha, CUSTOMER)
    say(alpha, CUSTOMER, "Where do I park?", "a", conversation)
    say(alpha, OWNER, "See https://example.com/parking please", "b", conversation)
    with tenant_context(alpha):
        services.post_message(conversation_id=conversation.pk, author=user(alpha, OWNER), body="secret note",
                              client_id="n", note=True)
    sign_in(alpha_client, alpha, CUSTOMER)
    page = alpha_client.get("/chat/").content.decode()
    assert "Where do I park?" in page and '<a href="https://example.com/parking"' in page
    assert "secret note" not in page


def test_a_customer_can_write_without_scripts_and_a_resent_form_is_stored_once(alpha, alpha_client):
    sign_in(alpha_client, alpha, CUSTOMER)
    for _ in range(2):
        answer = alpha_client.post("/chat/send/", {"body": "Hello there", "client_id": "form-1"})
        assert answer.status_code == 302
    assert alpha_client.post("/chat/send/", {"body": "", "client_id": "form-2"}, follow=True).status_code == 200
    with tenant_context(alpha):
        assert list(Message.objects.filter(conversation__customer__email=CUSTOMER).values_list("body", flat=True)) == [
            "Hello there"]


def test_staff_have_no_customer_panel_and_customers_no_inbox(alpha, alpha_client):
    sign_in(alpha_client, alpha, OWNER)
    assert alpha_client.get("/chat/").status_code == 403
    sign_in(alpha_client, alpha, CUSTOMER)
    assert alpha_client.get("/manage/chat/").status_code == 403


def test_the_inbox_shows_names_unread_counts_and_waiting(alpha, alpha_client):
    make_user(alpha, "zoe@alpha.test", full_name="Zoe Quiet")
    conversation = conversation_of(alpha, CUSTOMER)
    conversation_of(alpha, "zoe@alpha.test")  # opened the panel, wrote nothing: not in the inbox
    say(alpha, CUSTOMER, "one", "a", conversation)
    say(alpha, CUSTOMER, "two", "b", conversation)
    sign_in(alpha_client, alpha, OWNER)
    page = alpha_client.get("/manage/chat/?view=queue").content.decode()
    assert "alpha customer" in page and '<span class="chat-unread">2</span>' in page and "Zoe Quiet" not in page
    assert "<time datetime=" in page
    assert "alpha customer" in alpha_client.get("/manage/chat/?q=two").content.decode()
    assert "alpha customer" not in alpha_client.get("/manage/chat/?q=nothing-like-it").content.decode()
    row = alpha_client.get(f"/manage/chat/{conversation.pk}/row/")
    assert row.status_code == 200 and f'id="chat-row-{conversation.pk}"' in row.content.decode()
    assert alpha_client.get("/manage/chat/?view=whatever").status_code == 200


def test_an_operator_takes_answers_notes_hands_over_and_closes(alpha, alpha_client):
    make_user(alpha, "ann@alpha.test", role="operator", full_name="Ann")
    make_user(alpha, "bob@alpha.test", role="operator", full_name="Bob")
    conversation = conversation_of(alpha, CUSTOMER)
    say(alpha, CUSTOMER, "hello", "a", conversation)
    sign_in(alpha_client, alpha, "ann@alpha.test")
    base = f"/manage/chat/{conversation.pk}/"
    assert alpha_client.get(base).status_code == 200
    assert alpha_client.post(base + "take/").status_code == 302
    alpha_client.post(base + "send/", {"body": "Hi, Ann here", "client_id": "s1"})
    alpha_client.post(base + "send/", {"body": "Likes quiet rooms", "client_id": "s2", "note": "1"})
    with tenant_context(alpha):
        bob = user(alpha, "bob@alpha.test")
    assert alpha_client.post(base + "transfer/", {"to": bob.pk}).status_code == 302
    assert alpha_client.post(base + "transfer/", {"to": "nobody"}, follow=True).status_code == 200
    assert alpha_client.post(base + "close/").status_code == 302
    assert alpha_client.post(base + "reopen/").status_code == 302
    with tenant_context(alpha):
        found = Conversation.objects.get(pk=conversation.pk)
        assert found.assignee == bob and found.status == "open"
        kinds = list(found.messages.order_by("seq").values_list("kind", "body"))
    assert kinds[:4] == [("text", "hello"), ("event", "Ann joined the conversation."), ("text", "Hi, Ann here"),
                         ("note", "Likes quiet rooms")]
    assert [k for k, _ in kinds[4:]] == ["event", "event", "event"]
    staff_page = alpha_client.get(base).content.decode()
    assert "Likes quiet rooms" in staff_page
    assert alpha_client.get("/manage/chat/999999/").status_code == 404
    assert alpha_client.post("/manage/chat/999999/take/").status_code == 404


def test_canned_replies_are_kept_by_managers_and_offered_to_operators(alpha, alpha_client):
    make_user(alpha, "ann@alpha.test", role="operator")
    sign_in(alpha_client, alpha, OWNER)
    assert alpha_client.post("/manage/chat/canned/", {"title": "Hi", "body": "Hello! How can I help?"}).status_code == 302
    refused = alpha_client.post("/manage/chat/canned/", {"title": "hi", "body": ""})
    assert refused.status_code == 400 and "field-error" in refused.content.decode()
    conversation = conversation_of(alpha, CUSTOMER)
    say(alpha, CUSTOMER, "hello", "a", conversation)
    sign_in(alpha_client, alpha, "ann@alpha.test")
    assert 'data-canned="Hello! How can I help?"' in alpha_client.get(f"/manage/chat/{conversation.pk}/").content.decode()
    assert alpha_client.get("/manage/chat/canned/").status_code == 403
    with tenant_context(alpha):
        assert CannedReply.objects.count() == 1


def test_another_business_sees_none_of_it(alpha, beta, beta_client):
    conversation = conversation_of(alpha, CUSTOMER)
    say(alpha, CUSTOMER, "alpha's words", "a", conversation)
    sign_in(beta_client, beta, "owner@bravo.test")
    assert "alpha&#x27;s words" not in beta_client.get("/manage/chat/?q=alpha").content.decode()
    page = beta_client.get(f"/manage/chat/{conversation.pk}/")
    assert page.status_code == 404 or "alpha" not in page.content.decode()
