"""The whole path through the pages: the jour confirms vacancies from a phone, the caseworker
searches and sends a request, the jour accepts, the caseworker reads the answer, the jour ends
the stay; the dashboard links the pages; the public site shows the service but no vacancies."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlencode

from django.test import Client
from django.urls import reverse

from fristad.housing.models import HousingUnit, Placement, PlacementRequest, RequestStatus, Stay
from tests.conftest import Staff
from tests.housing_helpers import make_unit

TODAY = date.today()


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_from_vacancy_to_ended_stay(staff: Staff) -> None:
    unit = make_unit(staff.jour_a, staff.admin_a, name="Tallen", free_adults=0, free_children=0)
    jour = signed_in(staff.kvinna_a)  # any jourkvinna confirms vacancies
    housing = reverse("housing:jour_housing", kwargs={"jour_id": staff.jour_a.pk})
    page = jour.get(housing).content.decode()
    assert "Tallen" in page and "Hemliga" not in page
    jour.post(
        reverse("housing:unit_vacancies", kwargs={"jour_id": staff.jour_a.pk, "unit_id": unit.pk}),
        {"free_adults": "2", "free_children": "3"},
    )
    unit.refresh_from_db()
    assert (unit.free_adults, unit.free_children) == (2, 3) and unit.vacancies_confirmed_at is not None

    caseworker = signed_in(staff.caseworker)
    query = {
        "adults": "1",
        "barn-TOTAL_FORMS": "4",
        "barn-INITIAL_FORMS": "0",
        "barn-0-age": "7",
        "barn-0-sex": "boy",
        "earliest": TODAY.isoformat(),
        "band": "any",
        "exclude_municipalities": "Malmö",
    }
    results = caseworker.get(reverse("housing:search", kwargs={"code": "0180"}), query).content.decode()
    assert staff.jour_a.name in results and "Stockholms län" in results and "070-1740606" in results
    assert "Hemliga" not in results
    assert f'value="{unit.pk}"' in results
    form_action = reverse("housing:request_new", kwargs={"code": "0180"})
    assert form_action in results
    request_page = caseworker.get(form_action + "?" + urlencode({**query, "unit": unit.pk}))
    assert request_page.status_code == 200
    # The chosen unit as in the results: jour and county, never its internal name.
    assert f"{staff.jour_a.name}, Stockholms län" in request_page.content.decode()
    assert "Tallen" not in request_page.content.decode()
    response = caseworker.post(
        form_action,
        {**query, "unit": [unit.pk], "case_reference": "IFO-2026-0101", "desired_start": TODAY.isoformat()},
    )
    assert response.status_code == 302
    placement_request = PlacementRequest.objects.get()
    assert placement_request.children == [{"age": 7, "sex": "boy"}]

    admin = signed_in(staff.admin_a)
    inbox = admin.get(reverse("housing:jour_requests", kwargs={"jour_id": staff.jour_a.pk})).content.decode()
    item = placement_request.items.get()
    link = reverse("housing:jour_request", kwargs={"jour_id": staff.jour_a.pk, "item_id": item.pk})
    assert link in inbox
    assert "IFO-2026-0101" in admin.get(link).content.decode()
    response = admin.post(link, {"action": "accept", "start": TODAY.isoformat(), "daily_rate_woman": "1450"})
    assert response.status_code == 302
    stay = Stay.objects.get()
    assert response["Location"].endswith(f"/placeringar/{stay.pk}/")
    assert set(Placement.objects.values_list("kind", "child_age", "daily_rate")) == {
        ("woman", None, 1450),
        ("child", 7, None),
    }

    answer = caseworker.get(
        reverse("housing:request", kwargs={"code": "0180", "request_id": placement_request.pk})
    ).content.decode()
    assert staff.jour_a.name in answer and "Hemliga" not in answer
    placement_request.refresh_from_db()
    assert placement_request.status == RequestStatus.PLACED

    stay_url = reverse("housing:jour_placement", kwargs={"jour_id": staff.jour_a.pk, "stay_id": stay.pk})
    assert admin.post(stay_url, {"end": TODAY.isoformat()}).status_code == 302
    assert set(Placement.objects.values_list("nights", flat=True)) == {0}
    assert HousingUnit.objects.get(pk=unit.pk).free_adults == 2


def test_the_dashboard_links_the_housing_pages(staff: Staff) -> None:
    page = signed_in(staff.kvinna_a).get(reverse("accounts:dashboard")).content.decode()
    assert reverse("housing:jour_housing", kwargs={"jour_id": staff.jour_a.pk}) in page
    page = signed_in(staff.caseworker).get(reverse("accounts:dashboard")).content.decode()
    assert reverse("housing:search", kwargs={"code": "0180"}) in page
    assert reverse("housing:requests", kwargs={"code": "0180"}) in page
    page = signed_in(staff.national).get(reverse("accounts:dashboard")).content.decode()
    assert "/boende/" not in page


def test_the_public_site_shows_the_service_but_never_vacancies(staff: Staff) -> None:
    make_unit(staff.jour_a, staff.admin_a, name="Tallen", free_adults=2, free_children=3)
    public = Client()
    for url in ("/jour/stockholm/", "/en/jour/stockholm/", "/jourer.json", "/sok/?q=Stockholm"):
        body = public.get(url).content.decode()
        assert "Tallen" not in body and "Hemliga" not in body, url
        assert not re.search(r"free places|lediga platser|vacanc", body, re.IGNORECASE), url
    assert "skyddat boende" in public.get("/en/jour/stockholm/").content.decode().lower()
