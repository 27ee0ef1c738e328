"""Demo content of the chat: the first demo customer's conversation with the business, answered, and canned
replies operators start from."""

from django.contrib.auth import get_user_model
from django.db import transaction

from . import services
from .models import CannedReply, Conversation

CANNED = (("Greeting", "Hello! Thank you for writing to us. How can I help?"),
          ("One moment", "One moment, please: I am checking this for you."),
          ("Goodbye", "Glad I could help. Write any time!"))


@transaction.atomic
def seed_demo_content(vertical) -> None:
    User = get_user_model()
    if Conversation.objects.exists() or CannedReply.objects.exists():
        return
    for title, body in CANNED:
        services.save_canned_reply(title=title, body=body)
    if not vertical.demo_customers:
        return
    customer = User.objects.filter(email__iexact=vertical.demo_customers[0][1]).first()
    owner = User.objects.filter(role="owner").order_by("pk").first()
    if customer is None or owner is None:
        return
    conversation = services.conversation_for(customer)
    services.post_message(conversation_id=conversation.pk, author=customer, client_id="demo-1",
                          body="Hello! Can I change the time of my visit next week?")
    services.post_message(conversation_id=conversation.pk, author=owner, client_id="demo-2", tell_away=False,
                          body="Hello! Of course: tell me the day and time that suit you, and I will move it.")
