"""A member jour leaves the federation: its ended stays and turned-away counts stay in the
national statistics as a former member's (as its contact records do), and a jour with a
stay still going, or a request still waiting for its answer, cannot be removed."""

from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from fristad.accounts.models import AuditEvent
from fristad.directory.models import Jour
from fristad.housing import services
from fristad.housing.matching import Child
from fristad.housing.models import Placement, PlacementRequest, RequestItem, Stay, TurnedAway
from fristad.stats.periods import stockholm_today
from fristad.stats.sources import housing_counts, turned_away_counts
from tests.conftest import Staff
from tests.housing_helpers import make_unit, send_request

TODAY = stockholm_today()


def remove(staff: Staff, jour: Jour) -> str:
    """The national office removes the jour on its page; returns the page it lands on."""
    client = Client()
    client.force_login(staff.national)
    response = client.post(
        f"/personal/forbund/jourer/{jour.pk}/ta-bort/", {"confirm": jour.slug}, follow=True
    )
    assert response.status_code == 200
    return response.content.decode()


def ended_stay(staff: Staff) -> Stay:
    unit = make_unit(staff.jour_b, staff.admin_b)
    start = TODAY - timedelta(days=6)
    stay = services.stay_create_own(
        actor=staff.admin_b,
        jour=staff.jour_b,
        unit=unit,
        adults=1,
        children=[Child(5, "girl")],
        start=start,
    )
    return services.stay_end(actor=staff.admin_b, stay=stay, end=start + timedelta(days=4))


def test_a_removed_jours_stays_and_refusals_are_counted_as_a_former_members(staff: Staff) -> None:
    stay = ended_stay(staff)
    services.turned_away_log(jour=staff.jour_b, day=TODAY, reason="lack_of_space", women=1, children=2)
    before = housing_counts(year=stay.start.year, today=TODAY)[(staff.jour_b.pk, 0)]

    page = remove(staff, staff.jour_b)

    assert not Jour.objects.filter(pk=staff.jour_b.pk).exists()
    assert "Malmö" in page or staff.jour_b.name in page
    kept = Stay.objects.get(pk=stay.pk)
    assert kept.jour_id is None and kept.unit_id is None  # the unit went with the jour
    assert set(Placement.objects.filter(stay=stay).values_list("jour_id", "nights")) == {(None, 4)}
    # The national figures are the same, under "former member jourer" instead of the jour.
    after = housing_counts(year=stay.start.year, today=TODAY)
    assert after[(None, 0)] == before
    assert (staff.jour_b.pk, 0) not in after
    refused = turned_away_counts(year=TODAY.year)[(None, TODAY.month)]
    assert refused["women:lack_of_space"] == 1
    assert refused["children:lack_of_space"] == 2
    assert TurnedAway.objects.filter(jour__isnull=True).count() == 1


def test_a_jour_with_a_stay_still_going_is_not_removed(staff: Staff) -> None:
    unit = make_unit(staff.jour_b, staff.admin_b)
    services.stay_create_own(
        actor=staff.admin_b, jour=staff.jour_b, unit=unit, adults=1, children=[], start=TODAY
    )

    page = remove(staff, staff.jour_b)

    assert "not removed" in page or "togs inte bort" in page
    assert Jour.objects.filter(pk=staff.jour_b.pk).exists()
    assert Stay.objects.get().jour_id == staff.jour_b.pk
    assert not AuditEvent.objects.filter(action="jour_removed").exists()


def test_a_jour_with_a_request_waiting_for_its_answer_is_not_removed(staff: Staff) -> None:
    unit_a = make_unit(staff.jour_a, staff.admin_a)
    unit_b = make_unit(staff.jour_b, staff.admin_b)
    request = send_request(staff.caseworker, [unit_a, unit_b])

    page = remove(staff, staff.jour_b)

    assert "not removed" in page or "togs inte bort" in page
    assert Jour.objects.filter(pk=staff.jour_b.pk).exists()
    assert request.items.count() == 2

    # Answered (declined), it no longer holds the jour; the refusal is counted.
    item = RequestItem.objects.get(request=request, jour=staff.jour_b)
    services.request_item_decline(actor=staff.admin_b, item=item, reason="full")
    remove(staff, staff.jour_b)
    assert not Jour.objects.filter(pk=staff.jour_b.pk).exists()
    assert list(PlacementRequest.objects.get(pk=request.pk).items.values_list("jour_id", flat=True)) == [
        staff.jour_a.pk
    ]
    assert TurnedAway.objects.filter(jour__isnull=True, reason="lack_of_space").count() == 1


def test_demo_remove_takes_the_demo_jourers_housing_with_them(staff: Staff) -> None:
    call_command("demo", verbosity=0)
    demo_jour = Jour.objects.filter(is_demo=True, housing_units__isnull=False).first()
    assert demo_jour is not None
    unit = demo_jour.housing_units.first()
    assert unit is not None
    services.stay_create_own(
        actor=staff.national, jour=demo_jour, unit=unit, adults=1, children=[], start=TODAY
    )
    real = ended_stay(staff)
    send_request(staff.caseworker, [unit, make_unit(staff.jour_a, staff.admin_a)])

    call_command("demo", "--remove", verbosity=0)

    assert not Jour.objects.filter(is_demo=True).exists()
    assert list(Stay.objects.all()) == [real]  # only the real jour's history is left
    assert RequestItem.objects.get().jour_id == staff.jour_a.pk


def test_the_caseworker_still_sees_her_ended_placement_at_a_removed_jour(staff: Staff) -> None:
    unit = make_unit(staff.jour_b, staff.admin_b)
    request = send_request(staff.caseworker, [unit])
    stay = services.request_item_accept(actor=staff.admin_b, item=request.items.get()).stay
    assert stay is not None
    Placement.objects.filter(stay=stay).update(start=TODAY - timedelta(days=3))
    Stay.objects.filter(pk=stay.pk).update(start=TODAY - timedelta(days=3))
    stay.refresh_from_db()
    services.stay_end(actor=staff.admin_b, stay=stay, end=TODAY)
    remove(staff, staff.jour_b)

    client = Client()
    client.force_login(staff.caseworker)
    url = reverse("housing:request", kwargs={"code": "0180", "request_id": request.pk})
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "left the federation" in page or "lämnat förbundet" in page
