"""What documents add to the customer's timeline: each document the business handed to the customer."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cabinet.registry import TimelineEntry, TimelineSource

from .models import Document


def entries(*, customer, kinds, since, until, limit, staff) -> list[TimelineEntry]:
    rows = Document.objects.filter(customer=customer)
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    if until is not None:
        rows = rows.filter(created_at__lte=until)
    return [TimelineEntry(
        at=row.created_at, kind="document", key=f"documents.document:{row.pk:012d}",
        title=_("Document received: %(title)s") % {"title": row.title}, detail=row.get_category_display(),
        url=reverse("documents:download", args=[row.pk]), manage_url=reverse("documents-manage:list") + "?" + urlencode({"q": row.title}))
        for row in rows.order_by("-created_at", "-id").only("id", "title", "category", "created_at")[:limit]]


SOURCE = TimelineSource(entries=entries, kinds=(("document", gettext_lazy("Documents")),))
