"""The isolation matrix for contact records: every URL of ``fristad.stats.urls``, for every role,
on her own jour or another's.

The URLs come from ``fristad.stats.urls.contact_urlpatterns`` itself (the statistics URLs have
their own matrix in ``tests/test_stats_isolation.py``): a URL added later without a row
in ``EXPECTED`` makes ``test_every_stats_url_is_in_the_matrix`` fail. Only the jour's own
coordinator and jourkvinnor may; the national office, a caseworker and another jour's staff
get "not found", byte for byte like a jour or record that does not exist, and nothing changes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fristad.accounts.models import AuditEvent, Membership, User
from fristad.directory.models import Jour
from fristad.stats import services
from fristad.stats.models import ContactRecord
from fristad.stats.periods import stockholm_today
from fristad.stats.urls import contact_urlpatterns as urlpatterns
from tests.conftest import Staff
from tests.isolation import HOME, ROLES, assert_matrix_covers, check_request, verdict_for, without_own

MISSING_JOUR = 999999
MISSING_RECORD = uuid.UUID("00000000-0000-4000-8000-000000000000")
TODAY = stockholm_today()


@dataclass
class World:
    staff: Staff
    jours: dict[str, Jour]
    record: dict[str, ContactRecord]

    def user(self, role: str) -> User | None:
        return None if role == "anonymous" else getattr(self.staff, role)

    def jour_strings(self, key: str) -> set[str]:
        """What would betray jour ``key``: its name, its people."""
        jour = self.jours[key]
        strings = {jour.name, jour.name.replace("ö", "&ouml;")}
        for membership in Membership.objects.filter(jour=jour).select_related("user"):
            strings |= {membership.user.email, membership.user.full_name}
        return strings


@pytest.fixture
def world(staff: Staff) -> World:
    jours = {"a": staff.jour_a, "b": staff.jour_b}
    records = {
        key: services.contact_record_create(
            jour=jour, date=TODAY, channel="phone", who="woman", age="unknown", violence=["threats"]
        )
        for key, jour in jours.items()
    }
    return World(staff, jours, records)


@dataclass(frozen=True)
class Case:
    role: str
    scope: str
    jour: str  # "a" / "b": the jour in the URL
    objects: str  # "a" / "b": the jour the record belongs to


def fingerprint() -> tuple[Any, ...]:
    return (
        list(ContactRecord.objects.order_by("pk").values()),
        list(Jour.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


# --- What each URL allows ----------------------------------------------------------------

# "jour_member": the jour's own coordinator or jourkvinna, on that jour's records;
# None: the method is not allowed (405) to anyone.


@dataclass(frozen=True)
class Expect:
    params: frozenset[str]
    get: str | None
    post: str | None
    post_status: int = 302
    post_data: Callable[[World, Case], dict[str, Any]] = field(default=lambda w, c: {})
    # After an allowed POST: did the action really happen?
    done: Callable[[World, Case], bool] | None = None


def _answers(w: World, c: Case) -> dict[str, Any]:
    return {
        "date": TODAY.isoformat(),
        "channel": "visit",
        "who": "relative",
        "age": "46_55",
        "violence": ["economic"],
        "topics": ["housing"],
        "support": ["practical"],
        "referred_to": ["lawyer"],
        "action": "save",
    }


EXPECTED: dict[str, Expect] = {
    "contact_records": Expect(frozenset({"jour_id"}), get="jour_member", post=None),
    "contact_record_new": Expect(
        frozenset({"jour_id"}),
        get="jour_member",
        post="jour_member",
        post_data=_answers,
        done=lambda w, c: ContactRecord.objects.filter(jour=w.jours[c.jour], channel="visit").exists(),
    ),
    "contact_record_edit": Expect(
        frozenset({"jour_id", "record_id"}),
        get="jour_member",
        post="jour_member",
        post_data=_answers,
        done=lambda w, c: ContactRecord.objects.get(pk=w.record[c.objects].pk).channel == "visit",
    ),
    "contact_record_delete": Expect(
        frozenset({"jour_id", "record_id"}),
        get=None,
        post="jour_member",
        done=lambda w, c: not ContactRecord.objects.filter(pk=w.record[c.objects].pk).exists(),
    ),
}


def test_every_stats_url_is_in_the_matrix() -> None:
    assert_matrix_covers(urlpatterns, {name: e.params for name, e in EXPECTED.items()}, "contact record")


# --- Running one case --------------------------------------------------------------------


def cases_for(name: str, role: str) -> list[Case]:
    params = EXPECTED[name].params
    if role in HOME:
        home = HOME[role]
        other = "b" if home == "a" else "a"
        cases = [Case(role, "own", home, home), Case(role, "other", other, other)]
        if "record_id" in params:
            # Her own jour in the URL with another jour's record, and the other way round.
            cases += [Case(role, "own jour, other's record", home, other)]
            cases += [Case(role, "other jour, own record", other, home)]
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
        if param == "jour_id":
            kwargs[param] = MISSING_JOUR if missing else w.jours[case.jour].pk
        elif param == "record_id":
            kwargs[param] = MISSING_RECORD if missing else w.record[case.objects].pk
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
        url=reverse(f"stats:{name}", kwargs=kwargs_for(w, name, case)),
        missing_url=reverse(f"stats:{name}", kwargs=kwargs_for(w, name, case, missing=True)),
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


def test_another_jour_cannot_read_correct_or_remove_a_record(world: World) -> None:
    staff = world.staff
    foreign = world.record["b"]
    for user in (staff.admin_a, staff.kvinna_a, staff.national, staff.caseworker):
        client = signed_in(user)
        for jour in (staff.jour_a, staff.jour_b):
            base = f"/personal/jour/{jour.pk}/kontakter/{foreign.pk}/"
            assert client.get(base).status_code == 404, (user, jour)
            assert client.post(base, _answers(world, Case("x", "x", "a", "b"))).status_code == 404
            assert client.post(base + "ta-bort/").status_code == 404
    foreign.refresh_from_db()
    assert foreign.channel == "phone"


def test_a_suspended_jour_closes_its_contact_pages_to_its_own_staff(world: World) -> None:
    staff = world.staff
    Jour.objects.filter(pk=staff.jour_a.pk).update(is_active=False)
    client = signed_in(staff.kvinna_a)
    assert client.get(f"/personal/jour/{staff.jour_a.pk}/kontakter/").status_code == 404


def test_her_list_never_shows_another_jours_records(world: World) -> None:
    staff = world.staff
    body = signed_in(staff.kvinna_a).get(f"/personal/jour/{staff.jour_a.pk}/kontakter/").content.decode()
    assert str(world.record["a"].pk) in body
    assert str(world.record["b"].pk) not in body
