"""What feedback adds to the customer's timeline: each rating the customer gave a request."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cabinet.registry import TimelineEntry, TimelineSource

from .models import Rating


def entries(*, customer, kinds, since, until, limit, staff) -> list[TimelineEntry]:
    rows = Rating.objects.filter(customer=customer)
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    if until is not None:
        rows = rows.filter(created_at__lte=until)
    title = _("Request #%(number)s rated %(score)s of 5") if staff else _("You rated request #%(number)s: %(score)s of 5")
    return [TimelineEntry(
        at=row.created_at, kind="rating", key=f"feedback.rating:{row.pk:012d}",
        title=title % {"number": row.request_id, "score": row.score},
        detail=row.comment, url=reverse("support:detail", args=[row.request_id]),
        manage_url=reverse("support-manage:detail", args=[row.request_id]))
        for row in rows.order_by("-created_at", "-id")[:limit]]


SOURCE = TimelineSource(entries=entries, kinds=(("rating", gettext_lazy("Ratings")),))
