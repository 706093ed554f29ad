"""The jour file: the CSV and JSON format that ``import-jourer`` reads and
``export-jourer`` writes. Pure parsing and validation; no database writes.

One jour per CSV row (or JSON object). Multi-valued fields are comma-separated in
CSV and lists in JSON. Phones use one compact notation in both::

    jourtelefon 070-1740605 | mon-fri 09:00-21:00, sat 18:00-02:00 | 2026-12-24 closed (Julafton)

kind and number, then the weekly hours, then dated exceptions. In CSV several
phones are separated by ``;``; in JSON ``phones`` is a list of objects with
``kind``, ``number``, ``hours`` and ``exceptions``. Days not named are closed; a
slot whose end is not after its start runs past midnight; ``00:00-24:00`` is the
whole day. Swedish day names (mån, tis, ons, tor, fre, lör, sön) work too.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator, validate_slug

from fristad.directory.hours import SWEDISH_WEEKDAY_CODES, WEEKDAY_CODES
from fristad.directory.models import JourKind, Language, PhoneKind, Service

CSV_COLUMNS = [
    "name",
    "slug",
    "kind",
    "home_municipality",
    "served_municipalities",
    "chats",
    "languages",
    "services",
    "accessibility_notes",
    "email",
    "website",
    "member_since",
    "phones",
    "is_demo",
    "is_active",
]
REQUIRED = ("name", "slug", "home_municipality", "phones")
MAX_ROWS = 2000


@dataclass
class WeeklySlot:
    weekday: int
    opens: time
    closes: time


@dataclass
class ExceptionSpec:
    date: date
    closed: bool
    opens: time | None = None
    closes: time | None = None
    note: str = ""


@dataclass
class PhoneSpec:
    kind: str
    number: str
    weekly: list[WeeklySlot] = field(default_factory=list)
    exceptions: list[ExceptionSpec] = field(default_factory=list)


@dataclass
class JourSpec:
    name: str
    slug: str
    kind: str
    home_municipality: str
    served_municipalities: list[str]
    chats: bool
    languages: list[str]
    services: list[str]
    accessibility_notes: str
    email: str
    website: str
    member_since: date | None
    is_demo: bool
    phones: list[PhoneSpec]
    is_active: bool = True


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class FileFormatError(ValueError):
    """The file as a whole cannot be read (not CSV/JSON, wrong columns)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


# --- notation ---------------------------------------------------------------------

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


# --- rows --------------------------------------------------------------------------

_TRUE = {"true", "1", "yes", "ja", "y", "x"}
_FALSE = {"false", "0", "no", "nej", "n", ""}


def _as_bool(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{name} must be yes or no, not '{value}'")


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in str(value).split(",") if v.strip()]


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def validate_row(
    raw: Mapping[str, Any], municipalities: Mapping[str, str]
) -> tuple[JourSpec | None, list[str]]:
    """Check one row; ``municipalities`` maps codes and folded names to codes."""
    problems: list[str] = []

    for name in REQUIRED:
        if not raw.get(name):
            problems.append(f"{name} is required")
    name = _text(raw.get("name"))
    if len(name) > 120:
        problems.append("name is longer than 120 characters")
    slug = _text(raw.get("slug"))
    if slug:
        try:
            validate_slug(slug)
        except ValidationError:
            problems.append(f"slug '{slug[:80]}' may only hold letters, digits, - and _")
        if len(slug) > 80:
            problems.append("slug is longer than 80 characters")
    kind = _text(raw.get("kind")) or JourKind.KVINNOJOUR
    if kind not in JourKind.values:
        problems.append(f"kind '{kind}' is not one of {', '.join(JourKind.values)}")

    def municipality(value: str) -> str | None:
        code = municipalities.get(value) or municipalities.get(value.casefold())
        if code is None:
            problems.append(f"municipality '{value[:60]}' is not a known municipality code or name")
        return code

    home_raw = _text(raw.get("home_municipality"))
    home = municipality(home_raw) if home_raw else None
    served = [code for code in (municipality(v) for v in _as_list(raw.get("served_municipalities"))) if code]
    if home and home not in served:
        served.insert(0, home)

    languages = _as_list(raw.get("languages"))
    for code in languages:
        if code not in Language.values:
            problems.append(f"language '{code[:20]}' is not one of {', '.join(Language.values)}")
    services = _as_list(raw.get("services"))
    for code in services:
        if code not in Service.values:
            problems.append(f"service '{code[:30]}' is not one of {', '.join(Service.values)}")

    chats = is_demo = False
    is_active = True
    try:
        chats = _as_bool(raw.get("chats", ""), "chats")
        is_demo = _as_bool(raw.get("is_demo", ""), "is_demo")
        # A missing or empty is_active means active: a new file lists jourer to publish.
        active_raw = raw.get("is_active")
        is_active = True if active_raw is None or active_raw == "" else _as_bool(active_raw, "is_active")
    except ValueError as error:
        problems.append(str(error))

    email = _text(raw.get("email"))
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            problems.append(f"email '{email[:80]}' is not an e-mail address")
        if len(email) > 254:
            problems.append("email is longer than 254 characters")
    website = _text(raw.get("website"))
    if website:
        try:
            URLValidator(schemes=["https", "http"])(website)
        except ValidationError:
            problems.append(f"website '{website[:80]}' is not a web address")
        if len(website) > 200:
            problems.append("website is longer than 200 characters")
    member_since = None
    if _text(raw.get("member_since")):
        try:
            member_since = date.fromisoformat(_text(raw.get("member_since")))
        except ValueError:
            problems.append(
                f"member_since '{_text(raw.get('member_since'))[:20]}' is not a date like 1995-03-08"
            )
    notes = _text(raw.get("accessibility_notes"))
    if len(notes) > 1000:
        problems.append("accessibility_notes is longer than 1000 characters")

    phones: list[PhoneSpec] = []
    raw_phones = raw.get("phones")
    try:
        if isinstance(raw_phones, list):
            for item in raw_phones:
                if not isinstance(item, dict):
                    raise ValueError("each phone must be an object with kind, number, hours, exceptions")
                phones.append(
                    _phone(
                        _text(item.get("kind")) or PhoneKind.JOURTELEFON,
                        _text(item.get("number")),
                        _text(item.get("hours")),
                        _text(item.get("exceptions")),
                    )
                )
        elif raw_phones:
            phones = [parse_phone(p) for p in str(raw_phones).split(";") if p.strip()]
    except ValueError as error:
        problems.append(str(error))

    if problems:
        return None, problems
    assert home is not None
    return (
        JourSpec(
            name=name,
            slug=slug,
            kind=kind,
            home_municipality=home,
            served_municipalities=served,
            chats=chats,
            languages=languages,
            services=services,
            accessibility_notes=notes,
            email=email,
            website=website,
            member_since=member_since,
            is_demo=is_demo,
            is_active=is_active,
            phones=phones,
        ),
        [],
    )


def read_rows(text: str, fmt: str) -> list[tuple[int, dict[str, Any]]]:
    """Rows with the line each starts on. Raises FileFormatError for an unreadable file."""
    if fmt == "json":
        return _read_json(text)
    if fmt == "csv":
        return _read_csv(text)
    raise FileFormatError(1, f"unknown format '{fmt}' (csv or json)")


def _read_csv(text: str) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = next(reader, [])
    except csv.Error as error:
        raise FileFormatError(1, str(error)) from None
    header = [column.strip() for column in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    if unknown or missing:
        problems = []
        if unknown:
            problems.append(f"unknown columns: {', '.join(unknown)}")
        if missing:
            problems.append(f"missing columns: {', '.join(missing)}")
        raise FileFormatError(1, "; ".join(problems))
    rows: list[tuple[int, dict[str, Any]]] = []
    # A row starts on the line after the previous row ended; blank lines are skipped.
    previous_end = reader.line_num
    try:
        for cells in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if not cells or not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                rows.append((start, {"__error__": "the row has more cells than the header"}))
            else:
                rows.append((start, dict(zip(header, cells, strict=False))))
            if len(rows) > MAX_ROWS:
                raise FileFormatError(start, f"more than {MAX_ROWS} rows")
    except csv.Error as error:
        raise FileFormatError(reader.line_num, str(error)) from None
    return rows


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _read_json(text: str) -> list[tuple[int, dict[str, Any]]]:
    """A strict JSON list of objects, remembering the line each object starts on."""
    decoder = json.JSONDecoder()
    text = text.lstrip("\ufeff")
    position = _skip_space(text, 0)
    if position >= len(text) or text[position] != "[":
        raise FileFormatError(1, "a JSON jour file is a list of objects: [ {…}, {…} ]")
    position = _skip_space(text, position + 1)
    rows: list[tuple[int, dict[str, Any]]] = []
    if position < len(text) and text[position] == "]":
        position += 1
    else:
        while True:
            line = _line_of(text, position)
            try:
                value, position = decoder.raw_decode(text, position)
            except json.JSONDecodeError as error:
                raise FileFormatError(error.lineno, error.msg) from None
            rows.append(
                (line, value if isinstance(value, dict) else {"__error__": "each entry must be an object"})
            )
            if len(rows) > MAX_ROWS:
                raise FileFormatError(line, f"more than {MAX_ROWS} rows")
            position = _skip_space(text, position)
            if position < len(text) and text[position] == ",":
                position = _skip_space(text, position + 1)
                if position < len(text) and text[position] == "]":
                    raise FileFormatError(_line_of(text, position), "a comma before ] (trailing comma)")
                continue
            if position < len(text) and text[position] == "]":
                position += 1
                break
            if position >= len(text):
                raise FileFormatError(_line_of(text, position), "the list is not closed with ]")
            raise FileFormatError(_line_of(text, position), "expected , or ] after an object")
    position = _skip_space(text, position)
    if position < len(text):
        raise FileFormatError(_line_of(text, position), "unexpected text after the closing ]")
    return rows


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def parse(text: str, fmt: str, municipalities: Mapping[str, str]) -> tuple[list[JourSpec], list[RowError]]:
    """Every row validated; every problem reported with its line number."""
    specs: list[JourSpec] = []
    errors: list[RowError] = []
    seen_slugs: dict[str, int] = {}
    for line, raw in read_rows(text, fmt):
        if "__error__" in raw:
            errors.append(RowError(line, raw["__error__"]))
            continue
        spec, problems = validate_row(raw, municipalities)
        errors.extend(RowError(line, p) for p in problems)
        if spec:
            if spec.slug in seen_slugs:
                errors.append(
                    RowError(line, f"slug '{spec.slug}' is already used on line {seen_slugs[spec.slug]}")
                )
            seen_slugs.setdefault(spec.slug, line)
            specs.append(spec)
    return specs, errors


def to_json_object(spec: JourSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "slug": spec.slug,
        "kind": spec.kind,
        "home_municipality": spec.home_municipality,
        "served_municipalities": spec.served_municipalities,
        "chats": spec.chats,
        "languages": spec.languages,
        "services": spec.services,
        "accessibility_notes": spec.accessibility_notes,
        "email": spec.email,
        "website": spec.website,
        "member_since": spec.member_since.isoformat() if spec.member_since else "",
        "phones": [
            {
                "kind": p.kind,
                "number": p.number,
                "hours": format_weekly(p.weekly),
                "exceptions": format_exceptions(p.exceptions),
            }
            for p in spec.phones
        ],
        "is_demo": spec.is_demo,
        "is_active": spec.is_active,
    }


def write(specs: Iterable[JourSpec], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([to_json_object(s) for s in specs], ensure_ascii=False, indent=2) + "\n"
    if fmt != "csv":
        raise FileFormatError(1, f"unknown format '{fmt}' (csv or json)")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for spec in specs:
        row = to_json_object(spec)
        for key in ("served_municipalities", "languages", "services"):
            row[key] = ",".join(row[key])
        for key in ("chats", "is_demo", "is_active"):
            row[key] = "yes" if row[key] else "no"
        row["phones"] = "; ".join(format_phone(p) for p in spec.phones)
        writer.writerow(row)
    return out.getvalue()
