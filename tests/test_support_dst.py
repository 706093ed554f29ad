"""Appointment times are Stockholm wall-clock times turned into the right instants, also on
the nights the clocks change (2026: forward 29 March 02:00, back 25 October 03:00)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from fristad.accounts import shifts
from fristad.support import services
from fristad.support.models import Appointment, SupportAppointmentCount
from fristad.support.rules import RuleError, appointment_span, stockholm_instant
from tests.conftest import Staff


@pytest.mark.parametrize(
    ("day", "at", "utc"),
    [
        (date(2026, 1, 15), time(9, 0), datetime(2026, 1, 15, 8, 0, tzinfo=UTC)),  # winter, +01
        (date(2026, 7, 15), time(9, 0), datetime(2026, 7, 15, 7, 0, tzinfo=UTC)),  # summer, +02
        (date(2026, 3, 29), time(1, 30), datetime(2026, 3, 29, 0, 30, tzinfo=UTC)),  # before the jump
        (date(2026, 3, 29), time(3, 0), datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),  # right after it
        (date(2026, 3, 29), time(9, 0), datetime(2026, 3, 29, 7, 0, tzinfo=UTC)),
        (date(2026, 10, 25), time(9, 0), datetime(2026, 10, 25, 8, 0, tzinfo=UTC)),
        # 02:30 happens twice on 25 October: the first, still summer time.
        (date(2026, 10, 25), time(2, 30), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        (date(2026, 10, 24), time(23, 0), datetime(2026, 10, 24, 21, 0, tzinfo=UTC)),
    ],
)
def test_wall_clock_to_instant(day: date, at: time, utc: datetime) -> None:
    assert stockholm_instant(day, at) == utc


def test_a_time_the_clocks_skip_is_refused() -> None:
    with translation.override("en"), pytest.raises(RuleError) as raised:
        stockholm_instant(date(2026, 3, 29), time(2, 30))
    assert "02:30 does not exist on 2026-03-29" in str(raised.value)


def test_an_appointment_across_the_autumn_change_is_an_hour_longer_on_the_clock() -> None:
    """01:00 to 04:00 on the night the clocks go back is four real hours."""
    start, end = appointment_span(date(2026, 10, 25), time(1, 0), time(4, 0))
    assert (end - start).total_seconds() == 4 * 3600
    start, end = appointment_span(date(2026, 3, 29), time(1, 0), time(4, 0))
    assert (end - start).total_seconds() == 2 * 3600


def test_default_length_is_one_real_hour_even_across_the_change() -> None:
    start, end = appointment_span(date(2026, 3, 29), time(1, 30), None)
    assert (end - start).total_seconds() == 3600
    assert end == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 summer time


@pytest.mark.django_db
def test_form_to_database_to_feed_on_dst_days(staff: Staff) -> None:
    case = services.support_case_open(actor=staff.kvinna_a, jour=staff.jour_a, alias="Tyra")
    client = Client()
    client.force_login(staff.kvinna_a)
    url = reverse("support:appointment_new", kwargs={"jour_id": staff.jour_a.pk, "case_id": case.pk})
    for day, starts, ends in (("2026-03-29", "09:00", "10:30"), ("2026-10-25", "09:00", "10:30")):
        response = client.post(
            url,
            {
                "kind": "health_care",
                "day": day,
                "starts": starts,
                "ends": ends,
                "place": "",
                "people": [staff.kvinna_a.pk],
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    spring, autumn = Appointment.objects.order_by("start")
    assert spring.start == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)
    assert spring.end == datetime(2026, 3, 29, 8, 30, tzinfo=UTC)
    assert autumn.start == datetime(2026, 10, 25, 8, 0, tzinfo=UTC)
    assert autumn.end == datetime(2026, 10, 25, 9, 30, tzinfo=UTC)
    # The anonymous counts are dated by the Stockholm day.
    assert sorted(SupportAppointmentCount.objects.values_list("date", flat=True)) == [
        date(2026, 3, 29),
        date(2026, 10, 25),
    ]
    # The case page shows the wall-clock times she typed.
    body = client.get(reverse("support:case_detail", kwargs={"jour_id": staff.jour_a.pk, "case_id": case.pk}))
    assert body.content.decode().count("09:00–10:30") == 2
    # The edit form shows them back unchanged.
    edit = client.get(
        reverse(
            "support:appointment_edit",
            kwargs={"jour_id": staff.jour_a.pk, "case_id": case.pk, "appointment_id": autumn.pk},
        )
    ).content.decode()
    assert 'value="09:00"' in edit and 'value="10:30"' in edit and 'value="2026-10-25"' in edit


@pytest.mark.django_db
def test_the_feed_writes_the_real_instants(staff: Staff, monkeypatch: pytest.MonkeyPatch) -> None:
    case = services.support_case_open(actor=staff.kvinna_a, jour=staff.jour_a, alias="Ulla")
    start, end = appointment_span(date(2026, 10, 25), time(1, 0), time(4, 0))
    services.appointment_create(
        actor=staff.kvinna_a, case=case, kind="other", start=start, end=end, place="", people=[staff.kvinna_a]
    )
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 10, 20, 12, tzinfo=UTC))
    token = shifts.calendar_feed_issue(user=staff.kvinna_a)
    data = Client().get(reverse("accounts:calendar_feed", kwargs={"token": token})).content
    text = data.decode()
    assert "DTSTART:20261024T230000Z\r\n" in text
    assert "DTEND:20261025T030000Z\r\n" in text
    (event,) = [e for e in Calendar.from_ical(data).walk("VEVENT") if str(e["UID"]).startswith("support-")]
    assert event.decoded("DTEND") - event.decoded("DTSTART") == end - start
