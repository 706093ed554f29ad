"""The isolation matrix for stödperson pages: every URL of ``fristad.support.urls``, for every
role, on her own jour or another's.

The URLs come from ``fristad.support.urls.urlpatterns`` itself: a URL added later without a
row in ``EXPECTED`` makes ``test_every_support_url_is_in_the_matrix`` fail. Only the jour's
own coordinator and jourkvinnor may; the national office, a caseworker and another jour's
staff get "not found", byte for byte like a jour or case that does not exist, nothing
changes, and nothing is written to the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fristad.accounts.models import AuditEvent, Membership, User
from fristad.directory.hours import STOCKHOLM
from fristad.directory.models import Jour
from fristad.support import services
from fristad.support.models import Appointment, SupportAppointmentCount, SupportCase
from fristad.support.urls import urlpatterns
from tests.conftest import Staff
from tests.isolation import HOME, ROLES, assert_matrix_covers, check_request, verdict_for, without_own

pytestmark = pytest.mark.django_db

MISSING_ID = 999999
ALIAS = {"a": "Vendela", "b": "Ylva"}
PHONE = {"a": "0701112233", "b": "0704445566"}
PLACE = {"a": "Polishuset Kungsholmen", "b": "Tingsrätten Malmö"}


def soon(days: int, hour: int) -> datetime:
    day = timezone.now().astimezone(STOCKHOLM).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, tzinfo=STOCKHOLM)


@dataclass
class World:
    staff: Staff
    jours: dict[str, Jour]
    case: dict[str, SupportCase]
    appointment: dict[str, Appointment]

    def user(self, role: str) -> User | None:
        return None if role == "anonymous" else getattr(self.staff, role)

    def jour_strings(self, key: str) -> set[str]:
        """What would betray jour ``key``: its name, its people, its case."""
        jour = self.jours[key]
        strings = {jour.name, jour.name.replace("ö", "&ouml;"), ALIAS[key], PHONE[key], PLACE[key]}
        for membership in Membership.objects.filter(jour=jour).select_related("user"):
            strings |= {membership.user.email, membership.user.full_name}
        return strings


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


@dataclass(frozen=True)
class Case:
    role: str
    scope: str
    jour: str  # "a" / "b": the jour in the URL
    objects: str  # "a" / "b": the jour the case and appointment belong to


def fingerprint() -> tuple[Any, ...]:
    return (
        list(SupportCase.objects.order_by("pk").values()),
        list(Appointment.objects.order_by("pk").values()),
        sorted(Appointment.people.through.objects.values_list("appointment_id", "user_id")),
        sorted(SupportAppointmentCount.objects.values_list("jour_id", "date", "kind")),
        list(Jour.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


@dataclass(frozen=True)
class Expect:
    params: frozenset[str]
    get: str | None
    post: str | None
    post_status: int = 302
    post_data: Callable[[World, Case], dict[str, Any]] = field(default=lambda w, c: {})
    # After an allowed POST: did the action really happen?
    done: Callable[[World, Case], bool] | None = None


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

EXPECTED: dict[str, Expect] = {
    "case_list": Expect(frozenset({"jour_id"}), get="jour_member", post=None),
    "my_appointments": Expect(frozenset({"jour_id"}), get="jour_member", post=None),
    "case_open": Expect(
        frozenset({"jour_id"}),
        get="jour_member",
        post="jour_member",
        post_data=lambda w, c: {"alias": "Tove", "phone": ""},
        done=lambda w, c: SupportCase.objects.filter(jour=w.jours[c.jour], alias="Tove").exists(),
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


def test_every_support_url_is_in_the_matrix() -> None:
    assert_matrix_covers(urlpatterns, {name: e.params for name, e in EXPECTED.items()}, "support")


def cases_for(name: str, role: str) -> list[Case]:
    params = EXPECTED[name].params
    if role in HOME:
        home = HOME[role]
        other = "b" if home == "a" else "a"
        cases = [Case(role, "own", home, home), Case(role, "other", other, other)]
        if "case_id" in params:
            # Her own jour in the URL with another jour's case, and the other way round.
            cases += [Case(role, "own jour, other's case", home, other)]
            cases += [Case(role, "other jour, own case", other, home)]
        return cases
    return [Case(role, "jour a", "a", "a"), Case(role, "jour b", "b", "b")]


def allowed(who: str | None, case: Case) -> bool:
    if who is None or case.role == "anonymous":
        return False
    home = HOME.get(case.role)
    return who == "jour_member" and home is not None and case.jour == home and case.objects == home


def kwargs_for(w: World, name: str, case: Case, *, missing: bool = False) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for param in EXPECTED[name].params:
        if missing:
            kwargs[param] = MISSING_ID
        elif param == "jour_id":
            kwargs[param] = w.jours[case.jour].pk
        elif param == "case_id":
            kwargs[param] = w.case[case.objects].pk
        elif param == "appointment_id":
            kwargs[param] = w.appointment[case.objects].pk
        else:  # pragma: no cover - the coverage test names every parameter
            raise AssertionError(f"unknown URL parameter {param}")
    return kwargs


def foreign_strings(w: World, case: Case) -> set[str]:
    keys = {case.jour, case.objects} - {HOME.get(case.role)}
    return without_own((s for key in keys for s in w.jour_strings(key)), w.user(case.role))


def run_case(w: World, name: str, case: Case, method: str) -> None:
    expect = EXPECTED[name]
    who = expect.get if method == "GET" else expect.post
    check_request(
        label=f"{method} {name} as {case.role} ({case.scope})",
        method=method,
        url=reverse(f"support:{name}", kwargs=kwargs_for(w, name, case)),
        missing_url=reverse(f"support:{name}", kwargs=kwargs_for(w, name, case, missing=True)),
        user=w.user(case.role),
        verdict=verdict_for(anonymous=case.role == "anonymous", who=who, allowed=lambda: allowed(who, case)),
        fingerprint=fingerprint,
        data=expect.post_data(w, case) if method == "POST" else {},
        ok_status=200 if method == "GET" else expect.post_status,
        done=(lambda: expect.done(w, case)) if expect.done is not None else None,
        leaks=lambda: foreign_strings(w, case),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_matrix(world: World, name: str, role: str) -> None:
    for case in cases_for(name, role):
        for method in ("GET", "POST"):
            run_case(world, name, case, method)


# --- The cases the matrix stands on, spelled out ---------------------------------------


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


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
