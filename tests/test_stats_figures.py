"""The figures: SQL aggregation per jour and month (contacts by every column, volunteer hours
across DST and month boundaries, housing nights and people, turned away, support appointments),
and suppression over the national system of a year."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fristad.accounts.models import Shift
from fristad.directory.hours import STOCKHOLM
from fristad.directory.models import Jour
from fristad.housing.models import Placement, Stay, TurnedAway
from fristad.stats import report, sources
from fristad.stats.models import ContactRecord
from fristad.stats.report import ALL, DIMENSION, YEAR, year_figures
from fristad.stats.suppression import State
from fristad.support.models import SupportAppointmentCount
from tests.conftest import Staff

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 25)


def contacts(jour: Jour | None, day: dt.date, n: int, **answers: Any) -> None:
    fields = {"channel": "phone", "who": "woman", "age": "unknown", **answers}
    ContactRecord.objects.bulk_create([ContactRecord(jour=jour, date=day, **fields) for _ in range(n)])


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


def test_contacts_by_every_column_per_jour_and_month_in_one_query(staff: Staff) -> None:
    a, b = staff.jour_a, staff.jour_b
    contacts(a, dt.date(2026, 3, 2), 3, channel="chat", violence_physical=True, topics_custody=True)
    contacts(a, dt.date(2026, 3, 31), 2, channel="phone", who="girl", age="under_18", violence_physical=True)
    contacts(a, dt.date(2026, 4, 1), 1, channel="visit", referred_to_police=True, support_listening=True)
    contacts(b, dt.date(2026, 3, 15), 4, channel="sms")
    contacts(a, dt.date(2025, 12, 31), 7)  # another year
    with CaptureQueriesContext(connection) as queries:
        counts = sources.contact_counts(year=2026)
    assert len(queries) == 1
    march = counts[(a.pk, 3)]
    assert march["total"] == 5
    assert march["channel:chat"] == 3 and march["channel:phone"] == 2 and march["channel:sms"] == 0
    assert march["who:girl"] == 2 and march["age:under_18"] == 2 and march["age:unknown"] == 3
    assert march["violence:physical"] == 5 and march["topics:custody"] == 3
    assert counts[(a.pk, 4)]["referred_to:police"] == 1 and counts[(a.pk, 4)]["support:listening"] == 1
    assert counts[(b.pk, 3)]["channel:sms"] == 4
    assert set(counts) == {(a.pk, 3), (a.pk, 4), (b.pk, 3)}
    assert sources.contact_counts(year=2026, jour_id=b.pk) == {(b.pk, 3): counts[(b.pk, 3)]}


def test_own_figures_are_not_suppressed_and_add_up(staff: Staff) -> None:
    a = staff.jour_a
    contacts(a, dt.date(2026, 3, 2), 3, channel="chat")
    contacts(a, dt.date(2026, 5, 2), 2, channel="chat")
    contacts(a, dt.date(2026, 5, 3), 9, channel="phone")
    figures = year_figures(year=2026, now=NOW, today=TODAY, jour_id=a.pk, suppressed=False)
    assert figures.value("channel", "chat", a.pk, 3).label == "3"
    assert figures.value("channel", "chat", a.pk, YEAR).value == 5
    assert figures.total(DIMENSION["channel"], a.pk, YEAR).value == 14  # type: ignore[union-attr]
    # The shared contacts total is counted once, not once per breakdown.
    assert figures.total(DIMENSION["who"], a.pk, 5).value == 11  # type: ignore[union-attr]
    assert figures.jours == [a.pk]


def test_national_figures_are_suppressed_consistently(staff: Staff) -> None:
    a, b = staff.jour_a, staff.jour_b
    contacts(a, dt.date(2026, 3, 2), 3, channel="chat")
    contacts(a, dt.date(2026, 3, 2), 30, channel="phone")
    contacts(b, dt.date(2026, 3, 2), 20, channel="chat")
    contacts(b, dt.date(2026, 3, 2), 40, channel="phone")
    contacts(None, dt.date(2026, 3, 2), 12, channel="phone")  # a jour since removed
    figures = year_figures(year=2026, now=NOW, today=TODAY)
    with pytest.raises(LookupError):
        figures.value("channel", "chat", a.pk, 3)  # a jour's months stay inside the jour
    small = figures.value("channel", "chat", a.pk, YEAR)
    assert small.state is State.PRIMARY and small.label == "<5"
    assert figures.value("channel", "chat", ALL, 3).label == "23"
    assert figures.value("channel", "chat", ALL, YEAR).label == "23"
    assert figures.value("channel", "phone", ALL, YEAR).label == "82"
    # Neither a's total minus phone, nor the national chat minus b's, gives a's chat.
    a_total = figures.total(DIMENSION["channel"], a.pk, YEAR)
    assert a_total is not None
    assert not figures.value("channel", "phone", a.pk, YEAR).shown or not a_total.shown
    assert not figures.value("channel", "chat", b.pk, YEAR).shown or None in figures.jours
    assert None in figures.jours  # the removed jour's contacts are a row of their own


def test_volunteer_hours_split_at_stockholm_months_and_real_across_dst(staff: Staff) -> None:
    a = staff.jour_a
    person = staff.kvinna_a

    def shift(start: dt.datetime, end: dt.datetime, held: bool = True) -> None:
        Shift.objects.create(jour=a, start=start, end=end, person=person if held else None)

    shift(local(2026, 3, 28, 22), local(2026, 3, 29, 6))  # spring forward: 7 hours
    shift(local(2026, 10, 24, 22), local(2026, 10, 25, 6))  # fall back: 9 hours
    shift(local(2026, 1, 31, 20), local(2026, 2, 1, 4))  # 4 in January, 4 in February
    shift(local(2026, 5, 5, 8), local(2026, 5, 5, 12), held=False)  # an open shift: nobody's hours
    shift(local(2026, 11, 25, 10), local(2026, 11, 25, 16))  # today 10-16, now is 13:00 local
    shift(local(2025, 12, 31, 22), local(2026, 1, 1, 2))  # 2 of them in 2026
    hours = sources.shift_hours(year=2026, now=NOW, jour_id=a.pk)
    assert hours[(a.pk, 3)] == pytest.approx(7)
    assert hours[(a.pk, 10)] == pytest.approx(9)
    assert hours[(a.pk, 1)] == pytest.approx(4 + 2)
    assert hours[(a.pk, 2)] == pytest.approx(4)
    assert (a.pk, 5) not in hours
    assert hours[(a.pk, 11)] == pytest.approx(3)
    figures = year_figures(year=2026, now=NOW, today=TODAY, jour_id=a.pk, suppressed=False)
    assert figures.hours_of(a.pk, YEAR) == pytest.approx(7 + 9 + 8 + 3 + 2)


def placement(jour: Jour, kind: str, start: dt.date, end: dt.date | None) -> None:
    stay = Stay.objects.create(jour=jour, start=start, end=end)
    nights = (end - start).days if end else None
    Placement.objects.create(stay=stay, jour=jour, kind=kind, start=start, end=end, nights=nights)


def test_housing_people_and_nights_per_month_and_year(staff: Staff) -> None:
    a = staff.jour_a
    placement(a, "woman", dt.date(2026, 1, 20), dt.date(2026, 2, 10))  # 12 nights Jan, 9 Feb
    placement(a, "child", dt.date(2026, 1, 20), dt.date(2026, 2, 10))
    placement(a, "woman", dt.date(2025, 12, 30), dt.date(2026, 1, 3))  # 2 nights in 2026
    placement(a, "woman", dt.date(2026, 11, 20), None)  # still there: 5 nights by today
    placement(a, "woman", dt.date(2026, 6, 1), dt.date(2026, 6, 1))  # no night at all
    counts = sources.housing_counts(year=2026, today=TODAY, jour_id=a.pk)
    assert counts[(a.pk, 1)]["housed:woman"] == 2
    assert counts[(a.pk, 1)]["nights:woman"] == 12 + 2
    assert counts[(a.pk, 2)]["nights:woman"] == 9 and counts[(a.pk, 2)]["housed:child"] == 1
    assert counts[(a.pk, 6)]["housed:woman"] == 1 and counts[(a.pk, 6)]["nights:woman"] == 0
    assert counts[(a.pk, 11)]["nights:woman"] == 5
    assert counts[(a.pk, YEAR)]["housed:woman"] == 4
    figures = year_figures(year=2026, now=NOW, today=TODAY, jour_id=a.pk, suppressed=False)
    assert figures.value("housed", "woman", a.pk, YEAR).value == 4  # not the sum of the months (5)
    assert figures.value("nights", "woman", a.pk, YEAR).value == 12 + 9 + 2 + 5
    assert figures.average_nights_number(a.pk) == 7.0
    national = year_figures(year=2026, now=NOW, today=TODAY)
    assert national.value("housed", "woman", a.pk, YEAR).state is State.PRIMARY
    assert not national.value("nights", "woman", a.pk, YEAR).shown  # linked to the small count
    assert national.average_nights(a.pk) == ".."


def test_turned_away_and_support_appointments(staff: Staff) -> None:
    a = staff.jour_a
    TurnedAway.objects.create(
        jour=a, month=dt.date(2026, 2, 1), reason="lack_of_space", source="enquiry", women=1, children=2
    )
    TurnedAway.objects.create(
        jour=a, month=dt.date(2026, 2, 1), reason="lack_of_space", source="request", women=1, children=0
    )
    TurnedAway.objects.create(
        jour=a, month=dt.date(2026, 2, 1), reason="other", source="enquiry", women=1, children=1
    )
    for kind, n in (("police", 3), ("court", 1)):
        SupportAppointmentCount.objects.bulk_create(
            [SupportAppointmentCount(jour=a, date=dt.date(2026, 9, 9), kind=kind) for _ in range(n)]
        )
    figures = year_figures(year=2026, now=NOW, today=TODAY, jour_id=a.pk, suppressed=False)
    assert figures.value("turned_away_women", "lack_of_space", a.pk, 2).value == 2
    assert figures.value("turned_away_children", "lack_of_space", a.pk, YEAR).value == 2
    assert figures.cell(("turned_away_women", "total", a.pk, YEAR)).value == 3
    assert figures.value("appointments", "police", a.pk, 9).value == 3
    assert figures.cell(("appointments", "total", a.pk, YEAR)).value == 4


def test_no_hidden_figure_of_a_small_national_system_follows_from_all_its_equations(staff: Staff) -> None:
    """The exact check (every equation of the year at once) on a small world."""
    from tests.test_stats_suppression import derivable

    a, b = staff.jour_a, staff.jour_b
    contacts(a, dt.date(2026, 3, 2), 3, channel="chat", violence_physical=True)
    contacts(a, dt.date(2026, 4, 2), 30, channel="phone", who="relative")
    contacts(b, dt.date(2026, 3, 2), 2, channel="sms", age="66_plus")
    contacts(b, dt.date(2026, 5, 2), 40, channel="chat")
    figures = year_figures(year=2026, now=NOW, today=TODAY)
    equations = report._equations(figures.jours)
    hidden = [k for k, c in figures.cells.items() if not c.shown]
    assert hidden
    assert derivable(figures.cells, equations) == set()
