"""The timeline module's own entries: calls and meetings staff logged with the customer, and staff notes."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cabinet.registry import TimelineEntry, TimelineSource

from . import selectors
from .models import Interaction


def entries(*, customer, kinds, since, until, limit, staff) -> list[TimelineEntry]:
    titles = {Interaction.Kind.CALL: _("Call"), Interaction.Kind.MEETING: _("Meeting"),
              Interaction.Kind.NOTE: _("Staff note")}
    card = reverse("portal:manage-customer", args=[customer.pk])
    found = []
    for row in selectors.interactions(customer=customer, kinds=kinds, since=since, until=until, limit=limit,
                                      staff=staff):
        by = row.author.display_name if row.author is not None else ""
        title = titles[row.kind]
        if staff and by:
            title = _("%(what)s, logged by %(name)s") % {"what": title, "name": by}
        found.append(TimelineEntry(at=row.happened_at, kind=row.kind, key=f"timeline.{row.kind}:{row.pk:012d}",
                                   title=title, detail=row.text, manage_url=f"{card}#timeline",
                                   staff_only=row.staff_only))
    return found


SOURCE = TimelineSource(entries=entries, staff_kinds=("note",), kinds=(
    ("call", gettext_lazy("Calls")), ("meeting", gettext_lazy("Meetings")), ("note", gettext_lazy("Staff notes"))))
