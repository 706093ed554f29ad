"""Pure housing logic without the ORM: does a unit meet a household's needs (and if not,
what does not fit), ranking, distance bands, nights, and the personnummer check.

Kept apart from the database so that the rules can be read and tested on their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

SECURITY_RANK = {"basic": 0, "high": 1, "very_high": 2}
MAX_CHILD_AGE = 17


class DistanceBand(StrEnum):
    """How far from her municipality the caseworker would like the place (km, as the crow flies)."""

    ANY = "any"
    NEAR = "near"  # under 50 km
    REGION = "region"  # 50-150 km
    FAR = "far"  # 150-400 km
    VERY_FAR = "very_far"  # over 400 km


BAND_LIMITS: dict[DistanceBand, tuple[float, float]] = {
    DistanceBand.ANY: (0.0, float("inf")),
    DistanceBand.NEAR: (0.0, 50.0),
    DistanceBand.REGION: (50.0, 150.0),
    DistanceBand.FAR: (150.0, 400.0),
    DistanceBand.VERY_FAR: (400.0, float("inf")),
}

BAND_LABELS = {
    DistanceBand.ANY: gettext_lazy("Any distance"),
    DistanceBand.NEAR: gettext_lazy("Near: under 50 km"),
    DistanceBand.REGION: gettext_lazy("In the region: 50–150 km"),
    DistanceBand.FAR: gettext_lazy("Far: 150–400 km"),
    DistanceBand.VERY_FAR: gettext_lazy("Very far: over 400 km"),
}


@dataclass(frozen=True)
class Child:
    age: int
    sex: str  # "girl" or "boy"


@dataclass(frozen=True)
class Needs:
    adults: int = 1
    children: tuple[Child, ...] = ()
    wheelchair: bool = False
    limited_mobility: bool = False
    pets: bool = False
    allergy: bool = False
    language: str = ""  # ISO 639-1; "" or "sv": no need
    substance_use: bool = False
    mental_health: bool = False
    security_level: str = ""  # "" = any
    band: DistanceBand = DistanceBand.ANY


@dataclass(frozen=True)
class UnitFacts:
    """What the matching needs to know about a unit, read from the database in one query."""

    unit_id: int
    free_adults: int
    free_children: int
    max_children: int | None
    son_age_limit: int | None
    wheelchair_accessible: bool
    limited_mobility: bool
    pets_allowed: bool
    allergy_rooms: bool
    accepts_substance_use: bool
    mental_health_support: bool
    languages: tuple[str, ...]
    security_level: str
    distance_km: float


# A misfit as data: a code and its figures. Ranking needs only how many there are; the
# words (translated) are made for the units shown, not for every unit considered.
Misfit = tuple[str, tuple[Any, ...]]


@dataclass(frozen=True)
class Match:
    unit_id: int
    codes: list[Misfit] = field(default_factory=list)
    distance_km: float = 0.0

    @property
    def full(self) -> bool:
        return not self.codes

    @property
    def misfits(self) -> list[str]:
        return [describe(code) for code in self.codes]


def misfit_codes(needs: Needs, unit: UnitFacts) -> list[Misfit]:  # noqa: C901, PLR0912  a flat check per need
    """What does not fit, as codes; empty for a full match."""
    found: list[Misfit] = []
    if unit.free_adults < needs.adults:
        found.append(("adults", (unit.free_adults, needs.adults)))
    children = len(needs.children)
    if children > unit.free_children:
        found.append(("children", (unit.free_children, children)))
    if unit.max_children is not None and children > unit.max_children:
        found.append(("max_children", (unit.max_children,)))
    if unit.son_age_limit is not None:
        too_old = [c.age for c in needs.children if c.sex == "boy" and c.age > unit.son_age_limit]
        if too_old:
            found.append(("son_age", (unit.son_age_limit, max(too_old))))
    if needs.wheelchair and not unit.wheelchair_accessible:
        found.append(("wheelchair", ()))
    if needs.limited_mobility and not (unit.limited_mobility or unit.wheelchair_accessible):
        found.append(("limited_mobility", ()))
    if needs.pets and not unit.pets_allowed:
        found.append(("pets", ()))
    if needs.allergy and not unit.allergy_rooms:
        found.append(("allergy", ()))
    if needs.language and needs.language != "sv" and needs.language not in unit.languages:
        found.append(("language", ()))
    if needs.substance_use and not unit.accepts_substance_use:
        found.append(("substance_use", ()))
    if needs.mental_health and not unit.mental_health_support:
        found.append(("mental_health", ()))
    if needs.security_level and SECURITY_RANK.get(unit.security_level, 0) < SECURITY_RANK.get(
        needs.security_level, 0
    ):
        found.append(("security", ()))
    low, high = BAND_LIMITS[needs.band]
    if not low <= unit.distance_km < high:
        found.append(("distance", (round(unit.distance_km), needs.band)))
    return found


def describe(misfit: Misfit) -> str:
    """A misfit in words the caseworker reads."""
    code, figures = misfit
    if code == "adults":
        return ngettext(
            "Only %(n)d free place for adults (%(needed)d needed)",
            "Only %(n)d free places for adults (%(needed)d needed)",
            figures[0],
        ) % {"n": figures[0], "needed": figures[1]}
    if code == "children":
        return ngettext(
            "Only %(n)d free place for children (%(needed)d needed)",
            "Only %(n)d free places for children (%(needed)d needed)",
            figures[0],
        ) % {"n": figures[0], "needed": figures[1]}
    if code == "max_children":
        return _("Takes at most %(n)d children") % {"n": figures[0]}
    if code == "son_age":
        return _("Sons are taken up to age %(limit)d (a son is %(age)d)") % {
            "limit": figures[0],
            "age": figures[1],
        }
    if code == "distance":
        return _("%(km)d km away, outside the preferred distance (%(band)s)") % {
            "km": figures[0],
            "band": BAND_LABELS[figures[1]],
        }
    simple = {
        "wheelchair": _("Not wheelchair accessible"),
        "limited_mobility": _("Not adapted for limited mobility"),
        "pets": _("Pets are not allowed"),
        "allergy": _("No animal-free rooms for allergy"),
        "language": _("The staff do not speak the language asked for"),
        "substance_use": _("Does not accept substance use"),
        "mental_health": _("No support for mental ill-health"),
        "security": _("Lower security level than asked for"),
    }
    return simple[code]


def misfits(needs: Needs, unit: UnitFacts) -> list[str]:
    """What does not fit, in words; empty for a full match."""
    return [describe(code) for code in misfit_codes(needs, unit)]


def rank(needs: Needs, units: list[UnitFacts]) -> list[Match]:
    """Full matches first, then near matches with the fewest misfits; nearer first within each."""
    matches = [Match(u.unit_id, misfit_codes(needs, u), u.distance_km) for u in units]
    return sorted(matches, key=lambda m: (len(m.codes), m.distance_km, m.unit_id))


def is_stale(confirmed_at: datetime | None, *, now: datetime, stale_hours: int) -> bool:
    return confirmed_at is None or now - confirmed_at > timedelta(hours=stale_hours)


def nights(start: date, end: date) -> int:
    """Nights between arrival and departure: in on the 1st, out on the 3rd is two nights."""
    if end < start:
        raise ValueError("end before start")
    return (end - start).days


# A Swedish personal identity or coordination number: YYMMDD or YYYYMMDD, an optional
# - or +, then four digits. Also any run of ten or more digits.
_PERSONNUMMER = re.compile(r"(?<!\d)(?:\d{2})?\d{6}\s?[-+]?\s?\d{4}(?!\d)")
_LONG_DIGITS = re.compile(r"\d{10,}")
_REFERENCE = re.compile(r"^[\w .:/#-]*$")


def looks_like_personnummer(text: str) -> bool:
    compact = text.replace(" ", "")
    return bool(_PERSONNUMMER.search(text) or _LONG_DIGITS.search(compact))


def case_reference_problem(text: str) -> str | None:
    """Why a case reference is refused, or None. It must not identify her."""
    if len(text) > 40:
        return _("The case reference can be at most 40 characters.")
    if looks_like_personnummer(text):
        return _(
            "The case reference looks like a personal identity number. Use the municipality's "
            "own case number, never a personal identity number."
        )
    if not _REFERENCE.match(text):
        return _("The case reference may contain letters, digits, spaces and . : / # - only.")
    if not any(ch.isdigit() for ch in text):
        # A reference without a digit is too easily a name.
        return _("The case reference must contain the municipality's case number (digits).")
    return None
