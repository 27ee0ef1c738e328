"""Demo content of the support module: one answered request for the first demo customer, stages for a topic
of each industry template and a request in progress through them for the second demo customer."""

from django.contrib.auth import get_user_model
from django.db import transaction

from cabinet.portal.selectors import portal_state

from . import services
from .models import Request

# Per industry template: (topic, its stages, the demo task's subject and message, how many moves it has had).
DEMO_TASKS = {
    "wholesale": ("Order", ("Received", "Being picked", "Shipped", "Delivered"),
                  "Purchase order for the new shop", "Please confirm the delivery date of our order.", 2),
    "franchise": ("Equipment", ("Received", "Technician on the way", "Repaired"),
                  "Coffee machine leaks", "The espresso machine at our point leaks under the group head.", 1),
    "resort": ("Room and services", ("Received", "In progress", "Done"),
               "Extra bed in the room", "Could you put an extra bed in our room for our son?", 1),
    "clinic": ("Test results", ("Sample taken", "In the laboratory", "Results ready"),
               "Blood test results", "When will my blood test results be ready?", 1),
}


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
    _seed_task(vertical, topics, owner)


def _seed_task(vertical, topics: list[str], owner) -> None:
    """Stages for one topic of the template and a request that has moved through some of them (quietly: the
    demo customer is told nothing)."""
    from django.contrib.auth import get_user_model

    found = DEMO_TASKS.get(vertical.key)
    if found is None or found[0] not in topics:
        return
    topic, names, subject, message, moves = found
    email = vertical.demo_customers[min(1, len(vertical.demo_customers) - 1)][1]
    customer = get_user_model().objects.filter(email__iexact=email).first()
    if customer is None:
        return
    stages = services.save_topic_stages(topic=topic, text="\n".join(names), topics=topics)
    task = services.create_request(customer=customer, topic=topic, topics=topics, subject=subject, message=message,
                                   contact_name=customer.full_name, contact_email=customer.email or "")
    services.assign(support_request=task, assignee=owner, by=owner, staff_roles=("owner",))
    current = stages[0].pk
    for stage in stages[1:moves + 1]:
        services.move_stage(support_request=task, stage_id=stage.pk, expected_stage_id=current, by=owner, quiet=True)
        current = stage.pk
