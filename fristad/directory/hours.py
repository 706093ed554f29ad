"""Opening hours as pure functions over a schedule, in Stockholm wall-clock time.

Kept free of the ORM so that "open now" can be tested across midnight and
daylight-saving changes with plain values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@dataclass(frozen=True)
class Slot:
    """Open from ``opens`` to ``closes``; ``closes <= opens`` ends the next day,
    ``closes == opens`` is a full 24 hours."""

    opens: time
    closes: time

    @property
    def whole_day(self) -> bool:
        return self.opens == self.closes


@dataclass(frozen=True)
class Schedule:
    weekly: dict[int, tuple[Slot, ...]] = field(default_factory=dict)
    # A dated exception replaces that date's weekly slots; an empty tuple is closed all day.
    exceptions: dict[date, tuple[Slot, ...]] = field(default_factory=dict)

    def slots_on(self, day: date) -> tuple[Slot, ...]:
        if day in self.exceptions:
            return self.exceptions[day]
        return self.weekly.get(day.weekday(), ())


@dataclass(frozen=True)
class OpenStatus:
    is_open: bool
    # When open: when it closes (None when open without end in the next week).
    closes_at: datetime | None
    # When closed: when it next opens within a week (None when it does not).
    opens_at: datetime | None


def _wall(day: date, at: time) -> datetime:
    """A wall-clock time on a day in Stockholm, as an absolute instant (UTC).

    A time the spring-forward skips (02:30 on the last Sunday of March) becomes
    the first time that exists after it (03:00), so no interval runs backwards.
    """
    naive = datetime.combine(day, at)
    for _ in range(120):
        instant = naive.replace(tzinfo=STOCKHOLM).astimezone(UTC)
        if instant.astimezone(STOCKHOLM).replace(tzinfo=None) == naive:
            return instant
        naive += timedelta(minutes=1)
    return instant


def intervals(schedule: Schedule, first: date, last: date) -> list[tuple[datetime, datetime]]:
    """Absolute open intervals of slots starting on days first..last, merged where they touch."""
    raw: list[tuple[datetime, datetime]] = []
    day = first
    while day <= last:
        for slot in schedule.slots_on(day):
            start = _wall(day, slot.opens)
            end_day = day + timedelta(days=1) if slot.closes <= slot.opens else day
            raw.append((start, _wall(end_day, slot.closes)))
        day += timedelta(days=1)
    raw.sort()
    merged: list[tuple[datetime, datetime]] = []
    for start, end in raw:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def open_status(schedule: Schedule, at: datetime) -> OpenStatus:
    """Is it open at the instant ``at``, until when, or when does it open next."""
    local_day = at.astimezone(STOCKHOLM).date()
    last_day = local_day + timedelta(days=7)
    horizon = _wall(last_day + timedelta(days=1), time(0))
    spans = intervals(schedule, local_day - timedelta(days=1), last_day)
    for start, end in spans:
        if start <= at < end:
            return OpenStatus(True, end if end < horizon else None, None)
        if start > at:
            return OpenStatus(False, None, start)
    return OpenStatus(False, None, None)


def is_open(schedule: Schedule, at: datetime) -> bool:
    return open_status(schedule, at).is_open


WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SWEDISH_WEEKDAY_CODES = ("mån", "tis", "ons", "tor", "fre", "lör", "sön")


def weekly_groups(schedule: Schedule) -> list[tuple[int, int, tuple[Slot, ...]]]:
    """Consecutive weekdays with the same slots, as (first weekday, last weekday, slots)."""
    groups: list[tuple[int, int, tuple[Slot, ...]]] = []
    for weekday in range(7):
        slots = schedule.weekly.get(weekday, ())
        if groups and groups[-1][2] == slots and groups[-1][1] == weekday - 1:
            groups[-1] = (groups[-1][0], weekday, slots)
        else:
            groups.append((weekday, weekday, slots))
    return groups
