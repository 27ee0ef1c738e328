"""What support adds to the customer's timeline: requests opened, staff replies, requests resolved or closed."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cabinet.registry import TimelineEntry, TimelineSource

from .models import Request, RequestMessage, StatusChange

FINISHING = (Request.Status.RESOLVED, Request.Status.CLOSED)


def _window(rows, field: str, since, until):
    if since is not None:
        rows = rows.filter(**{f"{field}__gte": since})
    if until is not None:
        rows = rows.filter(**{f"{field}__lte": until})
    return rows


def entries(*, customer, kinds, since, until, limit, staff) -> list[TimelineEntry]:
    found: list[TimelineEntry] = []

    def links(request_id: int) -> dict:
        return {"url": reverse("support:detail", args=[request_id]),
                "manage_url": reverse("support-manage:detail", args=[request_id])}

    opened = _window(Request.objects.filter(customer=customer), "created_at", since, until)
    for row in opened.order_by("-created_at", "-id").only("id", "subject", "message", "created_at")[:limit]:
        found.append(TimelineEntry(
            at=row.created_at, kind="support", key=f"support.request:{row.pk:012d}",
            title=_("Request #%(number)s sent: %(subject)s") % {"number": row.pk, "subject": row.subject},
            detail=row.message, **links(row.pk)))
    replies = _window(RequestMessage.objects.filter(request__customer=customer, from_staff=True),
                      "created_at", since, until)
    for row in replies.order_by("-created_at", "-id").select_related("request")[:limit]:
        found.append(TimelineEntry(
            at=row.created_at, kind="support", key=f"support.reply:{row.pk:012d}",
            title=_("Reply to request #%(number)s: %(subject)s") % {"number": row.request_id,
                                                                    "subject": row.request.subject},
            detail=row.body, **links(row.request_id)))
    changes = _window(StatusChange.objects.filter(request__customer=customer, to_status__in=FINISHING),
                      "changed_at", since, until)
    for row in changes.order_by("-changed_at", "-id").select_related("request")[:limit]:
        found.append(TimelineEntry(
            at=row.changed_at, kind="support", key=f"support.status:{row.pk:012d}",
            title=(_("Request #%(number)s resolved") if row.to_status == Request.Status.RESOLVED
                   else _("Request #%(number)s closed")) % {"number": row.request_id},
            detail=row.request.subject, **links(row.request_id)))
    return found


SOURCE = TimelineSource(entries=entries, kinds=(("support", gettext_lazy("Requests and replies")),))
