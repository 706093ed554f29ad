"""The national office's weekly coverage map (``accounts:national_coverage``): per Stockholm
hour, how many jourer have a staffed chat (or phone) shift, the hours with no jour open
merged into ranges, across midnight and daylight-saving weeks; for the national office
only; a week it cannot read is a clear 400, never a 500; no one's name on it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fristad.accounts.coverage import iso_week_label, iso_week_parse, week_coverage
from fristad.accounts.models import Shift, ShiftKind, User
from fristad.accounts.selectors import network_coverage_week
from fristad.directory.hours import STOCKHOLM
from fristad.directory.models import Jour
from tests.conftest import Staff
from tests.isolation import LOGIN_PATH, ROLES, signed_in

URL = reverse("accounts:national_coverage")


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


# --- The pure grid -------------------------------------------------------------------------


def test_iso_weeks_are_read_strictly() -> None:
    assert iso_week_parse("2026-W49") == date(2026, 11, 30)
    assert iso_week_parse("2026-w01") == date(2025, 12, 29)
    assert iso_week_parse("2026-W53") == date(2026, 12, 28)  # 2026 has 53 weeks
    for bad in ("", "x", "2025-W53", "2026-W00", "2026-W54", "9999-W01", "1999-W10", "2026-49", "2026-W4 9"):
        assert iso_week_parse(bad) is None, bad
    assert iso_week_parse("2026-W49" + "9" * 5000) is None
    assert iso_week_label(date(2027, 1, 1)) == "2026-W53"


def test_a_shift_across_midnight_covers_both_days() -> None:
    week = week_coverage(
        monday=date(2026, 12, 7), shifts_by_jour={1: [(at(2026, 12, 7, 22), at(2026, 12, 8, 6))]}, jourer=1
    )
    monday, tuesday = week.days[0], week.days[1]
    assert [c.jourer for c in monday.cells[20:]] == [0, 0, 1, 1]
    assert [c.jourer for c in tuesday.cells[:7]] == [1, 1, 1, 1, 1, 1, 0]
    assert monday.gaps == ((0, 22),) and tuesday.gaps == ((6, 24),)
    assert week.days[2].gaps == ((0, 24),)
    assert (week.hours, week.gap_hours) == (168, 160)


def test_a_shift_from_the_week_before_counts_for_monday_and_two_jourer_count_twice() -> None:
    week = week_coverage(
        monday=date(2026, 12, 7),
        shifts_by_jour={
            1: [(at(2026, 12, 6, 20), at(2026, 12, 7, 2))],
            2: [(at(2026, 12, 7, 1), at(2026, 12, 7, 3))],
        },
        jourer=3,
    )
    assert [c.jourer for c in week.days[0].cells[:4]] == [1, 2, 1, 0]
    assert week.days[0].gaps == ((3, 24),)


def test_only_whole_hours_count_and_touching_shifts_join() -> None:
    week = week_coverage(
        monday=date(2026, 12, 7),
        shifts_by_jour={
            1: [(at(2026, 12, 9, 18, 30), at(2026, 12, 9, 20)), (at(2026, 12, 9, 20), at(2026, 12, 9, 22))]
        },
        jourer=1,
    )
    wednesday = week.days[2]
    assert [c.jourer for c in wednesday.cells[18:23]] == [0, 1, 1, 1, 0]
    assert wednesday.gaps == ((0, 19), (22, 24))


def test_spring_forward_week_has_167_hours_and_the_skipped_hour_is_no_gap() -> None:
    # Sunday 28 March 2027: 02:00 becomes 03:00.
    week = week_coverage(
        monday=date(2027, 3, 22),
        shifts_by_jour={
            1: [(at(2027, 3, 27, 22), at(2027, 3, 28, 6)), (at(2027, 3, 28, 0), at(2027, 3, 28, 1))]
        },
        jourer=1,
    )
    sunday = week.days[6]
    assert not sunday.cells[2].exists and not sunday.cells[2].gap
    assert [c.jourer for c in sunday.cells[:7]] == [1, 1, 0, 1, 1, 1, 0]
    assert week.days[5].gaps == ((0, 22),) and sunday.gaps == ((6, 24),)
    assert week.hours == 167
    assert week.gap_hours == 167 - 7  # 22:00 CET to 06:00 CEST is seven real hours


def test_a_gap_runs_through_the_skipped_hour() -> None:
    week = week_coverage(
        monday=date(2027, 3, 22), shifts_by_jour={1: [(at(2027, 3, 28, 0), at(2027, 3, 28, 1))]}, jourer=1
    )
    assert week.days[6].gaps == ((1, 24),)


def test_fall_back_week_has_169_hours_and_the_double_hour_counts_twice() -> None:
    # Sunday 25 October 2026: 03:00 becomes 02:00 again.
    night = (at(2026, 10, 24, 22), at(2026, 10, 25, 6))
    week = week_coverage(monday=date(2026, 10, 19), shifts_by_jour={1: [night]}, jourer=1)
    sunday = week.days[6]
    assert sunday.cells[2].real_hours == 2 and sunday.cells[2].jourer == 1
    assert [c.jourer for c in sunday.cells[:7]] == [1, 1, 1, 1, 1, 1, 0]
    assert (week.hours, week.gap_hours) == (169, 169 - 9)
    # Only the first 02:00-03:00 covered: the double hour is not covered as a whole.
    first = datetime(2026, 10, 25, 0, tzinfo=UTC), datetime(2026, 10, 25, 1, tzinfo=UTC)
    half = week_coverage(monday=date(2026, 10, 19), shifts_by_jour={1: [first]}, jourer=1)
    assert half.days[6].cells[2].gap and half.gap_hours == 169


# --- The page --------------------------------------------------------------------------


def chat_shift(
    staff: Staff, jour: Jour, person: User | None, start: datetime, end: datetime, kind: str = ShiftKind.CHAT
) -> None:
    Shift.objects.create(jour=jour, kind=kind, start=start, end=end, person=person, created_by=staff.national)


@pytest.fixture
def schedule(staff: Staff) -> Staff:
    """Week 2026-W43 (the October change): Stockholm's chat night across the change and its
    Monday evening; an open (unstaffed) chat shift and Malmö's shifts (Malmö does not chat)."""
    chat_shift(staff, staff.jour_a, staff.kvinna_a, at(2026, 10, 24, 22), at(2026, 10, 25, 6))
    chat_shift(staff, staff.jour_a, staff.admin_a, at(2026, 10, 19, 18), at(2026, 10, 19, 22))
    chat_shift(staff, staff.jour_a, None, at(2026, 10, 20, 9), at(2026, 10, 20, 17))
    chat_shift(staff, staff.jour_b, staff.kvinna_b, at(2026, 10, 21, 9), at(2026, 10, 21, 17))
    chat_shift(
        staff, staff.jour_b, staff.kvinna_b, at(2026, 10, 22, 9), at(2026, 10, 22, 12), ShiftKind.PHONE
    )
    return staff


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_only_the_national_office_sees_the_map(staff: Staff, role: str) -> None:
    client = Client() if role == "anonymous" else signed_in(getattr(staff, role))
    for url in (URL, URL + "?vecka=2026-W43", URL + "?vecka=nonsense"):
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302 and LOGIN_PATH in response["Location"]
        elif role == "national":
            assert response.status_code == (400 if "nonsense" in url else 200)
        else:
            assert response.status_code == 404, (role, url)
    assert client.post(URL).status_code == (302 if role == "anonymous" else 405)


@pytest.mark.django_db
def test_the_selector_refuses_anyone_but_the_national_office(staff: Staff) -> None:
    for user in (staff.admin_a, staff.kvinna_a, staff.admin_b, staff.kvinna_b, staff.caseworker):
        with pytest.raises(Http404):
            network_coverage_week(user=user, monday=date(2026, 10, 19))


@pytest.mark.django_db
def test_chat_shifts_of_jourer_that_chat_with_someone_on_them(schedule: Staff) -> None:
    week = network_coverage_week(user=schedule.national, monday=date(2026, 10, 19))
    assert week.jourer == 2  # Stockholm and Söder chat
    assert week.days[0].gaps == ((0, 18), (22, 24))
    assert week.days[1].gaps == ((0, 24),)  # the open shift has no one on it
    assert week.days[2].gaps == ((0, 24),)  # Malmö does not chat
    assert week.days[5].gaps == ((0, 22),) and week.days[6].gaps == ((6, 24),)
    assert (week.hours, week.gap_hours) == (169, 169 - 9 - 4)


@pytest.mark.django_db
def test_phone_shifts_of_every_jour(schedule: Staff) -> None:
    week = network_coverage_week(user=schedule.national, monday=date(2026, 10, 19), kind=ShiftKind.PHONE)
    assert week.jourer == 4
    assert week.days[3].gaps == ((0, 9), (12, 24))
    assert week.gap_hours == 169 - 3


@pytest.mark.django_db
def test_the_page_marks_the_gaps_in_words_and_names_no_one(schedule: Staff) -> None:
    response = signed_in(schedule.national).get(URL, {"vecka": "2026-W43"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "00–18, 22–24" in body
    assert "156" in body and "169" in body
    assert 'class="gap"' in body and "✕" in body and "ingen jour öppen" in body
    assert "?vecka=2026-W42" in body and "?vecka=2026-W44" in body
    assert '<th scope="row">02</th>' in body and "<caption" in body
    for user in (
        schedule.admin_a,
        schedule.kvinna_a,
        schedule.admin_b,
        schedule.kvinna_b,
        schedule.caseworker,
    ):
        assert user.email not in body and user.full_name not in body, user.email
    phone = signed_in(schedule.national).get(URL, {"vecka": "2026-W43", "kanal": "telefon"})
    assert phone.status_code == 200 and "00–09, 12–24" in phone.content.decode()


@pytest.mark.django_db
def test_the_spring_week_on_the_page(staff: Staff) -> None:
    body = signed_in(staff.national).get("/en" + URL, {"vecka": "2027-W12"}).content.decode()
    assert "167 hours of the week&#x27;s 167" in body or "167 hours of the week's 167" in body
    assert "the hour does not exist" in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"vecka": "nonsense"},
        {"vecka": "2025-W53"},
        {"vecka": "2026-W99"},
        {"vecka": "9999-W52"},
        {"vecka": "0000-W01"},
        {"vecka": "2026-W49" * 1000},
        {"vecka": "<script>alert(1)</script>"},
        {"vecka": "2026-W49\x00"},
        {"kanal": "fax"},
    ],
)
def test_a_week_it_cannot_read_is_a_clear_400(staff: Staff, params: dict[str, str]) -> None:
    response = signed_in(staff.national).get(URL, params)
    body = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert"' in body
    assert "<script>alert" not in body
    assert iso_week_label(timezone.now().astimezone(STOCKHOLM).date()) in body  # this week's map instead


@pytest.mark.django_db
def test_no_week_is_this_week(staff: Staff) -> None:
    for params in ({}, {"vecka": ""}):
        response = signed_in(staff.national).get(URL, params)
        assert response.status_code == 200
        assert 'role="alert"' not in response.content.decode()
