"""The jour file's data: its columns and what a row becomes (a ``JourSpec`` with its phones,
weekly hours and exceptions), and the two kinds of problem (a row's, the whole file's)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

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
