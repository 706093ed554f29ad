"""Appointments of hers that other apps know about (a stödperson appointment), for her
schedule page and her iCalendar feed.

The accounts app sits below those apps in the layers, so it cannot import them; they
register a provider here when they start (dependency inversion, as
``directory/chatstatus.py``). A provider gives only what may leave the jour in a
calendar feed: a kind and a time, never who she meets or where.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class PersonalAppointment:
    uid: str  # unique and stable, like "support-12@fristad"
    jour_id: int
    start: datetime
    end: datetime
    # What the calendar shows: a kind ("Stödperson: police"), nothing about the woman.
    summary: str


# provider(user, start, end) -> her appointments overlapping [start, end), at jourer she belongs to.
Provider = Callable[[Any, datetime, datetime], list[PersonalAppointment]]
_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Register (or replace, so a second ``ready()`` is harmless) the provider called ``name``."""
    _providers[name] = provider


def appointments_for(
    *, user: Any, start: datetime, end: datetime, jour_id: int | None = None
) -> list[PersonalAppointment]:
    """Her appointments from every provider overlapping [start, end), by start; one jour's if given."""
    found = [item for provider in _providers.values() for item in provider(user, start, end)]
    if jour_id is not None:
        found = [item for item in found if item.jour_id == jour_id]
    return sorted(found, key=lambda item: (item.start, item.uid))
