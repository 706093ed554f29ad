"""A jourkvinna's own shifts as an iCalendar feed (RFC 5545) for her calendar app.

Times are written in UTC, so the feed needs no VTIMEZONE; X-WR-TIMEZONE tells the
calendar apps that read it to show the shifts in Stockholm time. Escaping, line folding
and CRLF line endings are left to the ``icalendar`` library.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from icalendar import Calendar, Event

PRODID = "-//Fristad//Jourschema//SV"
TIMEZONE = "Europe/Stockholm"

# RFC 5545 TEXT allows no control characters but tab (and line breaks, written as \n).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    start: datetime
    end: datetime
    summary: str
    description: str = ""


def _utc(at: datetime, name: str) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got {at!r}")
    return at.astimezone(UTC)


def _text(value: str) -> str:
    """Line breaks as ``\\n`` only and no other control characters: icalendar escapes a
    newline but would write a lone carriage return as is, breaking the CRLF line endings."""
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def render_calendar(*, name: str, events: Iterable[CalendarEvent], now: datetime) -> bytes:
    """The VCALENDAR of ``events``, stamped ``now``, as bytes with CRLF line endings."""
    stamp = _utc(now, "now")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _text(name))
    calendar.add("x-wr-timezone", TIMEZONE)
    for item in events:
        event = Event()
        event.add("uid", _text(item.uid))
        event.add("dtstamp", stamp)
        event.add("dtstart", _utc(item.start, "start"))
        event.add("dtend", _utc(item.end, "end"))
        event.add("summary", _text(item.summary))
        if item.description:
            event.add("description", _text(item.description))
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    ical: bytes = calendar.to_ical()  # icalendar is untyped; to_ical() returns bytes
    return ical
