"""The network's weekly coverage map as pure functions: which Stockholm hours of a week
no jour has a staffed shift for.

The grid is 7 days x 24 wall-clock hours in Europe/Stockholm. Each cell is the real
interval from that hour to the next, computed in UTC (see ``accounts/schedule.py`` for
why), so a daylight-saving week needs no special case:

- spring forward (last Sunday of March): 02:00-03:00 does not exist; its cell is empty
  (``exists`` false), counts as neither covered nor uncovered, and does not split a range
  of uncovered hours;
- fall back (last Sunday of October): 02:00-03:00 happens twice; its cell is the two real
  hours from the first 02:00 to 03:00 and counts as two uncovered hours when no jour
  covers both.

A jour covers a cell when its staffed shifts together cover the whole of it (a shift that
ends at 18:30 does not cover 18:00-19:00). A shift across midnight covers hours of both
days; shifts that start in the week before count for the Monday.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from fristad.accounts.schedule import Span, _merge
from fristad.directory.hours import STOCKHOLM

# The weeks the page offers: far enough either way, and never a date Python cannot hold.
FIRST_YEAR, LAST_YEAR = 2000, 2100
_ISO_WEEK = re.compile(r"(\d{4})-[Ww](\d{1,2})")


def iso_week_parse(text: str) -> date | None:
    """The Monday of an ISO week written ``2026-W49``; None for anything else (a week 53
    the year does not have, a year outside the page's range, any other text)."""
    found = _ISO_WEEK.fullmatch(text.strip()) if len(text) <= 10 else None
    if found is None:
        return None
    year, week = int(found[1]), int(found[2])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        return date.fromisocalendar(year, week, 1)
    except ValueError:
        return None


def iso_week_label(day: date) -> str:
    """``2026-W49`` for any day of that ISO week."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class HourCell:
    hour: int  # wall-clock hour, 0-23
    start: datetime  # UTC
    end: datetime  # UTC; equal to ``start`` when the hour does not exist that day
    jourer: int  # jourer whose staffed shifts cover the whole hour

    @property
    def exists(self) -> bool:
        return self.end > self.start

    @property
    def gap(self) -> bool:
        """No jour open for the whole hour."""
        return self.exists and self.jourer == 0

    @property
    def real_hours(self) -> float:
        return (self.end - self.start) / timedelta(hours=1)


@dataclass(frozen=True)
class CoverageDay:
    day: date
    cells: tuple[HourCell, ...]
    # Uncovered wall-clock hours merged into ranges: (first hour, hour after the last), 24 at most.
    gaps: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class WeekCoverage:
    monday: date
    days: tuple[CoverageDay, ...]
    jourer: int  # jourer counted (whose shifts could open the line)
    gap_hours: int  # real hours of the week with no jour open
    hours: int  # real hours of the week: 167, 168 or 169

    @property
    def label(self) -> str:
        return iso_week_label(self.monday)

    @property
    def previous_label(self) -> str:
        return iso_week_label(self.monday - timedelta(days=7))

    @property
    def next_label(self) -> str:
        return iso_week_label(self.monday + timedelta(days=7))

    @property
    def rows(self) -> list[tuple[str, list[HourCell]]]:
        """The grid by hour: the hour's label and its cell on each day."""
        return [(f"{h:02d}", [d.cells[h] for d in self.days]) for h in range(24)]


def _wall(day: date, hour: int) -> datetime:
    """Stockholm wall-clock ``hour`` of ``day`` in UTC (24 is the next day's midnight)."""
    if hour == 24:
        day, hour = day + timedelta(days=1), 0
    return datetime.combine(day, time(hour), tzinfo=STOCKHOLM).astimezone(UTC)


def _covered(spans: list[Span], start: datetime, end: datetime) -> bool:
    return any(a <= start and b >= end for a, b in spans)


def _ranges(cells: Iterable[HourCell]) -> tuple[tuple[int, int], ...]:
    """Uncovered hours merged; a skipped hour neither opens nor breaks a range."""
    ranges: list[tuple[int, int]] = []
    previous_gap = False
    for cell in cells:
        if not cell.exists:
            continue
        if cell.gap and previous_gap:
            ranges[-1] = (ranges[-1][0], cell.hour + 1)
        elif cell.gap:
            ranges.append((cell.hour, cell.hour + 1))
        previous_gap = cell.gap
    return tuple(ranges)


def week_coverage(*, monday: date, shifts_by_jour: Mapping[int, Iterable[Span]], jourer: int) -> WeekCoverage:
    """The week of ``monday``: for every Stockholm hour, how many jourer have it covered.

    ``shifts_by_jour``: each jour's staffed shifts as aware (start, end) pairs; ``jourer``:
    how many jourer could have covered it (those without shifts count too).
    """
    merged = {
        jour: _merge((a.astimezone(UTC), b.astimezone(UTC)) for a, b in spans)
        for jour, spans in shifts_by_jour.items()
    }
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        cells = []
        for h in range(24):
            start = _wall(day, h)
            end = max(_wall(day, h + 1), start)  # the skipped hour: empty, never negative
            covering = sum(1 for spans in merged.values() if end > start and _covered(spans, start, end))
            cells.append(HourCell(hour=h, start=start, end=end, jourer=covering))
        days.append(CoverageDay(day=day, cells=tuple(cells), gaps=_ranges(cells)))
    return WeekCoverage(
        monday=monday,
        days=tuple(days),
        jourer=jourer,
        gap_hours=round(sum(c.real_hours for d in days for c in d.cells if c.gap)),
        hours=round((_wall(monday + timedelta(days=7), 0) - _wall(monday, 0)) / timedelta(hours=1)),
    )
