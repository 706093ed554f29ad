"""Postal code or municipality to the nearest jourer, with filters."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.test import Client

from fristad.directory.hours import STOCKHOLM
from fristad.directory.models import Jour
from fristad.directory.selectors import SearchFilters, jour_search
from fristad.directory.services import jour_set_active
from fristad.geo.models import Municipality

WEDNESDAY_NOON = datetime(2026, 11, 25, 12, tzinfo=STOCKHOLM)
SATURDAY_1AM = datetime(2026, 11, 28, 1, tzinfo=STOCKHOLM)
NO_FILTERS = SearchFilters()


def slugs(
    municipality_code: str, filters: SearchFilters = NO_FILTERS, now: datetime = WEDNESDAY_NOON
) -> list[str]:
    municipality = Municipality.objects.get(code=municipality_code)
    return [v.jour.slug for v in jour_search(municipality=municipality, filters=filters, now=now)]


def test_serving_jour_first_then_by_distance(sample_jourer: list[Jour]) -> None:
    order = slugs("0180")
    assert order[0] == "stockholm"
    assert order.index("tjej-soder") < order.index("malmo") < order.index("norrsken")
    # Lund (1281) is served by no one: Malmö's jour is nearest.
    assert slugs("1281")[0] == "malmo"
    assert slugs("2584")[0] == "norrsken"


def test_serving_beats_a_closer_jour(sample_jourer: list[Jour]) -> None:
    # Vellinge (1233) is served by Malmö's jour.
    assert slugs("1233")[0] == "malmo"
    # Sundbyberg (0183) is not served by anyone: nearest first.
    assert slugs("0183")[0] == "stockholm"


def test_filters(sample_jourer: list[Jour]) -> None:
    assert set(slugs("0180", SearchFilters(chats=True))) == {"stockholm", "tjej-soder"}
    assert set(slugs("0180", SearchFilters(shelter=True))) == {"stockholm", "malmo"}
    assert slugs("0180", SearchFilters(tjejjour=True)) == ["tjej-soder"]
    assert set(slugs("0180", SearchFilters(language="fa"))) == {"malmo"}
    assert set(slugs("0180", SearchFilters(open_now=True), SATURDAY_1AM)) == {"stockholm", "tjej-soder"}
    assert set(slugs("0180", SearchFilters(open_now=True), WEDNESDAY_NOON)) == {
        "stockholm",
        "norrsken",
        "malmo",
    }


def test_inactive_jour_is_not_public(sample_jourer: list[Jour]) -> None:
    jour_set_active(jour=Jour.objects.get(slug="stockholm"), active=False)
    assert "stockholm" not in slugs("0180")
    assert Client().get("/jour/stockholm/").status_code == 404


@pytest.mark.parametrize("typed", ["11520", "115 20", "115-20", "Stockholm", "stockholms kommun"])
def test_search_page_finds_stockholm(sample_jourer: list[Jour], typed: str) -> None:
    response = Client().get("/sok/", {"q": typed})
    assert response.status_code == 200
    assert response.context["municipality"].code == "0180"
    assert response.context["results"][0].jour.slug == "stockholm"
    # The emergency block shows the nearest jour's number once she has searched.
    assert "070-1740606" in response.content.decode().split("</aside>")[0]


@pytest.mark.parametrize(
    ("query", "expected_message_key"),
    [
        ({"q": "99999"}, "999 99"),
        ({"q": "1234"}, "5"),
        ({"q": "Qwertyville"}, ""),
        ({"q": "x" * 10_000}, ""),
        ({"q": "<script>alert(1)</script>"}, ""),
        ({"q": "11520", "lang": "klingon"}, ""),
        ({"q": ""}, ""),
        ({}, ""),
    ],
)
def test_bad_input_gets_a_friendly_message(
    sample_jourer: list[Jour], query: dict[str, str], expected_message_key: str
) -> None:
    response = Client().get("/sok/", query)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="message"' in html or 'class="errorlist"' in html
    assert expected_message_key in html
    assert "<script>alert(1)</script>" not in html
    assert "x" * 101 not in html
    assert not response.context.get("results")


def test_ambiguous_municipality_offers_choices(sample_jourer: list[Jour]) -> None:
    response = Client().get("/sok/", {"q": "sto"})
    assert response.status_code == 200
    assert len(response.context["candidates"]) > 1
    assert "/sok/?q=Stockholm" in response.content.decode()


def test_too_many_parameters_is_a_friendly_400(db: None) -> None:
    query = "&".join(f"f{i}=1" for i in range(500))
    response = Client().get(f"/sok/?{query}")
    assert response.status_code == 400
    assert 'id="quick-exit"' in response.content.decode()


def test_post_is_refused_without_a_crash(db: None) -> None:
    response = Client().post("/sok/", {"q": "11520"})
    assert response.status_code == 405
