"""The jourschema: shifts, swaps, gaps in the published hours, the personal calendar feed."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from fristad.accounts import shifts
from fristad.accounts.models import Shift
from fristad.directory.hours import STOCKHOLM
from tests.conftest import Staff

NEXT_MONDAY = date.today() + timedelta(days=7 - date.today().weekday())


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=STOCKHOLM)


def add_shift(staff: Staff, person: object, start: datetime, end: datetime, kind: str = "phone") -> Shift:
    return shifts.shift_create(
        actor=staff.admin_a,
        jour=staff.jour_a,
        kind=kind,
        start=start,
        end=end,
        person=person,  # type: ignore[arg-type]
    )


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def schedule_url(staff: Staff, jour: object = None) -> str:
    return f"/personal/jour/{(jour or staff.jour_a).pk}/schema/"  # type: ignore[attr-defined]


def test_coordinator_adds_a_night_shift_that_runs_past_midnight(staff: Staff) -> None:
    client = signed_in(staff.admin_a)
    response = client.post(
        schedule_url(staff) + f"?vecka={NEXT_MONDAY}",
        {
            "day": NEXT_MONDAY.isoformat(),
            "starts": "22:00",
            "ends": "02:00",
            "kind": "phone",
            "person": staff.kvinna_a.pk,
            "phone": "",
        },
    )
    assert response.status_code == 302
    shift = Shift.objects.get(jour=staff.jour_a)
    assert shift.start == at(NEXT_MONDAY, 22) and shift.end == at(NEXT_MONDAY + timedelta(days=1), 2)
    page = signed_in(staff.kvinna_a).get(schedule_url(staff) + f"?vecka={NEXT_MONDAY}").content.decode()
    assert "22:00" in page and "Kvinna_A" in page


def test_bad_shift_input_gets_a_clear_error(staff: Staff) -> None:
    client = signed_in(staff.admin_a)
    response = client.post(
        schedule_url(staff), {"day": "not a date", "starts": "25:00", "ends": "x", "kind": "phone"}
    )
    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()
    assert not Shift.objects.exists()
    with pytest.raises(ValidationError):
        shifts.shift_create(
            actor=staff.admin_a,
            jour=staff.jour_a,
            kind="phone",
            start=at(NEXT_MONDAY, 10),
            end=at(NEXT_MONDAY, 9),
        )
    with pytest.raises(ValidationError):
        shifts.shift_create(  # someone of another jour
            actor=staff.admin_a,
            jour=staff.jour_a,
            kind="phone",
            start=at(NEXT_MONDAY, 9),
            end=at(NEXT_MONDAY, 12),
            person=staff.kvinna_b,
        )


def test_one_person_cannot_hold_two_shifts_at_once(staff: Staff) -> None:
    add_shift(staff, staff.kvinna_a, at(NEXT_MONDAY, 9), at(NEXT_MONDAY, 13), "phone")
    with pytest.raises(ValidationError):
        add_shift(staff, staff.kvinna_a, at(NEXT_MONDAY, 12), at(NEXT_MONDAY, 15), "chat")


def test_offer_and_take_a_shift(staff: Staff) -> None:
    shift = add_shift(staff, staff.kvinna_a, at(NEXT_MONDAY, 9), at(NEXT_MONDAY, 13), "phone")
    base = f"/personal/jour/{staff.jour_a.pk}/schema/{shift.pk}"
    # Nobody can take a shift that is not offered.
    signed_in(staff.admin_a).post(f"{base}/ta/")
    shift.refresh_from_db()
    assert shift.person_id == staff.kvinna_a.pk
    # Only she can offer it.
    signed_in(staff.admin_a).post(f"{base}/erbjud/")
    shift.refresh_from_db()
    assert not shift.offered
    assert signed_in(staff.kvinna_a).post(f"{base}/erbjud/").status_code == 302
    shift.refresh_from_db()
    assert shift.offered
    # Someone of another jour cannot even see it.
    assert signed_in(staff.kvinna_b).post(f"{base}/ta/").status_code == 404
    assert signed_in(staff.admin_a).post(f"{base}/ta/").status_code == 302
    shift.refresh_from_db()
    assert shift.person_id == staff.admin_a.pk and not shift.offered
    # The first taker wins: a second take is refused.
    with pytest.raises(ValidationError):
        shifts.shift_take(actor=staff.kvinna_a, shift_id=shift.pk)


def test_gaps_are_the_published_hours_no_shift_covers(staff: Staff) -> None:
    # Kvinnojouren Stockholm (test) publishes its hotline 24/7.
    add_shift(staff, staff.kvinna_a, at(NEXT_MONDAY, 0), at(NEXT_MONDAY, 12), "phone")
    page = signed_in(staff.admin_a).get(schedule_url(staff) + f"?vecka={NEXT_MONDAY}").content.decode()
    gaps_section = page.split('id="gaps"')[1].split("<h2")[0]
    # One gap: Monday 12:00 until the week ends (the hotline is open all week).
    assert gaps_section.count("<li>") == 1
    assert "12:00" in gaps_section
    # A jourkvinna sees the week but not the gaps or the form.
    kvinna_page = signed_in(staff.kvinna_a).get(schedule_url(staff)).content.decode()
    assert 'name="starts"' not in kvinna_page
    assert signed_in(staff.kvinna_a).post(schedule_url(staff), {}).status_code == 404


def test_other_jour_and_other_roles_get_not_found(staff: Staff) -> None:
    for user in (staff.admin_b, staff.kvinna_b, staff.caseworker, staff.national):
        assert signed_in(user).get(schedule_url(staff)).status_code == 404


def test_calendar_feed_has_only_her_shifts_and_can_be_revoked(staff: Staff) -> None:
    add_shift(staff, staff.kvinna_a, at(NEXT_MONDAY, 18), at(NEXT_MONDAY, 22), "chat")
    add_shift(staff, staff.admin_a, at(NEXT_MONDAY, 9), at(NEXT_MONDAY, 12), "phone")
    token = shifts.calendar_feed_issue(user=staff.kvinna_a)
    feed = Client().get(f"/personal/kalender/{token}.ics")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    body = feed.content.decode()
    assert body.count("BEGIN:VEVENT") == 1
    assert "Kvinnojouren Stockholm (test)" in body
    assert not feed.cookies
    new_token = shifts.calendar_feed_issue(user=staff.kvinna_a)
    assert Client().get(f"/personal/kalender/{token}.ics").status_code == 404
    assert Client().get(f"/personal/kalender/{new_token}.ics").status_code == 200
    shifts.calendar_feed_revoke(user=staff.kvinna_a)
    assert Client().get(f"/personal/kalender/{new_token}.ics").status_code == 404
    assert Client().get("/personal/kalender/" + "x" * 5000 + ".ics").status_code == 404


def test_her_own_shift_has_the_swap_button_and_no_one_elses(staff: Staff) -> None:
    shift = add_shift(staff, staff.kvinna_a, at(NEXT_MONDAY, 9), at(NEXT_MONDAY, 13), "phone")
    page = f"/personal/jour/{staff.jour_a.pk}/schema/?vecka={NEXT_MONDAY.isoformat()}"
    offer = f"/schema/{shift.pk}/erbjud/"
    assert offer in signed_in(staff.kvinna_a).get(page).content.decode()
    assert offer not in signed_in(staff.admin_a).get(page).content.decode()
