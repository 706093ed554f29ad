"""The fictional demo network: spread over Sweden, serving every municipality, harmless numbers."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Max, Min

from fristad.directory.demo import demo_network_build, demo_network_rows, holidays
from fristad.directory.models import (
    Jour,
    JourKind,
    JourLanguage,
    JourService,
    OpeningException,
    OpeningHours,
    Phone,
    PhoneKind,
)
from fristad.directory.selectors import SearchFilters, jour_search
from fristad.geo.models import County, Municipality
from fristad.geo.selectors import distance_km
from tests.test_search import WEDNESDAY_NOON

# PTS's series reserved for fiction.
FICTION_NUMBERS = (
    {f"070-17406{n:02d}" for n in range(5, 100)}
    | {f"08-465004{n:02d}" for n in range(100)}
    | {f"031-39006{n:02d}" for n in range(100)}
)


@pytest.fixture
def demo(db: None) -> list[Jour]:
    result = demo_network_build()
    assert result.ok, result.errors
    assert result.updated == 0
    return list(Jour.objects.select_related("home_municipality__county"))


def _snapshot() -> dict[str, object]:
    return {
        "jourer": sorted(Jour.objects.values_list("slug", "name", "kind", "home_municipality_id", "is_demo")),
        "served": sorted(
            Jour.served_municipalities.through.objects.values_list("jour__slug", "municipality_id")
        ),
        "phones": sorted(Phone.objects.values_list("jour__slug", "kind", "number", "position")),
        "hours": sorted(OpeningHours.objects.values_list("phone__number", "weekday", "opens", "closes")),
        "exceptions": sorted(
            OpeningException.objects.values_list(
                "phone__number", "date", "closed", "opens", "closes", "note"
            ),
            key=str,
        ),
        "services": sorted(JourService.objects.values_list("jour__slug", "service")),
        "languages": sorted(JourLanguage.objects.values_list("jour__slug", "language")),
    }


def test_at_least_72_fictional_jourer(demo: list[Jour]) -> None:
    assert len(demo) >= 72
    assert Jour.objects.count() == len(demo)
    assert all(j.is_demo and j.is_active for j in demo)
    assert all(j.name.endswith("(demo)") and j.slug.startswith("demo-") for j in demo)
    assert all(j.email.startswith("kontakt@") and j.email.endswith(".demo.invalid") for j in demo)
    assert all(j.website == "" or j.website.endswith(".demo.invalid/") for j in demo)
    assert any(j.website for j in demo) and any(not j.website for j in demo)
    years = [j.member_since.year for j in demo if j.member_since]
    assert len(years) == len(demo) and min(years) >= 1978 and max(years) <= 2020


def test_every_county_has_a_jour_and_north_to_south(demo: list[Jour]) -> None:
    counties = {j.home_municipality.county_id for j in demo}
    assert counties == set(County.objects.values_list("code", flat=True))
    assert len(counties) == 21
    spread = Jour.objects.aggregate(
        north=Max("home_municipality__latitude"), south=Min("home_municipality__latitude")
    )
    assert spread["north"] > 66
    assert spread["south"] < 56


def test_every_municipality_is_served_by_its_nearest_jour_in_the_county(demo: list[Jour]) -> None:
    women = [j for j in demo if j.kind != JourKind.TJEJJOUR]
    served_by: dict[str, set[str]] = {}
    for jour in Jour.objects.prefetch_related("served_municipalities"):
        codes = {m.code for m in jour.served_municipalities.all()}
        assert jour.home_municipality_id in codes
        for code in codes:
            served_by.setdefault(code, set()).add(jour.slug)
    municipalities = list(Municipality.objects.all())
    assert len(municipalities) == 290
    assert set(served_by) == {m.code for m in municipalities}
    for municipality in municipalities:
        same_county = [j for j in women if j.home_municipality.county_id == municipality.county_id]
        nearest = min(
            same_county,
            key=lambda j: distance_km(
                municipality.latitude,
                municipality.longitude,
                j.home_municipality.latitude,
                j.home_municipality.longitude,
            ),
        )
        assert nearest.slug in served_by[municipality.code], municipality.name


def test_a_search_anywhere_finds_a_jour_serving_her_municipality(demo: list[Jour]) -> None:
    everywhere = list(Municipality.objects.order_by("-latitude"))
    for municipality in everywhere[:: len(everywhere) // 12]:
        views = jour_search(municipality=municipality, filters=SearchFilters(), now=WEDNESDAY_NOON)
        assert views[0].serves_searched_municipality, municipality.name


def test_only_numbers_reserved_for_fiction(demo: list[Jour]) -> None:
    numbers = list(Phone.objects.values_list("number", flat=True))
    assert numbers and set(numbers) <= FICTION_NUMBERS
    hotlines = list(Phone.objects.filter(kind=PhoneKind.JOURTELEFON).values_list("number", flat=True))
    assert len(hotlines) == len(set(hotlines)) == len(demo)
    assert all(n.startswith("070-17406") for n in hotlines)
    offices = Phone.objects.filter(kind=PhoneKind.OFFICE)
    assert offices.exists()
    assert all(p.number.startswith(("08-465004", "031-39006")) for p in offices)


def test_variety_of_kinds_services_languages_and_hours(demo: list[Jour]) -> None:
    kinds = [j.kind for j in demo]
    assert 6 <= kinds.count(JourKind.TJEJJOUR) <= 10
    assert kinds.count(JourKind.BOTH) >= 2
    assert all(j.name.startswith("Tjejjouren ") for j in demo if j.kind == JourKind.TJEJJOUR)
    assert JourService.objects.filter(service="samtalsstod").count() == len(demo)
    shelters = JourService.objects.filter(service="skyddat_boende").count()
    assert len(demo) / 4 <= shelters <= len(demo) / 2
    assert JourLanguage.objects.filter(language="sv").count() == len(demo)
    spoken = set(JourLanguage.objects.values_list("language", flat=True))
    assert {"en", "ar", "fa", "so", "ti", "fi", "se", "pl", "uk", "sgn"} <= spoken
    # Northern Sami in the north only.
    assert all(
        lang.jour.home_municipality.county_id in ("24", "25")
        for lang in JourLanguage.objects.filter(language="se").select_related("jour__home_municipality")
    )
    chats = sum(j.chats for j in demo)
    assert len(demo) / 3 <= chats <= 2 * len(demo) / 3
    assert any(j.accessibility_notes for j in demo) and any(not j.accessibility_notes for j in demo)
    hotline_hours = {
        tuple(p.weekly_hours.values_list("weekday", "opens", "closes"))
        for p in Phone.objects.filter(kind=PhoneKind.JOURTELEFON)
    }
    assert len(hotline_hours) >= 6
    round_the_clock = [h for h in hotline_hours if len(h) == 7 and all(o == c for _, o, c in h)]
    assert round_the_clock
    overnight = [h for h in hotline_hours if any(c < o for _, o, c in h)]
    assert overnight
    weekends = [h for h in hotline_hours if any(d >= 5 for d, _, _ in h)]
    assert len(weekends) > len(round_the_clock)


def test_holiday_exceptions_with_notes(demo: list[Jour]) -> None:
    hotlines = Phone.objects.filter(kind=PhoneKind.JOURTELEFON)
    for phone in hotlines:
        christmas_eve = phone.exceptions.filter(date__month=12, date__day=24).get()
        assert "Julafton" in christmas_eve.note
        assert phone.exceptions.filter(date__month=12, date__day=31, note__contains="Nyårsafton").exists()
    closed = OpeningException.objects.filter(date__month=12, date__day=24, closed=True)
    assert closed.count() > len(demo) // 2
    shorter = OpeningException.objects.filter(date__month=12, date__day=31, closed=False)
    assert shorter.exclude(opens=None).exists()
    midsummer = OpeningException.objects.filter(note__contains="Midsommarafton")
    assert midsummer.exists()
    assert all(e.date.weekday() == 4 and e.date.month == 6 and 19 <= e.date.day <= 25 for e in midsummer)


def test_holidays_are_the_next_ones() -> None:
    late_autumn = holidays(today=date(2026, 11, 25))
    assert late_autumn == {
        "julafton": date(2026, 12, 24),
        "nyarsafton": date(2026, 12, 31),
        "midsommarafton": date(2027, 6, 25),
    }
    spring = holidays(today=date(2027, 1, 2))
    assert spring["julafton"] == date(2027, 12, 24)
    assert spring["midsommarafton"] == date(2027, 6, 25)
    assert holidays(today=date(2026, 6, 1))["midsommarafton"] == date(2026, 6, 19)


def test_rows_are_deterministic(db: None) -> None:
    today = date(2026, 11, 25)
    assert demo_network_rows(today=today) == demo_network_rows(today=today)


def test_second_run_is_idempotent(demo: list[Jour]) -> None:
    before = _snapshot()
    result = demo_network_build()
    assert result.ok
    assert (result.created, result.updated) == (0, len(demo))
    assert _snapshot() == before


def test_demo_command_says_fictional_and_counts(db: None) -> None:
    out = io.StringIO()
    call_command("demo", stdout=out)
    count = Jour.objects.filter(is_demo=True).count()
    assert count >= 72
    assert f"{count} jourer created, 0 updated" in out.getvalue()
    assert "FICTIONAL" in out.getvalue()
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert f"0 jourer created, {count} updated" in out.getvalue()
    assert Jour.objects.count() == count


def test_demo_remove_deletes_only_demo_jourer(sample_jourer: list[Jour]) -> None:
    call_command("demo", stdout=io.StringIO())
    assert Jour.objects.filter(is_demo=True).count() >= 72
    out = io.StringIO()
    call_command("demo", "--remove", stdout=out)
    assert "Removed" in out.getvalue()
    assert not Jour.objects.filter(is_demo=True).exists()
    assert sorted(Jour.objects.values_list("slug", flat=True)) == sorted(j.slug for j in sample_jourer)
    assert not Phone.objects.filter(jour__is_demo=True).exists()


def test_demo_remove_leaves_no_demo_counts_behind(sample_jourer: list[Jour], settings: Any) -> None:
    """A removed member's anonymous counts are kept for the national figures; a demo jour's
    are not figures at all, and must not turn up as a "former member" in the statistics."""
    from fristad.stats.models import ContactRecord
    from fristad.support.models import SupportAppointmentCount

    settings.DEMO_MODE = True
    call_command("demo", stdout=io.StringIO())
    assert ContactRecord.objects.filter(jour__is_demo=True).exists()
    assert SupportAppointmentCount.objects.filter(jour__is_demo=True).exists()
    call_command("demo", "--remove", stdout=io.StringIO())
    assert not ContactRecord.objects.filter(jour__isnull=True).exists()
    assert not SupportAppointmentCount.objects.filter(jour__isnull=True).exists()


def test_demo_staff_hint_points_where_the_site_is_served(db: None, settings: Any) -> None:
    settings.DEMO_MODE = True
    out = io.StringIO()
    call_command("demo", "--site-url", "http://127.0.0.1:8123/", stdout=out)
    assert "Sign in at http://127.0.0.1:8123/personal/ " in out.getvalue()
    assert ":8000" not in out.getvalue()


def test_the_demo_staffs_jourer_chat(demo: list[Jour]) -> None:
    """A demo jourkvinna opens her console: her jour must have its chat on (it once did
    not in Malmö, and her console was a "not found")."""
    from fristad.accounts.demo import DEMO_JOUR_SLUGS

    chatting = {j.slug for j in demo if j.chats}
    assert set(DEMO_JOUR_SLUGS) <= chatting
