"""Reads of the timeline: the sources of every switched-on module merged into one list, newest first, a page
at a time; the kinds a reader may filter by; the module's own calls, meetings and notes.

Paging is by cursor, never by offset: a page asks each source for at most `limit + skip + 1` entries up to the
cursor's instant, so a customer with thousands of entries costs the same as one with ten. The cursor is the
instant of the last entry shown and how many entries of exactly that instant were shown already."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cabinet import registry
from cabinet.portal.selectors import portal_state
from cabinet.registry import Text, TimelineEntry, TimelineSource

from .models import Interaction

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Cursor:
    at: datetime
    skip: int = 0

    def encode(self) -> str:
        return f"{(self.at - _EPOCH) // timedelta(microseconds=1)}.{self.skip}"

    @classmethod
    def decode(cls, raw: str | None) -> Cursor | None:
        """The cursor of a link, or None for anything else (a hand-edited or cut link starts at the newest)."""
        try:
            micros, skip = (raw or "").split(".")
            at = _EPOCH + timedelta(microseconds=int(micros))
            if int(skip) < 0 or int(skip) > 10_000:
                return None
            return cls(at=at, skip=int(skip))
        except (ValueError, OverflowError):
            return None


@dataclass(frozen=True)
class TimelinePage:
    entries: list[TimelineEntry]
    next_cursor: Cursor | None


def sources() -> list[TimelineSource]:
    """The timeline sources of the core apps and of the modules switched on in this business."""
    state = portal_state()
    return [source for source in registry.timeline_sources()
            if not source.module or state.is_enabled(source.module)]


def kinds(*, staff: bool) -> list[tuple[str, Text]]:
    """(kind, label) a reader may filter by: staff-only kinds for staff only."""
    return [(kind, label) for source in sources() for kind, label in source.kinds
            if staff or kind not in source.staff_kinds]


def timeline_page(*, customer, kinds: frozenset[str] | None = None, since: datetime | None = None,
                  until: datetime | None = None, cursor: Cursor | None = None, limit: int = PAGE_SIZE,
                  staff: bool = False) -> TimelinePage:
    """One page of the customer's timeline, newest first: entries of `kinds` (None: all) made at `since` <= at
    <= `until`, older than what `cursor` says was shown. Staff-only entries only when `staff`."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    upper, skip = until, 0
    if cursor is not None and (upper is None or cursor.at <= upper):
        upper, skip = cursor.at, cursor.skip
    if since is not None and upper is not None and upper < since:
        return TimelinePage(entries=[], next_cursor=None)
    wanted = limit + skip + 1
    streams = []
    for source in sources():
        asked = frozenset(kind for kind, _label in source.kinds
                          if (kinds is None or kind in kinds) and (staff or kind not in source.staff_kinds))
        if not asked:
            continue
        found = source.entries(customer=customer, kinds=asked, since=since, until=upper,
                                              limit=wanted, staff=staff)
        streams.append(sorted((entry for entry in found if staff or not entry.staff_only),
                              key=_newest_first, reverse=True))
    merged = heapq.merge(*streams, key=_newest_first, reverse=True)
    shown_before = 0
    entries: list[TimelineEntry] = []
    for entry in merged:
        if shown_before < skip and entry.at == upper:
            shown_before += 1
            continue
        entries.append(entry)
        if len(entries) > limit:
            break
    page, more = entries[:limit], len(entries) > limit
    if not more or not page:
        return TimelinePage(entries=page, next_cursor=None)
    last = page[-1].at
    same = sum(1 for entry in page if entry.at == last) + (shown_before if last == upper else 0)
    return TimelinePage(entries=page, next_cursor=Cursor(at=last, skip=same))


def _newest_first(entry: TimelineEntry) -> tuple[datetime, str]:
    return (entry.at, entry.key)


def interactions(*, customer, kinds: frozenset[str], since: datetime | None, until: datetime | None, limit: int,
                 staff: bool):
    """The customer's logged calls, meetings and (for staff) notes in the window, newest first."""
    rows = Interaction.objects.filter(customer=customer, kind__in=kinds).select_related("author")
    if not staff:
        rows = rows.exclude(kind=Interaction.Kind.NOTE)
    if since is not None:
        rows = rows.filter(happened_at__gte=since)
    if until is not None:
        rows = rows.filter(happened_at__lte=until)
    return list(rows.order_by("-happened_at", "-id")[:limit])


def personal_data(user) -> dict:
    """The calls and meetings logged with the customer, for "Export my data" (staff notes are the business's
    own working notes and stay out, as on every customer page)."""
    return {"calls_and_meetings": [
        {"kind": row.kind, "at": row.happened_at.isoformat(), "note": row.text}
        for row in Interaction.objects.filter(customer=user).exclude(kind=Interaction.Kind.NOTE)
        .order_by("-happened_at", "-id")]}


