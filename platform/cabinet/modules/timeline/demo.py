"""Demo content of the timeline: a few calls and meetings with each demo customer, and one staff note, so
"My events" and the customer card are not empty in a demo business."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .models import Interaction

# (days ago, kind, note) for each demo customer; the note is data of the demo business, kept in English.
DEMO_INTERACTIONS = (
    (12, Interaction.Kind.CALL, "Welcome call: explained how to sign in and where to find documents and requests."),
    (5, Interaction.Kind.MEETING, "Met at the office: went through the last order and agreed on the next one."),
    (1, Interaction.Kind.CALL, "Called back about the open question; the customer is happy with the answer."),
    (1, Interaction.Kind.NOTE, "Prefers a call in the morning; ask about a yearly contract next time."),
)


@transaction.atomic
def seed_demo_content(vertical) -> None:
    User = get_user_model()
    if Interaction.objects.exists() or not vertical.demo_customers:
        return
    author = User.objects.filter(role="owner").order_by("pk").first()
    now = timezone.now()
    emails = [email for _name, email in vertical.demo_customers]
    for customer in User.objects.filter(email__in=emails, role="customer"):
        Interaction.objects.bulk_create(
            Interaction(customer=customer, author=author, kind=kind, text=text,
                        happened_at=now - timedelta(days=days, hours=customer.pk % 5))
            for days, kind, text in DEMO_INTERACTIONS)
