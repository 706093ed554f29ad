"""A FICTIONAL demo network of jourer, for trying the platform out.

Every jour here is invented: the names say "(demo)", ``is_demo`` is set on all of
them, e-mail and web addresses sit under the reserved ``.invalid`` top-level domain,
and every phone number comes from the series the Swedish Post and Telecom Authority
(PTS) reserves for use in fiction (070-1740605 … 070-1740699, 08-46500400 … 08-46500499,
031-3900600 … 031-3900699), so no real person or shelter is ever called.

The jourer are placed in real municipalities, read from the reference geography:
each county gets jourer in proportion to its number of municipalities, picked evenly
from north to south, and every municipality in Sweden is served by the nearest demo
jour in its county. Everything is deterministic, and the network goes in through the
ordinary import, which upserts by slug, so building it twice changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils.text import slugify

from fristad.directory.hours import STOCKHOLM
from fristad.directory.models import JourKind, Language, PhoneKind, Service
from fristad.directory.services import ImportResult, jourer_import
from fristad.geo.models import Municipality
from fristad.geo.selectors import distance_km, fold

# PTS's number series for fiction (film, books, TV, demos).
FICTION_MOBILE = [f"070-17406{n:02d}" for n in range(5, 100)]
FICTION_STOCKHOLM = [f"08-465004{n:02d}" for n in range(100)]
FICTION_GOTEBORG = [f"031-39006{n:02d}" for n in range(100)]

# About this many kvinnojourer; each county gets its share (at least one).
KVINNOJOUR_TARGET = 66
# Municipalities that always get a jour: the big cities and the far north.
ALWAYS = ("0180", "1480", "1280", "0380", "0580", "1880", "2480", "2584")
# Kind "both": a women's and girls' shelter in one.
BOTH = ("0980", "2380", "0884")  # Gotland, Östersund, Vimmerby
# Tjejjourer, as their own jour next to the kvinnojour.
TJEJJOUR_HOMES = ("0180", "0127", "1480", "1280", "1281", "0380", "0580", "2480")
TJEJJOUR_REACH_KM = 15.0

WEEKLY_HOURS = (
    "mon-fri 09:00-21:00",
    "mon-sun 18:00-02:00",
    "mon-fri 09:00-16:00, sat-sun 12:00-18:00",
    "mon-thu 10:00-16:00, fri 10:00-14:00",
    "mon-fri 08:00-22:00, sat-sun 10:00-22:00",
    "mon-fri 13:00-21:00",
    "mon-fri 09:00-21:00, fri-sat 21:00-03:00",
)
ROUND_THE_CLOCK = "mon-sun 00:00-24:00"
TJEJJOUR_HOURS = (
    "mon-thu 17:00-22:00, fri-sat 20:00-02:00",
    "tue-thu 18:00-22:00, sun 14:00-20:00",
    "mon-fri 15:00-21:00",
    "mon-sun 19:00-23:00",
)
OFFICE_HOURS = "mon-thu 09:00-16:00, fri 09:00-12:00"

EXTRA_SERVICES = (
    Service.STODPERSON_POLICE,
    Service.STODPERSON_SOCIAL,
    Service.STODPERSON_COURT,
    Service.POLISANMALAN,
    Service.VARDNADSTVIST,
    Service.SEXUAL_ABUSE,
    Service.RELATIVES,
    Service.LEGAL_ADVICE,
    Service.STODPERSON_LAWYER,
)
EXTRA_LANGUAGES = (
    Language.AR,
    Language.FA,
    Language.SO,
    Language.TI,
    Language.PL,
    Language.UK,
    Language.SGN,
    Language.KU,
    Language.BS,
    Language.ES,
    Language.RU,
    Language.TR,
)
NORTHERN_COUNTIES = ("24", "25")  # Västerbotten, Norrbotten
ACCESSIBILITY_NOTES = (
    "Vi har teckentolk vid bokade samtal.",
    "Lokalerna är tillgängliga med rullstol. Assistanshund är välkommen.",
    "Du kan skriva till oss om det är svårt att prata i telefon.",
    "Vi tar emot dig med husdjur i mån av plats.",
    "Tolk via telefon kan bokas på de flesta språk.",
)


@dataclass(frozen=True)
class DemoPlace:
    code: str
    name: str
    county: str
    latitude: float
    longitude: float


def _next_on_or_after(today: date, month: int, day: int) -> date:
    this_year = date(today.year, month, day)
    return this_year if this_year >= today else date(today.year + 1, month, day)


def _midsommarafton(year: int) -> date:
    """The Friday between 19 and 25 June."""
    day = date(year, 6, 19)
    return day + timedelta(days=(4 - day.weekday()) % 7)


def holidays(*, today: date) -> dict[str, date]:
    """The next julafton, nyårsafton and midsommarafton on or after today."""
    midsommar = _midsommarafton(today.year)
    if midsommar < today:
        midsommar = _midsommarafton(today.year + 1)
    return {
        "julafton": _next_on_or_after(today, 12, 24),
        "nyarsafton": _next_on_or_after(today, 12, 31),
        "midsommarafton": midsommar,
    }


def _exceptions(hours: str, days: dict[str, date], variant: int) -> str:
    if hours == ROUND_THE_CLOCK:
        # Open as usual, said out loud so she knows.
        return (
            f"{days['julafton'].isoformat()} 00:00-24:00 (Julafton: öppet dygnet runt som vanligt), "
            f"{days['nyarsafton'].isoformat()} 00:00-24:00 (Nyårsafton: öppet dygnet runt som vanligt)"
        )
    parts = [f"{days['julafton'].isoformat()} closed (Julafton: stängt)"]
    new_years_eve = "10:00-14:00" if variant % 2 == 0 else "12:00-16:00"
    parts.append(f"{days['nyarsafton'].isoformat()} {new_years_eve} (Nyårsafton: kortare öppettider)")
    if variant % 3 != 1:
        parts.append(f"{days['midsommarafton'].isoformat()} closed (Midsommarafton: stängt)")
    return ", ".join(parts)


def _places() -> list[DemoPlace]:
    return [
        DemoPlace(m.code, m.name, m.county_id, m.latitude, m.longitude)
        for m in Municipality.objects.order_by("code")
    ]


def _evenly(items: list[DemoPlace], count: int) -> list[DemoPlace]:
    """``count`` items spread evenly over ``items`` (both ends when count >= 2)."""
    if count >= len(items):
        return list(items)
    if count == 1:
        return [items[len(items) // 2]]
    return [items[round(i * (len(items) - 1) / (count - 1))] for i in range(count)]


def _bases(places: list[DemoPlace]) -> list[DemoPlace]:
    """Homes of the kvinnojourer: each county's share, evenly from north to south."""
    by_county: dict[str, list[DemoPlace]] = {}
    for place in places:
        by_county.setdefault(place.county, []).append(place)
    chosen: dict[str, DemoPlace] = {}
    for county in sorted(by_county):
        members = sorted(by_county[county], key=lambda p: (-p.latitude, p.code))
        share = max(1, round(len(members) * KVINNOJOUR_TARGET / len(places)))
        for place in _evenly(members, share):
            chosen[place.code] = place
        for place in members:
            if place.code in ALWAYS or place.code in BOTH:
                chosen[place.code] = place
    return sorted(chosen.values(), key=lambda p: (-p.latitude, p.code))


def _nearest(place: DemoPlace, candidates: list[DemoPlace]) -> DemoPlace:
    return min(
        candidates,
        key=lambda c: (distance_km(place.latitude, place.longitude, c.latitude, c.longitude), c.code),
    )


def _slug_part(name: str) -> str:
    return slugify(fold(name))


def _member_since(index: int) -> str:
    return date(1978 + (index * 7) % 43, 1 + (index * 5) % 12, 1 + (index * 11) % 28).isoformat()


def _row(
    *,
    index: int,
    name: str,
    slug: str,
    kind: str,
    home: DemoPlace,
    served: list[str],
    hours: str,
    days: dict[str, date],
    shelter: bool,
) -> dict[str, Any]:
    services = [Service.SAMTALSSTOD.value]
    if shelter:
        services.append(Service.SKYDDAT_BOENDE.value)
    for offset in range(1 + index % 4):
        service = EXTRA_SERVICES[(index * 2 + offset * 3) % len(EXTRA_SERVICES)].value
        if service not in services:
            services.append(service)

    languages = [Language.SV.value]
    if index % 3 != 2:
        languages.append(Language.EN.value)
    if home.county in NORTHERN_COUNTIES:
        languages += [Language.FI.value, Language.SE.value] if index % 2 == 0 else [Language.SE.value]
    elif index % 10 == 7:
        languages.append(Language.FI.value)
    for offset in range(index % 4):
        language = EXTRA_LANGUAGES[(index * 5 + offset) % len(EXTRA_LANGUAGES)].value
        if language not in languages:
            languages.append(language)

    phones = [
        {
            "kind": PhoneKind.JOURTELEFON.value,
            "number": FICTION_MOBILE[index],
            "hours": hours,
            "exceptions": _exceptions(hours, days, index),
        }
    ]
    if index % 6 == 0:
        series = FICTION_STOCKHOLM if (index // 6) % 2 == 0 else FICTION_GOTEBORG
        phones.append(
            {
                "kind": PhoneKind.OFFICE.value,
                "number": series[index // 6],
                "hours": OFFICE_HOURS,
                "exceptions": _exceptions(OFFICE_HOURS, days, 0),
            }
        )

    return {
        "name": name,
        "slug": slug,
        "kind": kind,
        "home_municipality": home.code,
        "served_municipalities": [home.code, *sorted(c for c in served if c != home.code)],
        # Every other jour chats, and the big cities and the far north always (the demo staff's).
        "chats": index % 2 == 0 or home.code in ALWAYS,
        "languages": languages,
        "services": services,
        "accessibility_notes": ACCESSIBILITY_NOTES[index % len(ACCESSIBILITY_NOTES)]
        if index % 3 == 0
        else "",
        "email": f"kontakt@{slug}.demo.invalid",
        "website": f"https://{slug}.demo.invalid/" if index % 4 != 3 else "",
        "member_since": _member_since(index),
        "phones": phones,
        "is_demo": True,
    }


def demo_network_rows(*, today: date | None = None) -> list[dict[str, Any]]:
    """The demo network as jour-file JSON objects (what ``jourer_import`` reads)."""
    days = holidays(today=today or _today())
    places = _places()
    homes = demo_kvinnojourer(places)

    rows: list[dict[str, Any]] = []
    for base, served_codes in homes:
        index = len(rows)
        both = base.code in BOTH
        prefix = "Kvinno- och tjejjouren" if both else "Kvinnojouren"
        slug = f"demo-{_slug_part(base.name)}"
        hours = ROUND_THE_CLOCK if index % 11 == 5 else WEEKLY_HOURS[index % len(WEEKLY_HOURS)]
        rows.append(
            _row(
                index=index,
                name=f"{prefix} {base.name} (demo)",
                slug=slug,
                kind=JourKind.BOTH.value if both else JourKind.KVINNOJOUR.value,
                home=base,
                served=served_codes,
                hours=hours,
                days=days,
                shelter=index % 3 == 0,
            )
        )

    by_code = {p.code: p for p in places}
    for number, code in enumerate(TJEJJOUR_HOMES):
        home = by_code[code]
        index = len(rows)
        nearby = [
            p.code
            for p in places
            if p.county == home.county
            and distance_km(home.latitude, home.longitude, p.latitude, p.longitude) <= TJEJJOUR_REACH_KM
        ]
        rows.append(
            _row(
                index=index,
                name=f"Tjejjouren {home.name} (demo)",
                slug=f"demo-tjejjouren-{_slug_part(home.name)}",
                kind=JourKind.TJEJJOUR.value,
                home=home,
                served=nearby,
                hours=TJEJJOUR_HOURS[number % len(TJEJJOUR_HOURS)],
                days=days,
                shelter=False,
            )
        )
    if len(rows) > len(FICTION_MOBILE):
        raise RuntimeError("more demo jourer than fiction phone numbers")
    return rows


def demo_kvinnojourer(places: list[DemoPlace]) -> list[tuple[DemoPlace, list[str]]]:
    """The demo's kvinnojourer: each home, north to south, with the municipality codes it
    serves (every municipality, by the nearest home in its county). No database: the
    staffing simulation (bench/national_sim.py) builds the same network from the CSV."""
    bases = _bases(places)
    by_county: dict[str, list[DemoPlace]] = {}
    for base in bases:
        by_county.setdefault(base.county, []).append(base)
    served: dict[str, list[str]] = {base.code: [] for base in bases}
    for place in places:
        served[_nearest(place, by_county[place.county]).code].append(place.code)
    return [(base, served[base.code]) for base in bases]


def _today() -> date:
    return datetime.now(STOCKHOLM).date()


def demo_network_build() -> ImportResult:
    """Create or update every demo jour; all or nothing, like any import."""
    return jourer_import(text=json.dumps(demo_network_rows()), fmt="json")
