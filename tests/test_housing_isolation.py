"""The isolation matrix for skyddat boende: every URL of ``fristad.housing.urls``, for every
role of the ``staff`` fixture plus a jourkvinna with housing rights and a caseworker of
another municipality.

The URLs come from ``fristad.housing.urls.urlpatterns`` itself: a URL added later without
a row in ``EXPECTED`` fails ``test_every_housing_url_is_in_the_matrix``. Whether she may is
written down here, never asked of the code under test. A refused request is "not found",
names nothing of the other jour or municipality, looks byte for byte like the answer for
an id that does not exist, and changes nothing (not even the audit log).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse

from fristad.accounts.models import AuditEvent, Membership, Role, User
from fristad.directory.models import Jour
from fristad.housing import services
from fristad.housing.matching import Child
from fristad.housing.models import (
    HousingUnit,
    ItemState,
    Placement,
    PlacementRequest,
    RequestItem,
    RequestStatus,
    Stay,
    TurnedAway,
)
from fristad.housing.urls import urlpatterns
from tests.conftest import Staff, make_staff_user
from tests.housing_helpers import ADDRESS, caseworker_elsewhere, make_unit, send_request
from tests.isolation import Case, Expect, Matrix, Param, at_home, jour_cases, jour_strings, signed_in

MISSING_ID = 999999
MISSING_CODE = "9999"
TODAY = date.today()

ROLES = [
    "anonymous",
    "national",
    "admin_a",
    "kvinna_a",
    "housing_a",
    "admin_b",
    "kvinna_b",
    "caseworker",
    "caseworker_b",
]
# Where each role belongs, written down here and not asked of the code under test.
HOME_JOUR = {"admin_a": "a", "kvinna_a": "a", "housing_a": "a", "admin_b": "b", "kvinna_b": "b"}
HOUSING_RIGHTS = {"admin_a", "housing_a", "admin_b"}
HOME_MUNICIPALITY = {"caseworker": "a", "caseworker_b": "b"}
CODES = {"a": "0180", "b": "1280"}


@dataclass
class World:
    staff: Staff
    users: dict[str, User]
    jours: dict[str, Jour]
    unit: dict[str, HousingUnit]
    request: dict[str, PlacementRequest]
    item: dict[str, RequestItem]
    stay: dict[str, Stay]

    def user(self, role: str) -> User | None:
        return self.users.get(role)

    def strings(self, key: str) -> set[str]:
        """What would betray jour or municipality ``key``: names, people, units, address, case reference."""
        unit = HousingUnit.objects.get(pk=self.unit[key].pk)
        found = jour_strings(self.jours[key]) | {unit.name, unit.address, self.request[key].case_reference}
        return {s for s in found if s}


@pytest.fixture
def world(staff: Staff) -> World:
    housing_a, _secret = make_staff_user("housing_a@staff.test")
    Membership.objects.create(user=housing_a, role=Role.JOURKVINNA, jour=staff.jour_a, housing=True)
    caseworker_b = caseworker_elsewhere("1280")
    users = {role: getattr(staff, role) for role in ROLES if hasattr(staff, role)}
    users |= {"housing_a": housing_a, "caseworker_b": caseworker_b}
    jours = {"a": staff.jour_a, "b": staff.jour_b}
    admins = {"a": staff.admin_a, "b": staff.admin_b}
    caseworkers = {"a": staff.caseworker, "b": caseworker_b}
    unit, request, item, stay = {}, {}, {}, {}
    for key, jour in jours.items():
        unit[key] = make_unit(jour, admins[key], name=f"Enhet {key.upper()}-hus", address=f"{ADDRESS} {key}")
        request[key] = send_request(
            caseworkers[key], [unit[key]], code=CODES[key], reference=f"IFO-{key.upper()}-4711"
        )
        item[key] = request[key].items.get()
        stay[key] = services.stay_create_own(
            actor=admins[key],
            jour=jour,
            unit=unit[key],
            adults=1,
            children=[Child(3, "girl")],
            start=TODAY - timedelta(days=5),
        )
    return World(staff, users, jours, unit, request, item, stay)


def fingerprint() -> tuple[Any, ...]:
    return (
        list(HousingUnit.objects.order_by("pk").values()),
        list(PlacementRequest.objects.order_by("pk").values()),
        list(RequestItem.objects.order_by("pk").values()),
        list(Stay.objects.order_by("pk").values()),
        list(Placement.objects.order_by("pk").values()),
        list(TurnedAway.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


# "jour_member": anyone at the jour in the URL; "jour_housing": a member with housing rights;
# "caseworker": a caseworker of the municipality in the URL; None: 405 to everyone.


def _unit_form(w: World, c: Case) -> dict[str, Any]:
    return {
        "name": f"Ny enhet {c.role}",
        "address": "Nygatan 1",
        "municipality": w.jours[c.place].home_municipality_id,
        "is_active": "on",
        "permit_status": "granted",
        "permit_number": "IVO 1",
        "permit_decided_on": "2024-05-01",
        "security_level": "basic",
        "staffed_hours": "office",
        "places_adults": "2",
        "places_children": "3",
        "languages": ["sv", "ar"],
    }


def _children(total: int = 0) -> dict[str, str]:
    return {"barn-TOTAL_FORMS": str(total), "barn-INITIAL_FORMS": "0", "barn-MIN_NUM_FORMS": "0"}


def _request_form(w: World, c: Case) -> dict[str, Any]:
    return {
        "adults": "1",
        "earliest": TODAY.isoformat(),
        "band": "any",
        **_children(),
        "unit": [w.unit["a"].pk, w.unit["b"].pk],
        "case_reference": f"NY-{c.role}-1",
        "desired_start": TODAY.isoformat(),
    }


EXPECTED: dict[str, Expect[World]] = {
    "jour_housing": Expect(frozenset({"jour_id"}), get="jour_member", post=None),
    "unit_new": Expect(
        frozenset({"jour_id"}),
        get="jour_housing",
        post="jour_housing",
        post_data=_unit_form,
        done=lambda w, c: HousingUnit.objects.filter(
            jour=w.jours[c.place], name=f"Ny enhet {c.role}"
        ).exists(),
    ),
    "unit_edit": Expect(
        frozenset({"jour_id", "unit_id"}),
        get="jour_housing",
        post="jour_housing",
        post_data=_unit_form,
        done=lambda w, c: HousingUnit.objects.get(pk=w.unit[c.objects].pk).name == f"Ny enhet {c.role}",
    ),
    "unit_vacancies": Expect(
        frozenset({"jour_id", "unit_id"}),
        get=None,
        post="jour_member",
        post_data=lambda w, c: {"free_adults": "0", "free_children": "1"},
        done=lambda w, c: HousingUnit.objects.get(pk=w.unit[c.objects].pk).free_adults == 0,
    ),
    "jour_requests": Expect(frozenset({"jour_id"}), get="jour_housing", post=None),
    "jour_request": Expect(
        frozenset({"jour_id", "item_id"}),
        get="jour_housing",
        post="jour_housing",
        post_data=lambda w, c: {"action": "decline", "reason": "full"},
        done=lambda w, c: RequestItem.objects.get(pk=w.item[c.objects].pk).state == ItemState.DECLINED,
    ),
    "jour_placements": Expect(frozenset({"jour_id"}), get="jour_housing", post=None),
    "jour_placement_new": Expect(
        frozenset({"jour_id"}),
        get="jour_housing",
        post="jour_housing",
        post_data=lambda w, c: {
            "unit": w.unit[c.place].pk,
            "adults": "1",
            "start": TODAY.isoformat(),
            **_children(),
        },
        done=lambda w, c: Stay.objects.filter(jour=w.jours[c.place]).count() == 2,
    ),
    "jour_placement": Expect(
        frozenset({"jour_id", "stay_id"}),
        get="jour_housing",
        post="jour_housing",
        post_data=lambda w, c: {"end": TODAY.isoformat()},
        done=lambda w, c: Stay.objects.get(pk=w.stay[c.objects].pk).end == TODAY,
    ),
    "turned_away": Expect(
        frozenset({"jour_id"}),
        get="jour_member",
        post="jour_member",
        post_data=lambda w, c: {"day": TODAY.isoformat(), "reason": "other", "women": "1", "children": "2"},
        done=lambda w, c: TurnedAway.objects.filter(jour=w.jours[c.place], source="enquiry").exists(),
    ),
    "search": Expect(frozenset({"code"}), get="caseworker", post=None),
    "request_new": Expect(
        frozenset({"code"}),
        get="caseworker",
        post="caseworker",
        post_data=_request_form,
        done=lambda w, c: PlacementRequest.objects.filter(
            municipality_id=CODES[c.place], case_reference=f"NY-{c.role}-1"
        ).exists(),
    ),
    "requests": Expect(frozenset({"code"}), get="caseworker", post=None),
    "request": Expect(
        frozenset({"code", "request_id"}),
        get="caseworker",
        post="caseworker",
        done=lambda w, c: (
            PlacementRequest.objects.get(pk=w.request[c.objects].pk).status == RequestStatus.CANCELLED
        ),
    ),
}


OBJECT_PARAMS = {"unit_id", "item_id", "stay_id", "request_id"}


def cases_for(role: str, params: frozenset[str]) -> list[Case]:
    """A caseworker's URL names her municipality (``code``), the others a jour."""
    homes = HOME_MUNICIPALITY if "code" in params else HOME_JOUR
    return jour_cases(role, params, object_params=OBJECT_PARAMS, homes=homes, where="place")


def allowed(who: str | None, case: Case) -> bool:
    if who is None or case.role == "anonymous":
        return False
    if who == "caseworker":
        return at_home(case, HOME_MUNICIPALITY)
    if who == "jour_housing" and case.role not in HOUSING_RIGHTS:
        return False
    return at_home(case, HOME_JOUR)


MATRIX = Matrix(
    namespace="housing",
    expected=EXPECTED,
    params={
        "jour_id": Param(lambda w, c: w.jours[c.place].pk, MISSING_ID),
        "code": Param(lambda w, c: CODES[c.place], MISSING_CODE),
        "unit_id": Param(lambda w, c: w.unit[c.objects].pk, MISSING_ID),
        "item_id": Param(lambda w, c: w.item[c.objects].pk, MISSING_ID),
        "stay_id": Param(lambda w, c: w.stay[c.objects].pk, MISSING_ID),
        "request_id": Param(lambda w, c: w.request[c.objects].pk, MISSING_ID),
    },
    cases=cases_for,
    allowed=allowed,
    fingerprint=fingerprint,
    homes=HOME_JOUR | HOME_MUNICIPALITY,
)


def test_every_housing_url_is_in_the_matrix() -> None:
    MATRIX.assert_covers(urlpatterns, "housing")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_matrix(world: World, name: str, role: str) -> None:
    MATRIX.check(world, name, role)


# --- Spelled out ---------------------------------------------------------------------


def test_the_address_is_shown_only_to_the_jours_staff_with_housing_rights(world: World) -> None:
    unit = world.unit["a"]
    address = HousingUnit.objects.get(pk=unit.pk).address
    edit = reverse("housing:unit_edit", kwargs={"jour_id": world.jours["a"].pk, "unit_id": unit.pk})
    for role in ("admin_a", "housing_a"):
        assert address in signed_in(world.users[role]).get(edit).content.decode(), role
    pages = [
        reverse("housing:jour_housing", kwargs={"jour_id": world.jours["a"].pk}),
        reverse("housing:jour_requests", kwargs={"jour_id": world.jours["a"].pk}),
        reverse("housing:jour_placements", kwargs={"jour_id": world.jours["a"].pk}),
        edit,
    ]
    for role in ("national", "kvinna_a", "admin_b", "kvinna_b", "caseworker", "caseworker_b"):
        for page in pages:
            assert address not in signed_in(world.users[role]).get(page).content.decode(), (role, page)
    # The caseworker's search, her request and its placement never show it, even after acceptance.
    caseworker = signed_in(world.users["caseworker"])
    services.request_item_accept(actor=world.users["admin_a"], item=world.item["a"])
    for page in (
        reverse("housing:search", kwargs={"code": "0180"})
        + f"?adults=1&earliest={TODAY.isoformat()}&band=any&barn-TOTAL_FORMS=0&barn-INITIAL_FORMS=0",
        reverse("housing:request", kwargs={"code": "0180", "request_id": world.request["a"].pk}),
        reverse("housing:requests", kwargs={"code": "0180"}),
    ):
        body = caseworker.get(page).content.decode()
        assert address not in body and "Hemliga gatan" not in body, page
    # Encrypted at rest: the column does not hold it.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM housing_housingunit WHERE id = %s", [unit.pk])
        stored = cursor.fetchone()[0]
    assert "Hemliga" not in stored and stored


def test_a_caseworker_sees_only_her_municipalitys_requests(world: World) -> None:
    mine = signed_in(world.users["caseworker"]).get(reverse("housing:requests", kwargs={"code": "0180"}))
    body = mine.content.decode()
    assert world.request["a"].case_reference in body
    assert world.request["b"].case_reference not in body
    theirs = signed_in(world.users["caseworker_b"]).get(reverse("housing:requests", kwargs={"code": "1280"}))
    assert world.request["a"].case_reference not in theirs.content.decode()


def test_a_jour_sees_only_requests_to_its_own_units(world: World) -> None:
    body = (
        signed_in(world.users["admin_a"])
        .get(reverse("housing:jour_requests", kwargs={"jour_id": world.jours["a"].pk}))
        .content.decode()
    )
    assert "Enhet A-hus" in body and "Enhet B-hus" not in body
    assert world.request["b"].case_reference not in body
