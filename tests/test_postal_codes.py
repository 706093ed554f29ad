"""Postal codes as people type them, and the shipped reference geography."""

from __future__ import annotations

import pytest

from fristad.geo.models import County, Municipality, PostalCode
from fristad.geo.selectors import municipality_search, postal_code_get, postal_code_normalize


@pytest.mark.parametrize("typed", ["11520", "115 20", "115-20", " 115 20 ", "SE-115 20", "115\u00a020"])
def test_accepted_forms(typed: str) -> None:
    assert postal_code_normalize(typed) == "11520"


@pytest.mark.parametrize("typed", ["1152", "115200", "01520", "abcde", "115 2O", "", "11 520"])
def test_rejected_forms(typed: str) -> None:
    assert postal_code_normalize(typed) is None


@pytest.mark.django_db
def test_reference_data_is_complete() -> None:
    assert County.objects.count() == 21
    assert Municipality.objects.count() == 290
    assert PostalCode.objects.count() == 15463
    assert Municipality.objects.get(code="0180").name == "Stockholm"


@pytest.mark.django_db
def test_postal_code_to_municipality() -> None:
    found = postal_code_get("11520")
    assert found is not None and found.municipality.code == "0180"
    assert postal_code_get("99999") is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Malmö", "1280"),
        ("malmo", "1280"),
        ("MALMÖ KOMMUN", "1280"),
        ("Stockholms kommun", "0180"),
        ("kiru", "2584"),
    ],
)
def test_municipality_by_name(typed: str, code: str) -> None:
    match = municipality_search(typed)
    assert match.municipality is not None and match.municipality.code == code


@pytest.mark.django_db
def test_ambiguous_and_unknown_names() -> None:
    several = municipality_search("sto")
    assert several.municipality is None and len(several.candidates) > 1
    assert all(m.name.lower().startswith("sto") for m in several.candidates)
    nothing = municipality_search("Qwertyville")
    assert nothing.municipality is None and nothing.candidates == []
