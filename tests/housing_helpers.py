"""Shared setup for the housing tests: units made through the services, a second
caseworker in another municipality, requests and stays."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from fristad.accounts.models import Membership, Role, User
from fristad.directory.models import Jour
from fristad.geo.models import Municipality
from fristad.housing import services
from fristad.housing.matching import Child, Needs
from fristad.housing.models import HousingUnit, PlacementRequest, Stay
from tests.conftest import make_staff_user

ADDRESS = "Hemliga gatan 7, 123 45 Ingenstans"


def unit_data(jour: Jour, **changes: Any) -> services.UnitData:
    data = services.UnitData(
        name=f"Lägenhet {jour.slug}",
        address=ADDRESS,
        municipality=jour.home_municipality,
        is_active=True,
        permit_number="IVO 3.5.1-1234/2024",
        permit_decided_on=date(2024, 6, 1),
        permit_status="granted",
        security_level="high",
        staffed_hours="round_the_clock",
        places_adults=3,
        places_children=6,
        wheelchair_accessible=False,
        limited_mobility=False,
        pets_allowed=False,
        allergy_rooms=False,
        max_children=None,
        son_age_limit=None,
        accepts_substance_use=False,
        mental_health_support=False,
        languages=["sv"],
        self_catering=True,
        enquiry_phone="",
    )
    return replace(data, **changes)


def make_unit(
    jour: Jour, actor: User, *, free_adults: int = 2, free_children: int = 4, **changes: Any
) -> HousingUnit:
    unit = services.unit_save(actor=actor, jour=jour, unit=None, data=unit_data(jour, **changes))
    return services.unit_set_vacancies(
        actor=actor, unit=unit, free_adults=free_adults, free_children=free_children, now=timezone.now()
    )


def caseworker_elsewhere(code: str = "1280") -> User:
    """A caseworker of another municipality (Malmö unless told)."""
    user, _secret = make_staff_user(f"caseworker-{code}@staff.test")
    Membership.objects.create(
        user=user, role=Role.CASEWORKER, municipality=Municipality.objects.get(code=code)
    )
    return user


def needs(**changes: Any) -> Needs:
    return Needs(**{"adults": 1, "children": (Child(4, "girl"), Child(9, "boy")), **changes})


def send_request(
    actor: User,
    units: list[HousingUnit],
    *,
    code: str = "0180",
    reference: str = "IFO-2026-0042",
    **changes: Any,
) -> PlacementRequest:
    return services.placement_request_create(
        actor=actor,
        municipality=Municipality.objects.get(code=code),
        units=units,
        case_reference=reference,
        needs=needs(**changes),
        desired_start=date.today() + timedelta(days=1),
        base_url="http://testserver/",
    )


def accept(actor: User, request: PlacementRequest, unit: HousingUnit) -> Stay:
    item = request.items.get(unit=unit)
    return services.request_item_accept(actor=actor, item=item).stay
