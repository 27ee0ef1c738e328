"""What notifications add to the customer's timeline: every message sent to the customer, with its channels."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cabinet.registry import TimelineEntry, TimelineSource

from .models import Channel, Notification


def entries(*, customer, kinds, since, until, limit, staff) -> list[TimelineEntry]:
    rows = Notification.objects.filter(recipient=customer)
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    if until is not None:
        rows = rows.filter(created_at__lte=until)
    labels = dict(Channel.choices)
    found = []
    for row in rows.order_by("-created_at", "-id").prefetch_related("deliveries")[:limit]:
        channels = [str(labels.get(delivery.channel, delivery.channel)) for delivery in row.deliveries.all()]
        if row.in_portal:
            channels.insert(0, _("in the portal"))
        detail = _("Sent: %(channels)s") % {"channels": ", ".join(channels)} if channels else ""
        # A message that carried a secret link (a password reset) keeps it off the timeline.
        url = row.url if row.in_portal and row.url.startswith("/") else ""
        found.append(TimelineEntry(at=row.created_at, kind="message", key=f"notifications.message:{row.pk:012d}",
                                   title=row.subject, detail=detail, url=url, language=row.language))
    return found


SOURCE = TimelineSource(entries=entries, kinds=(("message", gettext_lazy("Messages")),))
