"""The jourschema's pure logic: coverage gaps against published hours, across midnight,
exceptions and daylight-saving changes; week bounds, shift validation, overlaps, hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import translation

from fristad.accounts.schedule import (
    ShiftSpan,
    coverage_gaps,
    hours_total,
    overlapping,
    validate_shift,
    week_bounds,
)
from fristad.directory.hours import STOCKHOLM, Schedule, Slot


def local(y: int, mo: int, d: int, h: int, mi: int = 0, fold: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=STOCKHOLM, fold=fold)


def utc(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def shift(start: datetime, end: datetime, person_id: int = 1) -> ShiftSpan:
    return ShiftSpan(start=start, end=end, person_id=person_id)


def span(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    return (start.astimezone(UTC), end.astimezone(UTC))


WEEKDAYS_9_TO_21 = Schedule(weekly={day: (Slot(time(9), time(21)),) for day in range(5)})
FRIDAY_NIGHT = Schedule(weekly={4: (Slot(time(20), time(2)),)})
SATURDAY_NIGHT = Schedule(weekly={5: (Slot(time(22), time(3)),)})


def day_gaps(schedule: Schedule, shifts: list[ShiftSpan], day: date) -> list[tuple[datetime, datetime]]:
    start = datetime.combine(day, time(0), tzinfo=STOCKHOLM)
    return coverage_gaps(schedule=schedule, shifts=shifts, start=start, end=start + timedelta(days=1))


# Coverage gaps


def test_daytime_hours_partly_covered() -> None:
    # Wednesday 2026-11-25: 09-13 and 15-18 covered, so 13-15 and 18-21 are open without anyone.
    shifts = [
        shift(local(2026, 11, 25, 9), local(2026, 11, 25, 13)),
        shift(local(2026, 11, 25, 15), local(2026, 11, 25, 18)),
    ]
    assert day_gaps(WEEKDAYS_9_TO_21, shifts, date(2026, 11, 25)) == [
        span(local(2026, 11, 25, 13), local(2026, 11, 25, 15)),
        span(local(2026, 11, 25, 18), local(2026, 11, 25, 21)),
    ]


def test_no_shifts_means_the_whole_published_time_is_a_gap() -> None:
    assert day_gaps(WEEKDAYS_9_TO_21, [], date(2026, 11, 25)) == [
        span(local(2026, 11, 25, 9), local(2026, 11, 25, 21))
    ]
    assert day_gaps(WEEKDAYS_9_TO_21, [], date(2026, 11, 28)) == []  # Saturday: closed


def test_results_are_utc() -> None:
    gaps = day_gaps(WEEKDAYS_9_TO_21, [], date(2026, 11, 25))
    assert all(a.tzinfo is UTC and b.tzinfo is UTC for a, b in gaps)
    assert gaps == [(utc(2026, 11, 25, 8), utc(2026, 11, 25, 20))]


def test_overnight_hours_with_a_shift_ending_at_midnight() -> None:
    # Friday 2026-11-27 20:00 to Saturday 02:00, covered until midnight.
    shifts = [shift(local(2026, 11, 27, 20), local(2026, 11, 28, 0))]
    gaps = coverage_gaps(
        schedule=FRIDAY_NIGHT, shifts=shifts, start=local(2026, 11, 23, 0), end=local(2026, 11, 30, 0)
    )
    assert gaps == [span(local(2026, 11, 28, 0), local(2026, 11, 28, 2))]


def test_slot_from_the_day_before_counts_at_the_start_of_the_range() -> None:
    # Asking about Saturday only still sees Friday night's 00:00-02:00.
    assert day_gaps(FRIDAY_NIGHT, [], date(2026, 11, 28)) == [
        span(local(2026, 11, 28, 0), local(2026, 11, 28, 2))
    ]


def test_gaps_are_clipped_to_the_range() -> None:
    gaps = coverage_gaps(
        schedule=WEEKDAYS_9_TO_21, shifts=[], start=local(2026, 11, 25, 12), end=local(2026, 11, 25, 14)
    )
    assert gaps == [span(local(2026, 11, 25, 12), local(2026, 11, 25, 14))]
    assert (
        coverage_gaps(
            schedule=WEEKDAYS_9_TO_21, shifts=[], start=local(2026, 11, 25, 14), end=local(2026, 11, 25, 12)
        )
        == []
    )


def test_dated_exception_closed_leaves_no_gap() -> None:
    christmas_eve = date(2026, 12, 24)  # a Thursday
    closed = Schedule(weekly=WEEKDAYS_9_TO_21.weekly, exceptions={christmas_eve: ()})
    assert day_gaps(closed, [], christmas_eve) == []
    assert day_gaps(closed, [], date(2026, 12, 23)) != []


def test_dated_exception_with_shorter_hours() -> None:
    christmas_eve = date(2026, 12, 24)
    shorter = Schedule(
        weekly=WEEKDAYS_9_TO_21.weekly, exceptions={christmas_eve: (Slot(time(10), time(14)),)}
    )
    shifts = [shift(local(2026, 12, 24, 10), local(2026, 12, 24, 12))]
    assert day_gaps(shorter, shifts, christmas_eve) == [
        span(local(2026, 12, 24, 12), local(2026, 12, 24, 14))
    ]


def test_overlapping_and_touching_shifts_merge() -> None:
    shifts = [
        shift(local(2026, 11, 25, 9), local(2026, 11, 25, 13), person_id=1),
        shift(local(2026, 11, 25, 12), local(2026, 11, 25, 16), person_id=2),
        shift(local(2026, 11, 25, 16), local(2026, 11, 25, 19), person_id=3),
        shift(local(2026, 11, 25, 10), local(2026, 11, 25, 11), person_id=4),
    ]
    assert day_gaps(WEEKDAYS_9_TO_21, shifts, date(2026, 11, 25)) == [
        span(local(2026, 11, 25, 19), local(2026, 11, 25, 21))
    ]


def test_shifts_outside_published_hours_neither_gap_nor_cover() -> None:
    # A shift on a closed Saturday creates no gap, and one that ends before opening covers nothing.
    shifts = [
        shift(local(2026, 11, 28, 9), local(2026, 11, 28, 21)),
        shift(local(2026, 11, 25, 5), local(2026, 11, 25, 9)),
        shift(local(2026, 11, 25, 21), local(2026, 11, 25, 23)),
    ]
    assert day_gaps(WEEKDAYS_9_TO_21, shifts, date(2026, 11, 28)) == []
    assert day_gaps(WEEKDAYS_9_TO_21, shifts, date(2026, 11, 25)) == [
        span(local(2026, 11, 25, 9), local(2026, 11, 25, 21))
    ]


def test_a_shift_overhanging_the_hours_covers_only_them() -> None:
    shifts = [shift(local(2026, 11, 25, 6), local(2026, 11, 25, 12))]
    assert day_gaps(WEEKDAYS_9_TO_21, shifts, date(2026, 11, 25)) == [
        span(local(2026, 11, 25, 12), local(2026, 11, 25, 21))
    ]


def test_empty_or_backwards_shifts_cover_nothing() -> None:
    shifts = [
        shift(local(2026, 11, 25, 12), local(2026, 11, 25, 12)),
        shift(local(2026, 11, 25, 21), local(2026, 11, 25, 9)),
    ]
    assert day_gaps(WEEKDAYS_9_TO_21, shifts, date(2026, 11, 25)) == [
        span(local(2026, 11, 25, 9), local(2026, 11, 25, 21))
    ]


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        ShiftSpan(start=datetime(2026, 11, 25, 9), end=local(2026, 11, 25, 12), person_id=1)
    with pytest.raises(ValueError):
        coverage_gaps(
            schedule=WEEKDAYS_9_TO_21, shifts=[], start=datetime(2026, 11, 25), end=datetime(2026, 11, 26)
        )


# Daylight-saving nights: Saturday 22:00 to Sunday 03:00 is 4 real hours on 2026-03-28/29
# (02:00 CET jumps to 03:00 CEST) and 6 real hours on 2026-10-24/25 (03:00 CEST falls back
# to 02:00 CET).

SPRING_SATURDAY = date(2026, 3, 28)
AUTUMN_SATURDAY = date(2026, 10, 24)


def weekend_gaps(saturday: date, shifts: list[ShiftSpan]) -> list[tuple[datetime, datetime]]:
    start = datetime.combine(saturday, time(0), tzinfo=STOCKHOLM)
    end = datetime.combine(saturday + timedelta(days=2), time(0), tzinfo=STOCKHOLM)
    return coverage_gaps(schedule=SATURDAY_NIGHT, shifts=shifts, start=start, end=end)


@pytest.mark.parametrize("saturday", [SPRING_SATURDAY, AUTUMN_SATURDAY])
def test_dst_night_covered_from_22_to_03_local_has_no_gap(saturday: date) -> None:
    sunday = saturday + timedelta(days=1)
    night = shift(
        datetime.combine(saturday, time(22), tzinfo=STOCKHOLM),
        datetime.combine(sunday, time(3), tzinfo=STOCKHOLM),
    )
    assert weekend_gaps(saturday, [night]) == []
    assert weekend_gaps(saturday, []) == [(night.start, night.end)]


def test_dst_night_lengths_are_real_hours() -> None:
    (spring,) = weekend_gaps(SPRING_SATURDAY, [])
    (autumn,) = weekend_gaps(AUTUMN_SATURDAY, [])
    assert spring[1] - spring[0] == timedelta(hours=4)
    assert autumn[1] - autumn[0] == timedelta(hours=6)


def test_autumn_five_hours_from_22_leaves_the_repeated_hour_uncovered() -> None:
    # 22:00 CEST + 5 h = 02:00 CET (the second 02:00): 02:00-03:00 CET is still open.
    start = local(2026, 10, 24, 22)
    gaps = weekend_gaps(AUTUMN_SATURDAY, [shift(start, start.astimezone(UTC) + timedelta(hours=5))])
    assert gaps == [(utc(2026, 10, 25, 1), utc(2026, 10, 25, 2))]
    assert gaps == [span(local(2026, 10, 25, 2, fold=1), local(2026, 10, 25, 3))]


def test_spring_five_hours_from_22_covers_the_night() -> None:
    # 22:00 CET + 5 h = 04:00 CEST, an hour past closing.
    start = local(2026, 3, 28, 22)
    assert weekend_gaps(SPRING_SATURDAY, [shift(start, start.astimezone(UTC) + timedelta(hours=5))]) == []


def test_spring_three_hours_from_22_leaves_one_real_hour() -> None:
    # 22:00 CET + 3 h = 01:00 CET; 01:00 CET to 03:00 CEST is one hour, not two.
    start = local(2026, 3, 28, 22)
    gaps = weekend_gaps(SPRING_SATURDAY, [shift(start, start.astimezone(UTC) + timedelta(hours=3))])
    assert gaps == [(utc(2026, 3, 29, 0), utc(2026, 3, 29, 1))]


def test_autumn_shift_in_the_repeated_hour_is_told_apart() -> None:
    # Both shifts start at 02:00 wall clock; only the second one (CET) lies in the gap.
    first_two = local(2026, 10, 25, 2, fold=0)  # 00:00 UTC
    second_two = local(2026, 10, 25, 2, fold=1)  # 01:00 UTC
    start = local(2026, 10, 24, 22)
    shifts = [shift(start, first_two), shift(second_two, local(2026, 10, 25, 3))]
    assert weekend_gaps(AUTUMN_SATURDAY, shifts) == [(utc(2026, 10, 25, 0), utc(2026, 10, 25, 1))]


# Week bounds


@pytest.mark.parametrize(
    ("day", "hours"),
    [
        (date(2026, 3, 25), 167),  # the week of 2026-03-29 (spring forward)
        (date(2026, 3, 29), 167),  # its Sunday
        (date(2026, 3, 23), 167),  # its Monday
        (date(2026, 11, 25), 168),
        (date(2026, 10, 19), 169),  # the week of 2026-10-25 (fall back)
        (date(2026, 10, 25), 169),
    ],
)
def test_week_bounds_lengths(day: date, hours: int) -> None:
    start, end = week_bounds(day)
    assert end - start == timedelta(hours=hours)
    assert start.astimezone(STOCKHOLM).weekday() == 0
    assert start.astimezone(STOCKHOLM).time() == time(0)
    assert end.astimezone(STOCKHOLM).time() == time(0)
    assert start.astimezone(STOCKHOLM).date() <= day < end.astimezone(STOCKHOLM).date()


def test_week_bounds_are_stockholm_midnights() -> None:
    assert week_bounds(date(2026, 11, 25)) == (local(2026, 11, 23, 0), local(2026, 11, 30, 0))
    assert week_bounds(date(2026, 11, 25))[0] == utc(2026, 11, 22, 23)


# Validation


def test_validate_shift_accepts_a_normal_shift() -> None:
    assert validate_shift(start=local(2026, 11, 25, 9), end=local(2026, 11, 25, 17)) == []
    assert validate_shift(start=local(2026, 11, 25, 9), end=local(2026, 11, 26, 9)) == []  # exactly 24 h


def test_validate_shift_messages() -> None:
    with translation.override("en"):
        assert validate_shift(start=local(2026, 11, 25, 17), end=local(2026, 11, 25, 9)) == [
            "A shift must end after it starts."
        ]
        assert validate_shift(start=local(2026, 11, 25, 9), end=local(2026, 11, 25, 9)) == [
            "A shift must end after it starts."
        ]
        assert validate_shift(start=local(2026, 11, 25, 9), end=local(2026, 11, 26, 9, 1)) == [
            "A shift cannot be longer than 24 hours."
        ]
        assert validate_shift(start=datetime(2026, 11, 25, 9), end=local(2026, 11, 25, 17)) == [
            "The start and end of a shift must include a time zone."
        ]
        assert validate_shift(start=local(2026, 11, 25, 9), end=datetime(2026, 11, 25, 17)) == [
            "The start and end of a shift must include a time zone."
        ]


def test_validate_shift_measures_real_hours_across_dst() -> None:
    # Saturday 04:00 to Sunday 04:00 in the autumn is 25 real hours.
    assert validate_shift(start=local(2026, 10, 24, 4), end=local(2026, 10, 25, 4)) == [
        validate_shift(start=local(2026, 11, 25, 9), end=local(2026, 11, 26, 10))[0]
    ]
    # and 23 in the spring.
    assert validate_shift(start=local(2026, 3, 28, 4), end=local(2026, 3, 29, 4)) == []


# Overlaps


def test_overlapping_same_person_only() -> None:
    a = shift(local(2026, 11, 25, 9), local(2026, 11, 25, 13), person_id=1)
    b = shift(local(2026, 11, 25, 12), local(2026, 11, 25, 16), person_id=1)
    c = shift(local(2026, 11, 25, 12), local(2026, 11, 25, 16), person_id=2)
    d = shift(local(2026, 11, 25, 16), local(2026, 11, 25, 18), person_id=1)  # touches b
    assert overlapping([d, c, b, a]) == [(a, b)]


def test_overlapping_finds_every_pair() -> None:
    long = shift(local(2026, 11, 25, 8), local(2026, 11, 25, 20))
    morning = shift(local(2026, 11, 25, 9), local(2026, 11, 25, 12))
    evening = shift(local(2026, 11, 25, 15), local(2026, 11, 25, 18))
    assert overlapping([evening, morning, long]) == [(long, morning), (long, evening)]
    assert overlapping([]) == []


def test_overlapping_in_the_repeated_autumn_hour() -> None:
    # 02:10 CET is after 02:30 CEST although its wall-clock time is earlier.
    first = shift(local(2026, 10, 25, 1), local(2026, 10, 25, 2, 30, fold=0))
    second = shift(local(2026, 10, 25, 2, 10, fold=1), local(2026, 10, 25, 5))
    assert overlapping([first, second]) == []
    third = shift(local(2026, 10, 25, 2, 10, fold=0), local(2026, 10, 25, 5))
    assert overlapping([first, third]) == [(first, third)]


# Hours


def test_hours_total() -> None:
    shifts = [
        shift(local(2026, 11, 25, 9), local(2026, 11, 25, 13), person_id=1),
        shift(local(2026, 11, 25, 12), local(2026, 11, 25, 14, 30), person_id=2),
    ]
    assert hours_total(shifts) == 6.5
    assert hours_total([]) == 0.0


def test_hours_total_across_dst_counts_real_hours() -> None:
    spring = shift(local(2026, 3, 28, 22), local(2026, 3, 29, 6))
    autumn = shift(local(2026, 10, 24, 22), local(2026, 10, 25, 6))
    assert hours_total([spring]) == 7.0
    assert hours_total([autumn]) == 9.0
    assert hours_total([spring, autumn]) == 16.0
