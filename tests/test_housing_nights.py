"""Ending a stay computes nights per person (in on the 1st, out on the 3rd: two nights);
a child who left earlier keeps her own nights; the freed places come back within the unit's places."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from fristad.housing import services
from fristad.housing.matching import Child, nights
from fristad.housing.models import HousingUnit, Placement, Stay
from tests.conftest import Staff
from tests.housing_helpers import accept, make_unit, send_request

TODAY = date.today()


def test_pure_nights() -> None:
    assert nights(date(2026, 3, 1), date(2026, 3, 3)) == 2
    assert nights(date(2026, 3, 1), date(2026, 3, 1)) == 0
    # Across the DST change (29 March 2026) and a leap day, dates count, not hours.
    assert nights(date(2026, 3, 28), date(2026, 3, 30)) == 2
    assert nights(date(2028, 2, 28), date(2028, 3, 1)) == 2
    with pytest.raises(ValueError):
        nights(date(2026, 3, 3), date(2026, 3, 1))


def test_ending_a_placed_stay_counts_nights_per_person(staff: Staff) -> None:
    unit = make_unit(staff.jour_a, staff.admin_a, free_adults=2, free_children=4)
    stay = accept(staff.admin_a, send_request(staff.caseworker, [unit]), unit)
    start = TODAY - timedelta(days=10)
    Placement.objects.filter(stay=stay).update(start=start)
    type(stay).objects.filter(pk=stay.pk).update(start=start)
    # The boy left after three nights (decided individually): his place is free at once.
    boy = Placement.objects.get(stay=stay, child_sex="boy")
    services.placement_person_end(actor=staff.admin_a, placement=boy, end=start + timedelta(days=3))
    assert HousingUnit.objects.get(pk=unit.pk).free_children == 3
    stay.refresh_from_db()
    assert stay.end is None
    services.stay_end(actor=staff.admin_a, stay=stay, end=TODAY - timedelta(days=1))
    rows = {(p.kind, p.child_sex): p.nights for p in Placement.objects.filter(stay=stay)}
    assert rows == {("woman", ""): 9, ("child", "girl"): 9, ("child", "boy"): 3}
    stay.refresh_from_db()
    assert stay.end == TODAY - timedelta(days=1)
    unit = HousingUnit.objects.get(pk=unit.pk)
    # 2/4 free; 1 woman and 2 children placed (1/2); the boy left (1/3); the others left (2/4).
    assert (unit.free_adults, unit.free_children) == (2, 4)
    with pytest.raises(ValidationError):
        services.stay_end(actor=staff.admin_a, stay=stay, end=TODAY)


def test_freed_places_never_exceed_the_units_places(staff: Staff) -> None:
    unit = make_unit(staff.jour_a, staff.admin_a, free_adults=3, free_children=6)
    stay = services.stay_create_own(
        actor=staff.admin_a, jour=staff.jour_a, unit=unit, adults=1, children=[Child(1, "boy")], start=TODAY
    )
    services.stay_end(actor=staff.admin_a, stay=stay, end=TODAY)
    unit = HousingUnit.objects.get(pk=unit.pk)
    assert (unit.free_adults, unit.free_children) == (3, 6)
    assert set(Placement.objects.filter(stay=stay).values_list("nights", flat=True)) == {0}


def test_an_own_stay_takes_its_places_and_ending_it_gives_them_back(staff: Staff) -> None:
    """Without this, ending a stay the jour recorded itself made up free places that were
    never taken (shown to every caseworker's search)."""
    unit = make_unit(staff.jour_a, staff.admin_a, free_adults=2, free_children=3)
    stay = services.stay_create_own(
        actor=staff.admin_a, jour=staff.jour_a, unit=unit, adults=1, children=[Child(7, "girl")], start=TODAY
    )
    unit.refresh_from_db()
    assert (unit.free_adults, unit.free_children) == (1, 2)
    services.stay_end(actor=staff.admin_a, stay=stay, end=TODAY)
    unit.refresh_from_db()
    assert (unit.free_adults, unit.free_children) == (2, 3)


def test_an_own_stay_has_no_placing_municipality(staff: Staff) -> None:
    unit = make_unit(staff.jour_b, staff.admin_b)
    stay = services.stay_create_own(
        actor=staff.admin_b, jour=staff.jour_b, unit=unit, adults=1, children=[], start=TODAY
    )
    assert stay.municipality_id is None
    assert list(Placement.objects.filter(stay=stay).values_list("kind", "municipality_id")) == [
        ("woman", None)
    ]


def test_the_end_cannot_be_before_the_start_or_in_the_future(staff: Staff) -> None:
    unit = make_unit(staff.jour_a, staff.admin_a)
    stay = services.stay_create_own(
        actor=staff.admin_a,
        jour=staff.jour_a,
        unit=unit,
        adults=1,
        children=[],
        start=TODAY - timedelta(days=2),
    )
    for end in (TODAY - timedelta(days=3), TODAY + timedelta(days=1)):
        with pytest.raises(ValidationError):
            services.stay_end(actor=staff.admin_a, stay=stay, end=end)
    assert Placement.objects.get(stay=stay).end is None


def test_one_person_moves_out_on_the_page_and_the_last_one_ends_the_stay(staff: Staff) -> None:
    unit = make_unit(staff.jour_a, staff.admin_a)
    start = TODAY - timedelta(days=4)
    stay = services.stay_create_own(
        actor=staff.admin_a, jour=staff.jour_a, unit=unit, adults=1, children=[Child(8, "boy")], start=start
    )
    client = Client()
    client.force_login(staff.admin_a)
    url = reverse("housing:jour_placement", kwargs={"jour_id": staff.jour_a.pk, "stay_id": stay.pk})
    boy = Placement.objects.get(stay=stay, kind="child")
    woman = Placement.objects.get(stay=stay, kind="woman")
    day = (start + timedelta(days=2)).isoformat()
    response = client.post(url, {"action": "person", "person": boy.pk, f"p{boy.pk}-end": day})
    assert response.status_code == 302
    boy.refresh_from_db()
    assert boy.nights == 2 and Stay.objects.get(pk=stay.pk).end is None
    # Another stay's person, or nonsense, is not found; a second move-out is refused.
    assert client.post(url, {"action": "person", "person": "999999", "p999999-end": day}).status_code == 404
    client.post(url, {"action": "person", "person": boy.pk, f"p{boy.pk}-end": TODAY.isoformat()})
    boy.refresh_from_db()
    assert boy.nights == 2
    client.post(url, {"action": "person", "person": woman.pk, f"p{woman.pk}-end": TODAY.isoformat()})
    woman.refresh_from_db()
    assert woman.nights == 4 and Stay.objects.get(pk=stay.pk).end == TODAY
