"""Reads of support requests. Modules that declare a dependency on support (feedback) read through here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Case, CharField, IntegerField, Q, QuerySet, Value, When
from django.utils.module_loading import import_string

from cabinet import registry
from cabinet.portal.selectors import portal_state

from . import topics
from .models import Attachment, Request, Stage, StageMove
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
    return support_request.messages.select_related("author").prefetch_related("attachments")


def request_files(support_request: Request) -> QuerySet[Attachment]:
    """The files sent with the request itself (those of replies come with the thread)."""
    return support_request.attachments.filter(message__isnull=True)


def staff_queue(status: str = "", query: str = "", *, assignee: str = "", me=None) -> QuerySet[Request]:
    """The manage area's queue: open requests (or one status), oldest waiting first; `query` narrows it to
    requests whose number, subject or customer (name, e-mail, phone) contains it, in any letter case;
    `assignee` to "mine" (given to `me`), "none" (given to nobody) or one staff member's id."""
    requests = Request.objects.select_related("customer", "assignee", "stage")
    if assignee == "mine":
        requests = requests.filter(assignee=me)
    elif assignee == "none":
        requests = requests.filter(assignee__isnull=True)
    elif assignee.isdigit():
        requests = requests.filter(assignee_id=int(assignee))
    query = query.strip()
    if query:
        match = (Q(subject__icontains=query) | Q(contact_name__icontains=query) | Q(contact_email__icontains=query)
                 | Q(customer__full_name__icontains=query) | Q(customer__email__icontains=query)
                 | Q(customer__phone__icontains=query))
        if query.lstrip("#").isdigit():
            match |= Q(pk=int(query.lstrip("#")))
        requests = requests.filter(match)
    if status == "all":
        requests, order = requests, ("-updated_at", "-id")
    elif status in Request.Status.values:
        requests, order = requests.filter(status=status), ("-updated_at", "-id")
    else:
        requests, order = requests.filter(status__in=Request.OPEN_STATUSES), ("updated_at", "id")
    # Requests of customers a module ranks higher (club members) first, then the usual order.
    return with_priority(requests).order_by(*("-priority_rank", *order))


def priority_tiers() -> list[registry.SupportTier]:
    """The tiers of customers whose requests come first, declared by modules that are on (club members),
    highest rank first."""
    state = portal_state()
    tiers: list[registry.SupportTier] = []
    for priority in registry.support_priorities():
        if state.is_enabled(priority.module):
            tiers += import_string(priority.tiers)()
    return sorted((tier for tier in tiers if tier.rank > 0), key=lambda tier: -tier.rank)


def with_priority(requests: QuerySet[Request]) -> QuerySet[Request]:
    """Requests annotated with `priority_rank` (0: none) and `priority_badge` ("": none) of the highest
    tier their customer is in; sorted on in SQL."""
    tiers = priority_tiers()
    if not tiers:
        return requests.annotate(priority_rank=Value(0), priority_badge=Value(""))
    return requests.annotate(
        priority_rank=Case(*(When(customer_id__in=tier.customer_ids, then=Value(tier.rank)) for tier in tiers),
                           default=Value(0), output_field=IntegerField()),
        priority_badge=Case(*(When(customer_id__in=tier.customer_ids, then=Value(tier.badge)) for tier in tiers),
                            default=Value(""), output_field=CharField()))


def staff_request(pk: int) -> Request | None:
    return Request.objects.select_related("customer", "assignee", "stage").filter(pk=pk).first()


def assignable_staff(roles: tuple[str, ...]):
    """Active staff members of `roles` a request may be given to, owners first, then by name."""
    from cabinet.portal.selectors import staff_members

    return staff_members().filter(is_active=True, role__in=roles)


# --- stages ---------------------------------------------------------------------------------------------

def topic_stages(topic: str) -> list[Stage]:
    """The stages of a topic in order (archived ones left out)."""
    return list(Stage.objects.filter(topic=topic, archived=False).order_by("position", "id"))


def stages_by_topic(topic_names: list[str]) -> dict[str, list[Stage]]:
    """{topic: its stages in order} for the manage area's "Stages" page, in one query."""
    found: dict[str, list[Stage]] = {topic: [] for topic in topic_names}
    for stage in Stage.objects.filter(topic__in=topic_names, archived=False).order_by("position", "id"):
        found[stage.topic].append(stage)
    return found


@dataclass(frozen=True)
class Step:
    stage: Stage
    state: str  # "done", "current" or "next"
    reached_at: datetime | None  # when the request last came to this stage (done and current ones)


@dataclass(frozen=True)
class Progress:
    steps: list[Step]
    current: Stage | None
    following: Stage | None  # the stage that comes next, None at the last one

    @property
    def done_count(self) -> int:
        return sum(1 for step in self.steps if step.state != "next")


def _progress(support_request: Request, ordered: list[Stage], moves: list[StageMove]) -> Progress:
    current = support_request.stage
    steps = list(ordered)
    if current is not None and current.pk not in {stage.pk for stage in steps}:  # archived meanwhile
        steps.append(current)
        steps.sort(key=lambda stage: (stage.position, stage.pk))
    reached = {move.to_stage_id: move.moved_at for move in sorted(moves, key=lambda move: move.number)}
    index = next((i for i, stage in enumerate(steps) if current is not None and stage.pk == current.pk), -1)
    result = [Step(stage=stage, state="done" if i < index else "current" if i == index else "next",
                   reached_at=reached.get(stage.pk) if i <= index else None) for i, stage in enumerate(steps)]
    following = steps[index + 1] if 0 <= index < len(steps) - 1 else None
    return Progress(steps=result, current=current, following=following)


def progress(support_request: Request) -> Progress | None:
    """Every stage of the request's topic with the date it was reached, the current one and the next; None
    when the request has no stage (its topic has none)."""
    if support_request.stage_id is None:
        return None
    return _progress(support_request, topic_stages(support_request.topic), list(support_request.stage_moves.all()))


def customer_tasks(user) -> list[tuple[Request, Progress]]:
    """"My tasks": the customer's requests that move through stages, newest first, each with its progress
    (three queries whatever their number)."""
    requests = list(Request.objects.filter(customer=user, stage__isnull=False).select_related("stage")
                    .prefetch_related("stage_moves").order_by("-created_at", "-id"))
    ordered = stages_by_topic(sorted({r.topic for r in requests}))
    return [(r, _progress(r, ordered.get(r.topic, []), list(r.stage_moves.all()))) for r in requests]


def history(support_request: Request) -> list[dict[str, Any]]:
    """Status changes, stage moves and assignments of a request, oldest first, for staff."""
    entries: list[dict[str, Any]] = []
    for change in support_request.status_changes.select_related("changed_by"):
        entries.append({"at": change.changed_at, "kind": "status", "by": change.changed_by, "change": change})
    for move in support_request.stage_moves.select_related("moved_by", "from_stage", "to_stage"):
        entries.append({"at": move.moved_at, "kind": "stage", "by": move.moved_by, "change": move})
    for given in support_request.assignee_changes.select_related("changed_by", "assignee"):
        entries.append({"at": given.changed_at, "kind": "assignee", "by": given.changed_by, "change": given})
    return sorted(entries, key=lambda entry: entry["at"])


# --- attachments ----------------------------------------------------------------------------------------

def attachment_for(user, pk: int, *, staff_roles: tuple[str, ...]) -> Attachment | None:
    """An attachment the person may download: one of their own requests' (customer) or any (support staff);
    None otherwise (someone else's looks exactly like a missing one)."""
    if not user.is_authenticated or not user.is_active:
        return None
    found = Attachment.objects.filter(pk=pk)
    if user.role not in staff_roles:
        found = found.filter(request__customer=user)
    return found.first()


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


def personal_files(user):
    """For "Export my data": the files of the customer's own requests (theirs and the staff's answers), named
    <request id>/<attachment id>-<original name>."""
    for attachment in Attachment.objects.filter(request__customer=user).order_by("request_id", "id"):
        yield f"{attachment.request_id}/{attachment.pk}-{attachment.original_name}", attachment.file
