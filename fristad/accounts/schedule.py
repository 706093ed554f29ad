"""The jourschema as pure functions: shifts against the published opening hours.

Published hours are Stockholm wall-clock times (``fristad.directory.hours``); shifts are
absolute instants. Everything here is computed in UTC: Python compares and subtracts two
aware datetimes that share a ``tzinfo`` by their wall-clock values, which is wrong by an
hour across a daylight-saving change, so every instant is converted to UTC first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.utils.translation import gettext as _

from fristad.directory.hours import STOCKHOLM, Schedule, intervals

MAX_SHIFT = timedelta(hours=24)

Span = tuple[datetime, datetime]


def _is_aware(at: datetime) -> bool:
    return at.tzinfo is not None and at.utcoffset() is not None


def _utc(at: datetime, name: str) -> datetime:
    if not _is_aware(at):
        raise ValueError(f"{name} must be an aware datetime, got {at!r}")
    return at.astimezone(UTC)


@dataclass(frozen=True)
class ShiftSpan:
    """One person's shift, from ``start`` to ``end`` (aware datetimes, kept in UTC).

    Naive datetimes are rejected. A shift that does not end after it starts covers
    nothing and counts no hours (``validate_shift`` is what reports it).
    """

    start: datetime
    end: datetime
    person_id: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", _utc(self.start, "start"))
        object.__setattr__(self, "end", _utc(self.end, "end"))

    @property
    def duration(self) -> timedelta:
        return max(self.end - self.start, timedelta(0))


def _merge(spans: Iterable[Span]) -> list[Span]:
    """Sorted, with overlapping and touching spans joined; empty spans dropped."""
    merged: list[Span] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def coverage_gaps(
    *, schedule: Schedule, shifts: Iterable[ShiftSpan], start: datetime, end: datetime
) -> list[Span]:
    """When, within [start, end), the line is published as open but nobody is on shift.

    Returns sorted, merged UTC intervals. Shifts outside the published hours change nothing.
    """
    start, end = _utc(start, "start"), _utc(end, "end")
    if end <= start:
        return []
    # A slot that starts the day before ``start`` may still be open at ``start``.
    first = start.astimezone(STOCKHOLM).date() - timedelta(days=1)
    last = end.astimezone(STOCKHOLM).date()
    # A slot whose wall-clock times fall into the spring-forward gap can come back
    # from ``intervals`` with its end before its start: it is empty, and _merge drops it.
    published = _merge((max(a, start), min(b, end)) for a, b in intervals(schedule, first, last))
    covered = _merge((s.start, s.end) for s in shifts)

    gaps: list[Span] = []
    i = 0
    for open_start, open_end in published:
        cursor = open_start
        # Skip shifts that end before this open interval.
        while i < len(covered) and covered[i][1] <= cursor:
            i += 1
        j = i
        while j < len(covered) and covered[j][0] < open_end:
            shift_start, shift_end = covered[j]
            if shift_start > cursor:
                gaps.append((cursor, shift_start))
            cursor = max(cursor, shift_end)
            if cursor >= open_end:
                break
            j += 1
        if cursor < open_end:
            gaps.append((cursor, open_end))
    return _merge(gaps)


def week_bounds(day: date) -> Span:
    """Monday 00:00 to the next Monday 00:00 in Stockholm of the week holding ``day``, in UTC.

    In UTC so that ``end - start`` is the real length: 167 or 169 hours in a week with a
    daylight-saving change, 168 otherwise.
    """
    monday = day - timedelta(days=day.weekday())
    next_monday = monday + timedelta(days=7)
    return (
        datetime.combine(monday, time(0), tzinfo=STOCKHOLM).astimezone(UTC),
        datetime.combine(next_monday, time(0), tzinfo=STOCKHOLM).astimezone(UTC),
    )


def validate_shift(*, start: datetime, end: datetime) -> list[str]:
    """The problems with a shift from ``start`` to ``end``, as translated messages."""
    if not (_is_aware(start) and _is_aware(end)):
        return [_("The start and end of a shift must include a time zone.")]
    length = end.astimezone(UTC) - start.astimezone(UTC)
    problems = []
    if length <= timedelta(0):
        problems.append(_("A shift must end after it starts."))
    elif length > MAX_SHIFT:
        problems.append(_("A shift cannot be longer than 24 hours."))
    return problems


def overlapping(shifts: Iterable[ShiftSpan]) -> list[tuple[ShiftSpan, ShiftSpan]]:
    """Pairs of shifts of the same person that overlap in time (touching is fine).

    Each pair is (earlier, later) by start; pairs are ordered by person, then start.
    """
    by_person: dict[int, list[ShiftSpan]] = defaultdict(list)
    for shift in shifts:
        if shift.end > shift.start:
            by_person[shift.person_id].append(shift)
    pairs: list[tuple[ShiftSpan, ShiftSpan]] = []
    for person_id in sorted(by_person):
        own = sorted(by_person[person_id], key=lambda s: (s.start, s.end))
        for i, shift in enumerate(own):
            for other in own[i + 1 :]:
                if other.start >= shift.end:
                    break
                pairs.append((shift, other))
    return pairs


def hours_total(shifts: Iterable[ShiftSpan]) -> float:
    """The real hours of the shifts added up (a night across a DST change counts 7 or 9 hours
    for 22:00-06:00). Overlapping shifts each count in full."""
    return sum((s.duration for s in shifts), timedelta(0)) / timedelta(hours=1)
