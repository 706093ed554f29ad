"""The personal iCalendar feed of shifts: valid, parseable, escaped, in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from fristad.accounts.ical import CalendarEvent, render_calendar
from fristad.directory.hours import STOCKHOLM

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def local(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=STOCKHOLM)


def night(uid: str = "shift-1@fristad", summary: str = "Telefonjour", description: str = "") -> CalendarEvent:
    return CalendarEvent(
        uid=uid,
        start=local(2026, 11, 27, 20),
        end=local(2026, 11, 28, 2),
        summary=summary,
        description=description,
    )


def parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def test_calendar_properties() -> None:
    calendar = parse(render_calendar(name="Mitt jourschema", events=[night()], now=NOW))
    assert calendar.name == "VCALENDAR"
    assert str(calendar["PRODID"]) == "-//Fristad//Jourschema//SV"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Mitt jourschema"
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Stockholm"


def test_event_fields() -> None:
    data = render_calendar(
        name="Mitt jourschema", events=[night(description="Ring in till samordnaren")], now=NOW
    )
    (event,) = parse(data).walk("VEVENT")
    assert str(event["UID"]) == "shift-1@fristad"
    assert event.decoded("DTSTAMP") == NOW
    assert event.decoded("DTSTART") == local(2026, 11, 27, 20)
    assert event.decoded("DTEND") == local(2026, 11, 28, 2)
    assert str(event["SUMMARY"]) == "Telefonjour"
    assert str(event["DESCRIPTION"]) == "Ring in till samordnaren"
    assert str(event["TRANSP"]) == "OPAQUE"


def test_description_is_left_out_when_empty() -> None:
    (event,) = parse(render_calendar(name="x", events=[night()], now=NOW)).walk("VEVENT")
    assert "DESCRIPTION" not in event


def test_times_are_utc() -> None:
    data = render_calendar(name="x", events=[night()], now=local(2026, 11, 20, 13))
    text = data.decode()
    assert "DTSTART:20261127T190000Z\r\n" in text
    assert "DTEND:20261128T010000Z\r\n" in text
    assert "DTSTAMP:20261120T120000Z\r\n" in text
    assert "TZID" not in text
    (event,) = parse(data).walk("VEVENT")
    for key in ("DTSTART", "DTEND", "DTSTAMP"):
        assert event.decoded(key).utcoffset() == timedelta(0)


def test_times_across_dst_are_the_real_instants() -> None:
    event = CalendarEvent(
        uid="dst", start=local(2026, 10, 24, 22), end=local(2026, 10, 25, 3), summary="Natt"
    )
    text = render_calendar(name="x", events=[event], now=NOW).decode()
    assert "DTSTART:20261024T200000Z\r\n" in text
    assert "DTEND:20261025T020000Z\r\n" in text


def test_crlf_line_endings() -> None:
    data = render_calendar(name="x", events=[night(summary="a" * 200)], now=NOW)
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines)  # folded
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")


@pytest.mark.parametrize(
    "summary",
    [
        "Telefon, natt; Malmö",
        "Rad ett\nRad två",
        "Back\\slash, komma; semikolon\nny rad: kolon",
        "Lång " + "ö" * 120,  # folded, and never inside a multi-byte character
    ],
)
def test_text_round_trips(summary: str) -> None:
    data = render_calendar(name=summary, events=[night(summary=summary, description=summary)], now=NOW)
    calendar = parse(data)
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == summary
    assert str(event["DESCRIPTION"]) == summary
    assert str(calendar["X-WR-CALNAME"]) == summary
    data.decode("utf-8")


def test_several_events_keep_their_order_and_uids() -> None:
    events = [night(uid=f"shift-{n}@fristad") for n in range(3)]
    parsed = parse(render_calendar(name="x", events=events, now=NOW)).walk("VEVENT")
    assert [str(e["UID"]) for e in parsed] == ["shift-0@fristad", "shift-1@fristad", "shift-2@fristad"]


def test_empty_calendar_is_valid() -> None:
    data = render_calendar(name="Inga pass", events=[], now=NOW)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert data.endswith(b"END:VCALENDAR\r\n")
    calendar = parse(data)
    assert calendar.walk("VEVENT") == []
    assert str(calendar["PRODID"]) == "-//Fristad//Jourschema//SV"
    assert str(calendar["VERSION"]) == "2.0"


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        render_calendar(name="x", events=[], now=datetime(2026, 11, 20, 12))
    naive = CalendarEvent(
        uid="n", start=datetime(2026, 11, 27, 20), end=datetime(2026, 11, 28, 2), summary="x"
    )
    with pytest.raises(ValueError):
        render_calendar(name="x", events=[naive], now=NOW)


def test_carriage_returns_and_control_characters_do_not_break_lines() -> None:
    # icalendar escapes a newline but not a lone carriage return.
    summary = "Rad ett\r\nRad två\rRad tre\x00\x07\tflik"
    data = render_calendar(name="x\ry", events=[night(summary=summary)], now=NOW)
    assert all(b"\r" not in line and b"\n" not in line for line in data.split(b"\r\n"))
    calendar = parse(data)
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Rad ett\nRad två\nRad tre\tflik"
    assert str(calendar["X-WR-CALNAME"]) == "x\ny"
