"""Open now, in Stockholm time, across midnight, exceptions and daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from fristad.directory.hours import STOCKHOLM, Schedule, Slot, is_open, open_status


def local(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=STOCKHOLM)


WEEKDAYS_9_TO_21 = Schedule(weekly={day: (Slot(time(9), time(21)),) for day in range(5)})
# Friday and Saturday evenings, past midnight.
NIGHTS = Schedule(weekly={4: (Slot(time(20), time(2)),), 5: (Slot(time(20), time(2)),)})
ALWAYS = Schedule(weekly={day: (Slot(time(0), time(0)),) for day in range(7)})


def test_open_inside_and_closed_outside_daytime_hours() -> None:
    # 2026-11-25 is a Wednesday.
    assert is_open(WEEKDAYS_9_TO_21, local(2026, 11, 25, 9))
    assert is_open(WEEKDAYS_9_TO_21, local(2026, 11, 25, 20, 59))
    assert not is_open(WEEKDAYS_9_TO_21, local(2026, 11, 25, 21))
    assert not is_open(WEEKDAYS_9_TO_21, local(2026, 11, 25, 8, 59))
    assert not is_open(WEEKDAYS_9_TO_21, local(2026, 11, 28, 12))  # Saturday


def test_slot_past_midnight_belongs_to_the_day_it_starts() -> None:
    # Friday 2026-11-27 20:00 to Saturday 02:00.
    assert is_open(NIGHTS, local(2026, 11, 27, 23, 30))
    assert is_open(NIGHTS, local(2026, 11, 28, 1, 59))
    assert not is_open(NIGHTS, local(2026, 11, 28, 2, 0))
    # Sunday 01:00 is still Saturday night's slot; Monday 01:00 is not.
    assert is_open(NIGHTS, local(2026, 11, 29, 1))
    assert not is_open(NIGHTS, local(2026, 11, 30, 1))


def test_whole_day_slots_are_always_open() -> None:
    for hour in (0, 3, 12, 23):
        assert is_open(ALWAYS, local(2026, 11, 25, hour))
    assert open_status(ALWAYS, local(2026, 11, 25, 3)).closes_at is None


def test_status_tells_when_it_closes_and_next_opens() -> None:
    status = open_status(NIGHTS, local(2026, 11, 27, 23))
    assert status.is_open and status.closes_at == local(2026, 11, 28, 2).astimezone(UTC)
    status = open_status(NIGHTS, local(2026, 11, 30, 12))  # Monday
    assert not status.is_open and status.opens_at == local(2026, 12, 4, 20).astimezone(UTC)


def test_dated_exception_replaces_the_weeks_hours() -> None:
    christmas_eve = date(2026, 12, 24)  # a Thursday
    closed = Schedule(weekly=WEEKDAYS_9_TO_21.weekly, exceptions={christmas_eve: ()})
    assert not is_open(closed, local(2026, 12, 24, 12))
    assert is_open(closed, local(2026, 12, 23, 12))
    shorter = Schedule(
        weekly=WEEKDAYS_9_TO_21.weekly, exceptions={christmas_eve: (Slot(time(10), time(14)),)}
    )
    assert is_open(shorter, local(2026, 12, 24, 13))
    assert not is_open(shorter, local(2026, 12, 24, 15))


def test_exception_on_saturday_does_not_cut_fridays_night() -> None:
    schedule = Schedule(weekly=NIGHTS.weekly, exceptions={date(2026, 11, 28): ()})
    assert is_open(schedule, local(2026, 11, 28, 1))  # Friday's slot, running into Saturday
    assert not is_open(schedule, local(2026, 11, 28, 21))


def test_spring_forward_night() -> None:
    # 2026-03-29: clocks go from 02:00 to 03:00. Saturday 20:00 to Sunday 02:00 is 5 real hours.
    saturday_night = Schedule(weekly={5: (Slot(time(20), time(2)),)})
    assert is_open(saturday_night, datetime(2026, 3, 29, 0, 59, tzinfo=UTC))  # 01:59 CET
    assert not is_open(saturday_night, datetime(2026, 3, 29, 1, 0, tzinfo=UTC))  # 03:00 CEST
    # A slot 01:00-04:00 on that Sunday lasts two real hours.
    sunday = Schedule(weekly={6: (Slot(time(1), time(4)),)})
    assert is_open(sunday, datetime(2026, 3, 29, 0, 30, tzinfo=UTC))  # 01:30 CET
    assert is_open(sunday, datetime(2026, 3, 29, 1, 30, tzinfo=UTC))  # 03:30 CEST
    assert not is_open(sunday, datetime(2026, 3, 29, 2, 0, tzinfo=UTC))  # 04:00 CEST


def test_fall_back_night() -> None:
    # 2026-10-25: clocks go from 03:00 back to 02:00. Saturday 22:00 to Sunday 03:00 is 6 real hours.
    saturday_night = Schedule(weekly={5: (Slot(time(22), time(3)),)})
    start = datetime(2026, 10, 24, 20, 0, tzinfo=UTC)  # 22:00 CEST
    assert not is_open(saturday_night, datetime(2026, 10, 24, 19, 59, tzinfo=UTC))
    assert is_open(saturday_night, start)
    # 02:30 happens twice; it is open both times.
    assert is_open(saturday_night, datetime(2026, 10, 25, 0, 30, tzinfo=UTC))  # 02:30 CEST
    assert is_open(saturday_night, datetime(2026, 10, 25, 1, 30, tzinfo=UTC))  # 02:30 CET
    assert not is_open(saturday_night, datetime(2026, 10, 25, 2, 0, tzinfo=UTC))  # 03:00 CET
    status = open_status(saturday_night, start)
    assert status.closes_at is not None and (status.closes_at - start).total_seconds() == 6 * 3600


def test_weekday_hours_are_wall_clock_on_both_sides_of_dst() -> None:
    # Monday 09:00 local is 08:00 UTC in winter and 07:00 UTC in summer.
    assert is_open(WEEKDAYS_9_TO_21, datetime(2026, 1, 5, 8, 0, tzinfo=UTC))
    assert not is_open(WEEKDAYS_9_TO_21, datetime(2026, 1, 5, 7, 30, tzinfo=UTC))
    assert is_open(WEEKDAYS_9_TO_21, datetime(2026, 6, 1, 7, 0, tzinfo=UTC))
    assert not is_open(WEEKDAYS_9_TO_21, datetime(2026, 6, 1, 6, 30, tzinfo=UTC))


def test_slot_starting_in_the_skipped_hour_opens_when_the_clock_allows() -> None:
    # 2026-03-29 02:30 does not exist in Stockholm; the slot 02:30-04:00 opens at 03:00 CEST.
    sunday = Schedule(weekly={6: (Slot(time(2, 30), time(4)),)})
    assert not is_open(sunday, datetime(2026, 3, 29, 0, 59, tzinfo=UTC))  # 01:59 CET
    assert is_open(sunday, datetime(2026, 3, 29, 1, 0, tzinfo=UTC))  # 03:00 CEST
    assert is_open(sunday, datetime(2026, 3, 29, 1, 59, tzinfo=UTC))  # 03:59 CEST
    assert not is_open(sunday, datetime(2026, 3, 29, 2, 0, tzinfo=UTC))  # 04:00 CEST
