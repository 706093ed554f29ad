"""The fictional demo housing: units with vacancies only at demo jourer that offer skyddat
boende, marked as demo, built twice without piling up."""

from __future__ import annotations

import pytest

from fristad.directory.demo import demo_network_build
from fristad.directory.models import Jour, Service
from fristad.housing.demo import demo_housing_build
from fristad.housing.models import HousingUnit
from tests.conftest import ensure_reference_data


@pytest.mark.django_db
def test_demo_units_at_demo_shelters_only() -> None:
    ensure_reference_data()
    assert demo_network_build().ok
    count = demo_housing_build()
    assert count == HousingUnit.objects.count() > 0
    assert demo_housing_build() == count == HousingUnit.objects.count()
    shelters = set(
        Jour.objects.filter(is_demo=True, services__service=Service.SKYDDAT_BOENDE).values_list(
            "pk", flat=True
        )
    )
    units = list(HousingUnit.objects.select_related("jour"))
    assert {u.jour_id for u in units} == shelters
    assert all(u.jour.is_demo and "(demo)" in u.name and "(demo)" in u.address for u in units)
    assert any(u.free_adults > 0 for u in units) and any(u.free_adults == 0 for u in units)
    assert all(u.free_adults <= u.places_adults and u.free_children <= u.places_children for u in units)
