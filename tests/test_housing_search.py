"""The caseworker's search: full matches first, then near matches with what does not fit
spelled out (fewest misfits first, nearer first); excluded areas and units without a free
adult place never appear; freshness; never the address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fristad.directory.models import Jour
from fristad.housing import selectors
from fristad.housing.matching import Child, DistanceBand, Needs, UnitFacts, misfits, rank
from fristad.housing.models import HousingUnit
from tests.conftest import Staff
from tests.housing_helpers import make_unit

FAMILY = Needs(adults=1, children=(Child(4, "girl"), Child(9, "boy")), wheelchair=True)


def facts(unit_id: int, distance: float = 10.0, **changes: object) -> UnitFacts:
    base: dict[str, object] = {
        "unit_id": unit_id,
        "free_adults": 2,
        "free_children": 3,
        "max_children": None,
        "son_age_limit": None,
        "wheelchair_accessible": True,
        "limited_mobility": True,
        "pets_allowed": False,
        "allergy_rooms": False,
        "accepts_substance_use": False,
        "mental_health_support": False,
        "languages": ("sv",),
        "security_level": "basic",
        "distance_km": distance,
    }
    return UnitFacts(**{**base, **changes})  # type: ignore[arg-type]


def test_pure_ranking_full_then_fewest_misfits_then_nearest() -> None:
    units = [
        facts(1, 300.0, son_age_limit=8, wheelchair_accessible=False),  # two misfits
        facts(2, 500.0),  # full, far
        facts(3, 20.0, son_age_limit=8),  # one misfit, near
        facts(4, 5.0),  # full, near
        facts(5, 10.0, free_children=1),  # one misfit
    ]
    ranked = rank(FAMILY, units)
    assert [m.unit_id for m in ranked] == [4, 2, 5, 3, 1]
    assert [m.full for m in ranked] == [True, True, False, False, False]
    assert any("9" in text and "8" in text for text in ranked[3].misfits)  # the son's age and the limit


@pytest.mark.parametrize(
    ("change", "need"),
    [
        ({"wheelchair_accessible": False, "limited_mobility": False}, {"wheelchair": True}),
        ({"wheelchair_accessible": False, "limited_mobility": False}, {"limited_mobility": True}),
        ({"pets_allowed": False}, {"pets": True}),
        ({"allergy_rooms": False}, {"allergy": True}),
        ({"languages": ("sv", "en")}, {"language": "ar"}),
        ({"accepts_substance_use": False}, {"substance_use": True}),
        ({"mental_health_support": False}, {"mental_health": True}),
        ({"security_level": "basic"}, {"security_level": "very_high"}),
        ({"max_children": 1}, {}),
        ({"free_adults": 1}, {"adults": 2}),
        ({"distance_km": 30.0}, {"band": DistanceBand.FAR}),
    ],
)
def test_each_need_that_does_not_fit_is_spelled_out(
    change: dict[str, object], need: dict[str, object]
) -> None:
    needs = Needs(**{"adults": 1, "children": (Child(2, "girl"), Child(5, "girl")), **need})  # type: ignore[arg-type]
    fitting = facts(1, wheelchair_accessible=True, pets_allowed=True, allergy_rooms=True, languages=("ar",))
    fitting = UnitFacts(
        **{
            **fitting.__dict__,
            "accepts_substance_use": True,
            "mental_health_support": True,
            "security_level": "very_high",
            "distance_km": 200.0 if need.get("band") else 10.0,
        }
    )
    assert misfits(needs, fitting) == []
    broken = UnitFacts(**{**fitting.__dict__, **change})
    found = misfits(needs, broken)
    assert len(found) == 1 and found[0].strip()


def test_a_son_at_the_age_limit_fits_and_one_year_older_does_not() -> None:
    assert misfits(Needs(children=(Child(12, "boy"),)), facts(1, son_age_limit=12)) == []
    assert len(misfits(Needs(children=(Child(13, "boy"),)), facts(1, son_age_limit=12))) == 1
    assert misfits(Needs(children=(Child(15, "girl"),)), facts(1, son_age_limit=12)) == []


@pytest.fixture
def network(staff: Staff) -> dict[str, HousingUnit]:
    norrsken = Jour.objects.get(slug="norrsken")
    soder = Jour.objects.get(slug="tjej-soder")
    return {
        "full": make_unit(staff.jour_a, staff.admin_a, name="Full", wheelchair_accessible=True),
        "son": make_unit(
            staff.jour_b, staff.admin_b, name="Son", wheelchair_accessible=True, son_age_limit=8
        ),
        "two": make_unit(soder, staff.admin_a, name="Two", son_age_limit=8),
        "none_free": make_unit(
            norrsken, staff.admin_a, name="None", free_adults=0, wheelchair_accessible=True
        ),
        "inactive": make_unit(
            staff.jour_a, staff.admin_a, name="Old", is_active=False, wheelchair_accessible=True
        ),
    }


def search(staff: Staff, needs: Needs = FAMILY, **kwargs: list[str]) -> selectors.SearchResult:
    return selectors.housing_search(
        user=staff.caseworker,
        code="0180",
        needs=needs,
        exclude_municipalities=kwargs.get("municipalities", []),
        exclude_counties=kwargs.get("counties", []),
        now=timezone.now(),
    )


def names(hits: list[selectors.SearchHit]) -> list[str]:
    return [HousingUnit.objects.get(pk=h.unit_id).name for h in hits]


def test_search_ranks_and_explains(staff: Staff, network: dict[str, HousingUnit]) -> None:
    result = search(staff)
    assert names(result.full) == ["Full"]
    assert names(result.near) == ["Son", "Two"]
    son, two = result.near
    assert len(son.misfits) == 1 and len(two.misfits) == 2
    full = result.full[0]
    assert full.county == "Stockholms län" and full.jour_name == staff.jour_a.name
    assert full.phone == "070-1740606"  # the jour's phone when the unit has no enquiry phone of its own
    assert (full.free_adults, full.free_children) == (2, 4) and not full.stale
    assert "address" not in full.facts


def test_excluded_municipalities_and_counties_are_left_out(
    staff: Staff, network: dict[str, HousingUnit]
) -> None:
    assert "Son" not in names(search(staff, counties=["12"]).near)  # Skåne
    result = search(staff, municipalities=["0180"])
    assert "Full" not in names(result.full + result.near)
    assert names(result.near) == ["Son", "Two"]


def test_the_distance_band_is_a_preference(staff: Staff, network: dict[str, HousingUnit]) -> None:
    far = Needs(adults=1, band=DistanceBand.VERY_FAR)
    result = search(staff, far)
    assert names(result.full) == ["Son"]  # Malmö is over 400 km from Stockholm
    assert set(names(result.near)) == {"Full", "Two"}
    assert all("km" in m for hit in result.near for m in hit.misfits)


def test_stale_vacancies_are_marked(staff: Staff, network: dict[str, HousingUnit]) -> None:
    HousingUnit.objects.filter(pk=network["full"].pk).update(
        vacancies_confirmed_at=timezone.now() - timedelta(hours=25)
    )
    HousingUnit.objects.filter(pk=network["son"].pk).update(
        vacancies_confirmed_at=timezone.now() - timedelta(hours=23)
    )
    hits = {h.unit_id: h for h in search(staff, Needs()).full}
    assert hits[network["full"].pk].stale and not hits[network["son"].pk].stale


def test_the_language_need_reads_the_units_languages(staff: Staff) -> None:
    make_unit(staff.jour_a, staff.admin_a, name="Arabiska", languages=["sv", "ar"])
    arabic = search(staff, Needs(language="ar"))
    assert names(arabic.full) == ["Arabiska"]
    persian = search(staff, Needs(language="fa"))
    assert names(persian.near) == ["Arabiska"] and len(persian.near[0].misfits) == 1
