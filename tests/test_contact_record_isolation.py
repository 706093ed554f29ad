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
from dataclasses import dataclass
from typing import Any

import pytest

from fristad.accounts.models import AuditEvent
from fristad.directory.models import Jour
from fristad.stats import services
from fristad.stats.models import ContactRecord
from fristad.stats.periods import stockholm_today
from fristad.stats.urls import contact_urlpatterns as urlpatterns
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

MISSING_JOUR = 999999
MISSING_RECORD = uuid.UUID("00000000-0000-4000-8000-000000000000")
TODAY = stockholm_today()


@dataclass
class World(StaffWorld):
    """Each jour's record; what would betray a jour is its name and its people (``StaffWorld``)."""

    record: dict[str, ContactRecord]


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


def fingerprint() -> tuple[Any, ...]:
    return (
        list(ContactRecord.objects.order_by("pk").values()),
        list(Jour.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


# --- What each URL allows ----------------------------------------------------------------

# "jour_member": the jour's own coordinator or jourkvinna, on that jour's records;
# None: the method is not allowed (405) to anyone.


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


EXPECTED: dict[str, Expect[World]] = {
    "contact_records": Expect(frozenset({"jour_id"}), get="jour_member", post=None),
    "contact_record_new": Expect(
        frozenset({"jour_id"}),
        get="jour_member",
        post="jour_member",
        post_data=_answers,
        done=lambda w, c: ContactRecord.objects.filter(jour=w.jours[c.place], channel="visit").exists(),
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


MATRIX = Matrix(
    namespace="stats",
    expected=EXPECTED,
    params={
        "jour_id": Param(lambda w, c: w.jours[c.place].pk, MISSING_JOUR),
        "record_id": Param(lambda w, c: w.record[c.objects].pk, MISSING_RECORD),
    },
    cases=lambda role, params: jour_cases(role, params, object_params={"record_id"}, noun="record"),
    allowed=jour_member_allowed,
    fingerprint=fingerprint,
)


def test_every_stats_url_is_in_the_matrix() -> None:
    MATRIX.assert_covers(urlpatterns, "contact record")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_matrix(world: World, name: str, role: str) -> None:
    MATRIX.check(world, name, role)


# --- The cases the matrix stands on, spelled out ---------------------------------------


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
