"""Quiet hours of a business: SMS and push wait until morning in the business's time zone."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

QUIET_CHANNELS = frozenset({"sms", "push"})


def in_quiet_hours(moment: datetime, start: time | None, end: time | None, zone: ZoneInfo) -> bool:
    if start is None or end is None or start == end:
        return False
    local = moment.astimezone(zone).time()
    if start < end:
        return start <= local < end
    return local >= start or local < end  # over midnight: 22:00–08:00


def quiet_hours_end(moment: datetime, start: time | None, end: time | None, zone: ZoneInfo) -> datetime | None:
    """When a message written at `moment` may go out: None now, else the end of the quiet hours (aware)."""
    if not in_quiet_hours(moment, start, end, zone) or end is None:
        return None
    local = moment.astimezone(zone)
    release = datetime.combine(local.date(), end, tzinfo=zone)
    if release <= local:
        release = datetime.combine(local.date() + timedelta(days=1), end, tzinfo=zone)
    return release
