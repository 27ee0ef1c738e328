"""Demo content of the support module: one answered request for the first demo customer."""

from django.contrib.auth import get_user_model
from django.db import transaction

from cabinet.portal.selectors import portal_state

from . import services
from .models import Request


@transaction.atomic
def seed_demo_content(vertical) -> None:
    User = get_user_model()
    if Request.objects.exists() or not vertical.demo_customers:
        return
    customer = User.objects.filter(email__iexact=vertical.demo_customers[0][1]).first()
    owner = User.objects.filter(role="owner").order_by("pk").first()
    topics = [t.strip() for t in (portal_state().setting("support", "topics") or "").splitlines() if t.strip()]
    if customer is None or owner is None or not topics:
        return
    request = services.create_request(
        customer=customer, topic=topics[0], topics=topics, subject="Question about my documents",
        message="Hello! Could you send me a copy of my last document, please?",
        contact_name=customer.full_name, contact_email=customer.email or "")
    services.add_reply(request, author=owner, body="Of course — it is in “My documents” now. Anything else?")
