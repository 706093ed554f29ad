"""The phone notation of the jour file, both ways::

jourtelefon 070-1740605 | mon-fri 09:00-21:00, sat 18:00-02:00 | 2026-12-24 closed (Julafton)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, time

from fristad.directory.hours import SWEDISH_WEEKDAY_CODES, WEEKDAY_CODES
from fristad.directory.jourfile.spec import ExceptionSpec, PhoneSpec, WeeklySlot
from fristad.directory.models import PhoneKind

_DAY_INDEX = {code: i for i, code in enumerate(WEEKDAY_CODES)} | {
    code: i for i, code in enumerate(SWEDISH_WEEKDAY_CODES)
}
_TIME = re.compile(r"^([01]?\d|2[0-4])[:.]([0-5]\d)$")
_PHONE_NUMBER = re.compile(r"^\+?[\d\s\-]{6,20}$")


def _parse_time(text: str) -> time:
    match = _TIME.match(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a time like 09:00")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour == 24 and minute == 0:
        return time(0)
    if hour > 23:
        raise ValueError(f"'{text}' is not a time like 09:00")
    return time(hour, minute)


def _parse_span(text: str) -> tuple[time, time]:
    parts = text.split("-")
    if len(parts) != 2:
        raise ValueError(f"'{text}' is not a span like 09:00-21:00")
    return _parse_time(parts[0]), _parse_time(parts[1])


def _parse_days(text: str) -> list[int]:
    text = text.strip().casefold()
    if "-" in text:
        first, _, last = text.partition("-")
        if first not in _DAY_INDEX or last not in _DAY_INDEX:
            raise ValueError(f"'{text}' is not a day range like mon-fri")
        start, end = _DAY_INDEX[first], _DAY_INDEX[last]
        if end < start:
            raise ValueError(f"day range '{text}' runs backwards")
        return list(range(start, end + 1))
    if text not in _DAY_INDEX:
        raise ValueError(f"'{text}' is not a day (mon, tue, … or mån, tis, …)")
    return [_DAY_INDEX[text]]


def parse_weekly(text: str) -> list[WeeklySlot]:
    slots: list[WeeklySlot] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        days, _, span = part.partition(" ")
        if not span.strip():
            raise ValueError(f"'{part}' needs days and a time span, like mon-fri 09:00-21:00")
        if span.strip().casefold() in ("closed", "stängt"):
            continue
        opens, closes = _parse_span(span)
        slots.extend(WeeklySlot(day, opens, closes) for day in _parse_days(days))
    return slots


_EXCEPTION = re.compile(r"^(\d{4}-\d{2}-\d{2})\s+(\S+)(?:\s+\((.{0,80})\))?$")


def parse_exceptions(text: str) -> list[ExceptionSpec]:
    found: list[ExceptionSpec] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        match = _EXCEPTION.match(part)
        if not match:
            raise ValueError(f"'{part}' is not an exception like 2026-12-24 closed or 2026-12-31 10:00-14:00")
        try:
            day = date.fromisoformat(match.group(1))
        except ValueError:
            raise ValueError(f"'{match.group(1)}' is not a date") from None
        note = (match.group(3) or "").strip()
        if match.group(2).casefold() in ("closed", "stängt"):
            found.append(ExceptionSpec(day, True, note=note))
        else:
            opens, closes = _parse_span(match.group(2))
            found.append(ExceptionSpec(day, False, opens, closes, note))
    return found


def _time_text(value: time, closing: bool = False) -> str:
    if closing and value == time(0):
        return "24:00"
    return value.strftime("%H:%M")


def format_weekly(slots: Iterable[WeeklySlot]) -> str:
    return ", ".join(
        f"{WEEKDAY_CODES[s.weekday]} {_time_text(s.opens)}-{_time_text(s.closes, closing=True)}"
        for s in slots
    )


def format_exceptions(exceptions: Iterable[ExceptionSpec]) -> str:
    parts = []
    for e in exceptions:
        if e.closed or e.opens is None or e.closes is None:
            text = f"{e.date.isoformat()} closed"
        else:
            text = f"{e.date.isoformat()} {_time_text(e.opens)}-{_time_text(e.closes, closing=True)}"
        if e.note:
            text += f" ({e.note})"
        parts.append(text)
    return ", ".join(parts)


def parse_phone(text: str) -> PhoneSpec:
    pieces = [p.strip() for p in text.split("|")]
    if len(pieces) > 3:
        raise ValueError(f"phone '{text[:60]}' has more than three |-separated parts")
    kind, _, number = pieces[0].partition(" ")
    phone = _phone(kind, number, pieces[1] if len(pieces) > 1 else "", pieces[2] if len(pieces) > 2 else "")
    return phone


def phone_spec(kind: str, number: str, hours: str, exceptions: str) -> PhoneSpec:
    """One phone from its parts in the jour-file notation; ValueError says what is wrong."""
    return _phone(kind, number, hours, exceptions)


def _phone(kind: str, number: str, hours: str, exceptions: str) -> PhoneSpec:
    kind = kind.strip()
    number = number.strip()
    if kind not in PhoneKind.values:
        raise ValueError(f"phone kind '{kind}' is not one of {', '.join(PhoneKind.values)}")
    if len(number) > 20 or not _PHONE_NUMBER.match(number) or sum(c.isdigit() for c in number) < 6:
        raise ValueError(f"'{number}' is not a phone number")
    return PhoneSpec(kind, number, parse_weekly(hours), parse_exceptions(exceptions))


def format_phone(phone: PhoneSpec) -> str:
    return " | ".join(
        [f"{phone.kind} {phone.number}", format_weekly(phone.weekly), format_exceptions(phone.exceptions)]
    )
