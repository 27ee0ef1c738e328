"""Reads of support requests. Modules that declare a dependency on support (feedback) read through here."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from . import topics
from .models import Request
from .module import DEFAULT_TOPICS


def topic_list(setting_text: str | None) -> list[str]:
    """The topics a customer picks from, as stored: one per line of the module setting, blanks and repeats
    dropped (the module's defaults when none is left)."""
    return topics.lines(setting_text) or topics.lines(DEFAULT_TOPICS)


def topic_choices(setting_text: str | None) -> list[tuple[str, str]]:
    """(stored topic, what the reader sees) for the topic field of a new request."""
    return [(topic, topics.label(topic)) for topic in topic_list(setting_text)]


def customer_requests(user) -> QuerySet[Request]:
    return Request.objects.filter(customer=user)


def customer_request(user, pk: int) -> Request | None:
    """The customer's own request, or None (someone else's looks exactly like a missing one)."""
    if not user.is_authenticated:
        return None
    return Request.objects.filter(customer=user, pk=pk).first()


def open_request_count(user) -> int:
    return Request.objects.filter(customer=user, status__in=Request.OPEN_STATUSES).count()


def staff_request_figures() -> dict[str, int]:
    """Open requests, and of them new ones nobody has taken up yet, for the owner's overview: one query."""
    from django.db.models import Count, Q

    return Request.objects.filter(status__in=Request.OPEN_STATUSES).aggregate(
        open=Count("pk"), new=Count("pk", filter=Q(status=Request.Status.NEW)))


def has_staff_reply() -> bool:
    from .models import RequestMessage

    return RequestMessage.objects.filter(from_staff=True).exists()


def finished_requests(user) -> QuerySet[Request]:
    """The customer's resolved and closed requests, newest first."""
    return Request.objects.filter(customer=user, status__in=Request.FINISHED_STATUSES)


def finished_request(user, pk: int) -> Request | None:
    """One of the customer's resolved or closed requests, or None."""
    if not user.is_authenticated:
        return None
    return finished_requests(user).filter(pk=pk).first()


def thread(support_request: Request) -> QuerySet:
    return support_request.messages.select_related("author")


def staff_queue(status: str = "", query: str = "") -> QuerySet[Request]:
    """The manage area's queue: open requests (or one status), oldest waiting first; `query` narrows it to
    requests whose number, subject or customer (name, e-mail, phone) contains it, in any letter case."""
    requests = Request.objects.select_related("customer")
    query = query.strip()
    if query:
        match = (Q(subject__icontains=query) | Q(contact_name__icontains=query) | Q(contact_email__icontains=query)
                 | Q(customer__full_name__icontains=query) | Q(customer__email__icontains=query)
                 | Q(customer__phone__icontains=query))
        if query.lstrip("#").isdigit():
            match |= Q(pk=int(query.lstrip("#")))
        requests = requests.filter(match)
    if status == "all":
        return requests.order_by("-updated_at", "-id")
    if status in Request.Status.values:
        return requests.filter(status=status).order_by("-updated_at", "-id")
    return requests.filter(status__in=Request.OPEN_STATUSES).order_by("updated_at", "id")


def staff_request(pk: int) -> Request | None:
    return Request.objects.select_related("customer").filter(pk=pk).first()


def personal_data(user) -> dict[str, Any]:
    """For "Export my data": the customer's requests with their whole conversation."""
    requests = customer_requests(user).prefetch_related("messages").order_by("created_at", "id")
    return {
        "support_requests": [
            {
                "id": r.pk, "topic": r.topic, "subject": r.subject, "message": r.message, "status": r.status,
                "contact_name": r.contact_name, "contact_phone": r.contact_phone, "contact_email": r.contact_email,
                "created_at": r.created_at.isoformat(),
                "messages": [{"from_staff": m.from_staff, "body": m.body, "created_at": m.created_at.isoformat()}
                             for m in r.messages.all()],
            }
            for r in requests
        ],
    }
