"""The isolation matrix for stödperson pages: every URL of ``fristad.support.urls``, for every
role, on her own jour or another's.

The URLs come from ``fristad.support.urls.urlpatterns`` itself: a URL added later without a
row in ``EXPECTED`` makes ``test_every_support_url_is_in_the_matrix`` fail. Only the jour's
own coordinator and jourkvinnor may; the national office, a caseworker and another jour's
staff get "not found", byte for byte like a jour or case that does not exist, nothing
changes, and nothing is written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from fristad.accounts.models import AuditEvent
from fristad.directory.hours import STOCKHOLM
from fristad.directory.models import Jour
from fristad.support import services
from fristad.support.models import Appointment, SupportAppointmentCount, SupportCase
from fristad.support.urls import urlpatterns
from tests.conftest import Staff
from tests.isolation import (
    ROLES,
    Case,
    Expect,
    Matrix,
    Param,
    StaffWorld,
    jour_cases,
    jour_member_allowed,
    signed_in,
)

pytestmark = pytest.mark.django_db

MISSING_ID = 999999
ALIAS = {"a": "Vendela", "b": "Ylva"}
PHONE = {"a": "0701112233", "b": "0704445566"}
PLACE = {"a": "Polishuset Kungsholmen", "b": "Tingsrätten Malmö"}


def soon(days: int, hour: int) -> datetime:
    day = timezone.now().astimezone(STOCKHOLM).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, tzinfo=STOCKHOLM)


@dataclass
class World(StaffWorld):
    case: dict[str, SupportCase]
    appointment: dict[str, Appointment]

    def strings(self, key: str) -> set[str]:
        """What would betray jour ``key``: its name, its people, its case."""
        return super().strings(key) | {ALIAS[key], PHONE[key], PLACE[key]}


@pytest.fixture
def world(staff: Staff) -> World:
    jours = {"a": staff.jour_a, "b": staff.jour_b}
    kvinnor = {"a": staff.kvinna_a, "b": staff.kvinna_b}
    admins = {"a": staff.admin_a, "b": staff.admin_b}
    cases, appointments = {}, {}
    for key, jour in jours.items():
        cases[key] = services.support_case_open(
            actor=admins[key], jour=jour, alias=ALIAS[key], phone=PHONE[key]
        )
        appointments[key] = services.appointment_create(
            actor=admins[key],
            case=cases[key],
            kind="police",
            start=soon(3, 10),
            end=soon(3, 11),
            place=PLACE[key],
            people=[kvinnor[key]],
        )
    return World(staff, jours, cases, appointments)


def fingerprint() -> tuple[Any, ...]:
    return (
        list(SupportCase.objects.order_by("pk").values()),
        list(Appointment.objects.order_by("pk").values()),
        sorted(Appointment.people.through.objects.values_list("appointment_id", "user_id")),
        sorted(SupportAppointmentCount.objects.values_list("jour_id", "date", "kind")),
        list(Jour.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


def _appointment_data(w: World, c: Case) -> dict[str, Any]:
    user = w.user(c.role)
    day = soon(5, 9).date()
    return {
        "kind": "court",
        "day": day.isoformat(),
        "starts": "13:00",
        "ends": "15:30",
        "place": "Tingsrätten",
        "people": [user.pk] if user is not None else [],
    }


CASE = frozenset({"jour_id", "case_id"})
APPOINTMENT = frozenset({"jour_id", "case_id", "appointment_id"})

EXPECTED: dict[str, Expect[World]] = {
    "case_list": Expect(frozenset({"jour_id"}), get="jour_member", post=None),
    "my_appointments": Expect(frozenset({"jour_id"}), get="jour_member", post=None),
    "case_open": Expect(
        frozenset({"jour_id"}),
        get="jour_member",
        post="jour_member",
        post_data=lambda w, c: {"alias": "Tove", "phone": ""},
        done=lambda w, c: SupportCase.objects.filter(jour=w.jours[c.place], alias="Tove").exists(),
    ),
    "case_detail": Expect(CASE, get="jour_member", post=None),
    "case_edit": Expect(
        CASE,
        get="jour_member",
        post="jour_member",
        post_data=lambda w, c: {"alias": "Maja", "phone": "070-999 88 77"},
        done=lambda w, c: SupportCase.objects.get(pk=w.case[c.objects].pk).phone == "0709998877",
    ),
    "case_status": Expect(
        CASE,
        get=None,
        post="jour_member",
        post_data=lambda w, c: {"action": "close"},
        done=lambda w, c: SupportCase.objects.get(pk=w.case[c.objects].pk).closed_at is not None,
    ),
    "appointment_new": Expect(
        CASE,
        get="jour_member",
        post="jour_member",
        post_data=_appointment_data,
        done=lambda w, c: w.case[c.objects].appointments.filter(kind="court").exists(),
    ),
    "appointment_edit": Expect(
        APPOINTMENT,
        get="jour_member",
        post="jour_member",
        post_data=_appointment_data,
        done=lambda w, c: Appointment.objects.get(pk=w.appointment[c.objects].pk).kind == "court",
    ),
    "appointment_cancel": Expect(
        APPOINTMENT,
        get=None,
        post="jour_member",
        done=lambda w, c: Appointment.objects.get(pk=w.appointment[c.objects].pk).cancelled_at is not None,
    ),
}


MATRIX = Matrix(
    namespace="support",
    expected=EXPECTED,
    params={
        "jour_id": Param(lambda w, c: w.jours[c.place].pk, MISSING_ID),
        "case_id": Param(lambda w, c: w.case[c.objects].pk, MISSING_ID),
        "appointment_id": Param(lambda w, c: w.appointment[c.objects].pk, MISSING_ID),
    },
    # An appointment's URL names its case too: the mixed cases come with ``case_id``.
    cases=lambda role, params: jour_cases(role, params, object_params={"case_id"}, noun="case"),
    allowed=jour_member_allowed,
    fingerprint=fingerprint,
)


def test_every_support_url_is_in_the_matrix() -> None:
    MATRIX.assert_covers(urlpatterns, "support")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_matrix(world: World, name: str, role: str) -> None:
    MATRIX.check(world, name, role)


# --- The cases the matrix stands on, spelled out ---------------------------------------


def test_an_appointment_of_another_case_is_not_found_through_her_own_case(world: World) -> None:
    staff = world.staff
    other_case = services.support_case_open(actor=staff.admin_a, jour=staff.jour_a, alias="Siv")
    own = world.appointment["a"]
    url = reverse(
        "support:appointment_edit",
        kwargs={"jour_id": staff.jour_a.pk, "case_id": other_case.pk, "appointment_id": own.pk},
    )
    client = signed_in(staff.kvinna_a)
    assert client.get(url).status_code == 404
    assert client.post(url + "stall-in/").status_code == 404
    own.refresh_from_db()
    assert own.cancelled_at is None


def test_the_national_office_and_caseworkers_never_see_a_case(world: World) -> None:
    for user in (world.staff.national, world.staff.caseworker):
        client = signed_in(user)
        for key, jour in world.jours.items():
            for url in (
                reverse("support:case_list", kwargs={"jour_id": jour.pk}),
                reverse("support:case_detail", kwargs={"jour_id": jour.pk, "case_id": world.case[key].pk}),
            ):
                response = client.get(url)
                assert response.status_code == 404
                assert ALIAS[key] not in response.content.decode()


def test_a_suspended_jour_closes_its_support_pages_to_its_own_staff(world: World) -> None:
    staff = world.staff
    Jour.objects.filter(pk=staff.jour_a.pk).update(is_active=False)
    client = signed_in(staff.kvinna_a)
    assert client.get(reverse("support:case_list", kwargs={"jour_id": staff.jour_a.pk})).status_code == 404


def test_her_list_shows_only_her_jours_cases(world: World) -> None:
    staff = world.staff
    body = signed_in(staff.kvinna_a).get(reverse("support:case_list", kwargs={"jour_id": staff.jour_a.pk}))
    text = body.content.decode()
    assert ALIAS["a"] in text and ALIAS["b"] not in text


def test_only_people_of_the_jour_can_be_assigned(world: World) -> None:
    staff = world.staff
    url = reverse(
        "support:appointment_new", kwargs={"jour_id": staff.jour_a.pk, "case_id": world.case["a"].pk}
    )
    data = _appointment_data(world, Case("kvinna_a", "own", "a", "a")) | {"people": [staff.kvinna_b.pk]}
    response = signed_in(staff.kvinna_a).post("/en" + url, data)
    assert response.status_code == 200
    assert "Choose from the people at the jour only." in response.content.decode()
    assert not world.case["a"].appointments.filter(kind="court").exists()
