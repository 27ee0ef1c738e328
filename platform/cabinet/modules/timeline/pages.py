"""What the customer's "My events" and the staff's timeline of one customer share: the filters from the
address, one page of entries, and the link to the next page."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.utils import timezone

from cabinet.portal.selectors import business_time_zone

from . import selectors
from .forms import FilterForm


def timeline_context(request, customer, *, staff: bool, limit: int = selectors.PAGE_SIZE) -> dict[str, Any]:
    kinds = [(kind, str(label)) for kind, label in selectors.kinds(staff=staff)]
    params = request.GET
    form = FilterForm(params if any(params.get(name) for name in ("kind", "since", "until")) else None,
                      kinds=kinds)
    if form.is_bound:
        form.is_valid()
    cursor = selectors.Cursor.decode(params.get("cursor"))
    page = selectors.timeline_page(customer=customer, cursor=cursor, limit=limit, staff=staff, **form.window())
    kept = QueryDict(mutable=True)
    for name in ("kind", "since", "until"):
        if params.get(name) and name not in form.errors:
            kept[name] = params[name]
    next_query = ""
    if page.next_cursor is not None:
        following = kept.copy()
        following["cursor"] = page.next_cursor.encode()
        next_query = following.urlencode()
    labels = dict(kinds)
    return {
        "filter_form": form, "entries": [(entry, labels.get(entry.kind, entry.kind)) for entry in page.entries], "next_query": next_query, "filtered": bool(kept),
        "paged": cursor is not None, "first_query": kept.urlencode(),
        "zone": business_time_zone(), "now": timezone.now(),
    }
