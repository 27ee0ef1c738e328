"""The business's chat hours, as the module setting keeps them: one line per day or range of days,
"mon-fri 09:00-18:00", "sat 10:00-14:00" (days: mon tue wed thu fri sat sun). Days no line names are closed;
an empty setting means always open. Lines that cannot be read are left out."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LINE = re.compile(r"^\s*([a-z]{3})(?:\s*-\s*([a-z]{3}))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")

Week = dict[int, list[tuple[time, time]]]


def parse(text: str) -> Week | None:
    """Weekday (0: Monday) → opening intervals; None when no line says anything (always open)."""
    week: Week = {}
    for line in (text or "").lower().splitlines():
        match = LINE.match(line)
        if not match or match.group(1) not in DAYS or (match.group(2) and match.group(2) not in DAYS):
            continue
        first = DAYS.index(match.group(1))
        last = DAYS.index(match.group(2)) if match.group(2) else first
        h1, m1, h2, m2 = (int(match.group(n)) for n in range(3, 7))
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2, m2) <= (h1, m1) or (h2 == 24 and m2):
            continue
        start, end = time(h1, m1), (time(23, 59, 59, 999999) if h2 == 24 else time(h2, m2))
        day = first
        while True:
            week.setdefault(day, []).append((start, end))
            if day == last:
                break
            day = (day + 1) % 7
    return week or None


def is_open(week: Week, local: datetime) -> bool:
    now = local.time()
    return any(start <= now < end for start, end in week.get(local.weekday(), []))


def next_opening(week: Week, local: datetime) -> datetime | None:
    """The next moment the business opens after `local` (in its time zone), within a week."""
    for offset in range(8):
        day = (local + timedelta(days=offset)).date()
        starts = sorted(start for start, _end in week.get(day.weekday(), []))
        for start in starts:
            moment = datetime.combine(day, start, tzinfo=local.tzinfo)
            if moment > local:
                return moment
    return None
