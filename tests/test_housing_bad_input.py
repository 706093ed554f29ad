"""Bad input gets a clear error, never a 500, and changes nothing: negative ages, children
without ages, dates in the past, a 100-child request, personal identity numbers in the case
reference, impossible vacancies, rates and permits."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from fristad.housing import services
from fristad.housing.matching import Child, case_reference_problem, looks_like_personnummer
from fristad.housing.models import HousingUnit, PlacementRequest, Stay, TurnedAway
from tests.conftest import Staff
from tests.housing_helpers import make_unit, needs, send_request, unit_data

TODAY = date.today()


def en(url: str) -> str:
    """The English page: the messages are checked by their English text."""
    return url if url.startswith("/en/") else "/en" + url


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.mark.parametrize(
    "text", ["19850101-1234", "850101-1234", "8501011234", "198501011234", "850101+1234", "IFO 850101 1234"]
)
def test_personal_identity_numbers_are_recognised(text: str) -> None:
    assert looks_like_personnummer(text)
    assert case_reference_problem(text)


@pytest.mark.parametrize("text", ["IFO-2026-0042", "2026/1234", "SoL 4:1 #77", "Dnr 2026-000123"])
def test_case_references_pass(text: str) -> None:
    assert case_reference_problem(text) is None


@pytest.mark.parametrize("text", ["Anna Svensson", "x" * 41, "<script>1</script>"])
def test_names_and_odd_references_are_refused(text: str) -> None:
    assert case_reference_problem(text)


def search_query(**changes: Any) -> dict[str, Any]:
    return {
        "adults": "1",
        "earliest": TODAY.isoformat(),
        "band": "any",
        "barn-TOTAL_FORMS": "4",
        "barn-INITIAL_FORMS": "0",
        **changes,
    }


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"barn-0-age": "-1", "barn-0-sex": "girl"}, "between 0 and 17"),
        ({"barn-0-age": "18", "barn-0-sex": "boy"}, "between 0 and 17"),
        ({"barn-0-age": "", "barn-0-sex": "boy"}, "Give the child"),
        ({"barn-0-age": "5", "barn-0-sex": ""}, "Choose girl or boy"),
        ({"barn-0-age": "fem", "barn-0-sex": "girl"}, "between 0 and 17"),
        ({"earliest": (TODAY - timedelta(days=1)).isoformat()}, "cannot be in the past"),
        ({"earliest": "31/12/2026"}, "YYYY-MM-DD"),
        ({"adults": "0"}, "between 1 and 4"),
        ({"adults": "-3"}, "between 1 and 4"),
        ({"exclude_municipalities": "Atlantis"}, "Atlantis"),
        ({"barn-TOTAL_FORMS": "100", **{f"barn-{n}-age": "3" for n in range(100)}}, "At most 8 children"),
        ({"barn-TOTAL_FORMS": "nonsense"}, "incomplete"),
        ({"band": "moon"}, "valid choice"),
    ],
)
def test_search_errors_are_clear(staff: Staff, changes: dict[str, Any], message: str) -> None:
    response = signed_in(staff.caseworker).get(
        en(reverse("housing:search", kwargs={"code": "0180"})), search_query(**changes)
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body, body[body.find("errorlist") - 200 : body.find("errorlist") + 600]
    assert 'id="results"' not in body


def test_a_request_with_a_personnummer_or_a_past_date_is_refused(staff: Staff) -> None:
    unit = make_unit(staff.jour_a, staff.admin_a)
    url = en(reverse("housing:request_new", kwargs={"code": "0180"}))
    base = {**search_query(), "unit": [unit.pk], "desired_start": TODAY.isoformat()}
    client = signed_in(staff.caseworker)
    for changes, message in (
        ({"case_reference": "850101-1234"}, "personal identity number"),
        ({"case_reference": ""}, "case reference"),
        ({"case_reference": "IFO-1", "desired_start": (TODAY - timedelta(days=2)).isoformat()}, "past"),
        ({"case_reference": "IFO-1", "unit": []}, "at least one unit"),
        ({"case_reference": "IFO-1", "unit": ["999999"]}, "Choose from the units found"),
        # Digits to str.isdigit() that int() refuses, and a number too long for int().
        ({"case_reference": "IFO-1", "unit": ["²"]}, "Choose from the units found"),
        ({"case_reference": "IFO-1", "unit": ["9" * 5000]}, "Choose from the units found"),
        ({"case_reference": "IFO-1", "barn-0-age": "-4", "barn-0-sex": "boy"}, "between 0 and 17"),
    ):
        response = client.post(url, {**base, **changes})
        assert response.status_code == 200, changes
        assert message in response.content.decode(), changes
    assert not PlacementRequest.objects.exists()


def test_the_request_page_ignores_unit_ids_that_are_not_plain_numbers(staff: Staff) -> None:
    unit = make_unit(staff.jour_a, staff.admin_a)
    url = en(reverse("housing:request_new", kwargs={"code": "0180"}))
    response = signed_in(staff.caseworker).get(url, {**search_query(), "unit": ["²", "9" * 5000, unit.pk]})
    assert response.status_code == 200
    assert f'value="{unit.pk}"' in response.content.decode()


def test_an_acceptance_cannot_start_years_ahead(staff: Staff) -> None:
    """A typo like 2099 would make a stay that can never end (and a jour never removable)."""
    unit = make_unit(staff.jour_a, staff.admin_a)
    request = send_request(staff.caseworker, [unit])
    with pytest.raises(ValidationError) as problem:
        services.request_item_accept(
            actor=staff.admin_a, item=request.items.get(), start=TODAY + timedelta(days=366)
        )
    # The message names the rule that was broken (it once spoke of "a month back").
    assert problem.value.message_dict["start"] == ["Startdatumet kan ligga högst ett år fram i tiden."]
    assert not Stay.objects.exists()
    assert services.request_item_accept(
        actor=staff.admin_a, item=request.items.get(), start=TODAY + timedelta(days=365)
    ).stay


def test_the_service_refuses_what_the_form_might_let_through(staff: Staff) -> None:
    unit = make_unit(staff.jour_a, staff.admin_a)
    hundred = tuple(Child(5, "girl") for _n in range(100))
    for changes, field in (
        ({"children": hundred}, "children"),
        ({"children": (Child(-1, "girl"),)}, "children"),
        ({"children": (Child(3, "other"),)}, "children"),
        ({"adults": 0}, "adults"),
        ({"language": "xx"}, "language"),
    ):
        with pytest.raises(ValidationError) as problem:
            send_request(staff.caseworker, [unit], **changes)
        assert field in problem.value.message_dict, changes
    with translation.override("en"), pytest.raises(ValidationError) as problem:
        send_request(staff.caseworker, [unit], **{"children": hundred})
    assert "At most 8 children" in " ".join(problem.value.message_dict["children"])
    with pytest.raises(ValidationError):
        services.placement_request_create(
            actor=staff.caseworker,
            municipality=staff.caseworker.memberships.get().municipality,
            units=[unit],
            case_reference="IFO-1",
            needs=needs(),
            desired_start=TODAY - timedelta(days=1),
            base_url="",
        )
    assert not PlacementRequest.objects.exists()


def test_jour_pages_refuse_impossible_figures(staff: Staff) -> None:
    unit = make_unit(staff.jour_a, staff.admin_a, free_adults=1, free_children=1)
    client = signed_in(staff.admin_a)
    vacancies = en(reverse("housing:unit_vacancies", kwargs={"jour_id": staff.jour_a.pk, "unit_id": unit.pk}))
    for data in ({"free_adults": "-1", "free_children": "0"}, {"free_adults": "9", "free_children": "0"}, {}):
        response = client.post(vacancies, data)
        assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.free_adults, unit.free_children) == (1, 1)
    edit = en(reverse("housing:unit_edit", kwargs={"jour_id": staff.jour_a.pk, "unit_id": unit.pk}))
    response = client.post(
        edit, {"name": "", "places_adults": "0", "son_age_limit": "30", "permit_status": "x"}
    )
    assert response.status_code == 200 and b"errorlist" in response.content
    with pytest.raises(ValidationError) as problem:
        services.unit_save(
            actor=staff.admin_a,
            jour=staff.jour_a,
            unit=None,
            data=unit_data(staff.jour_a, permit_decided_on=TODAY + timedelta(days=3), permit_number=""),
        )
    assert {"permit_decided_on", "permit_number"} <= set(problem.value.message_dict)
    assert HousingUnit.objects.count() == 1
    request = send_request(staff.caseworker, [unit])
    answer = en(
        reverse(
            "housing:jour_request", kwargs={"jour_id": staff.jour_a.pk, "item_id": request.items.get().pk}
        )
    )
    for data in (
        {"action": "accept", "start": TODAY.isoformat(), "daily_rate_woman": "-5"},
        {"action": "accept", "start": "i morgon"},
        {"action": "decline", "reason": "moon"},
        {"action": "explode"},
    ):
        response = client.post(answer, data)
        assert response.status_code == 200, data
    assert not Stay.objects.exists()
    turned = en(reverse("housing:turned_away", kwargs={"jour_id": staff.jour_a.pk}))
    future = (TODAY + timedelta(days=2)).isoformat()
    response = client.post(turned, {"day": future, "reason": "other", "women": "1", "children": "0"})
    assert response.status_code == 200 and "future" in response.content.decode()
    response = client.post(
        turned, {"day": TODAY.isoformat(), "reason": "other", "women": "0", "children": "-1"}
    )
    assert response.status_code == 200
    assert not TurnedAway.objects.exists()
