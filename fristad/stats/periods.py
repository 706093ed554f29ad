"""Days and months in Europe/Stockholm, without the ORM."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from fristad.directory.hours import STOCKHOLM

# How far back a contact may be recorded or corrected.
OLDEST_DAYS = 366


def stockholm_today() -> dt.date:
    return timezone.now().astimezone(STOCKHOLM).date()


def oldest_allowed(today: dt.date) -> dt.date:
    return today - dt.timedelta(days=OLDEST_DAYS)


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first day of the month and the first day of the next (half-open)."""
    first = dt.date(year, month, 1)
    return first, month_step(first, 1)


def month_step(first: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after (or before) the month of ``first``."""
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def parse_month(text: str, *, default: dt.date) -> dt.date:
    """``"2026-03"`` as the first of that month; anything else is the month of ``default``."""
    found = re.fullmatch(r"(20\d\d)-(0[1-9]|1[0-2])", text.strip(), flags=re.ASCII)
    if found is None:
        return default.replace(day=1)
    return dt.date(int(found.group(1)), int(found.group(2)), 1)


FIRST_YEAR = 2000


def parse_year(text: str, *, today: dt.date) -> int:
    """``"2025"`` as a year from FIRST_YEAR to this year; anything else is this year."""
    found = re.fullmatch(r"\d{4}", text.strip(), flags=re.ASCII)
    if found is None or not FIRST_YEAR <= int(text) <= today.year:
        return today.year
    return int(text)
