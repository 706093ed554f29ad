"""The isolation matrix: every staff URL, for every role, on her own jour or another's.

The list of URLs comes from ``fristad.accounts.urls.urlpatterns`` itself: a URL
added later without a row in ``EXPECTED`` makes ``test_every_staff_url_is_in_the_matrix``
fail. For each case the test knows, from this table alone (never from the code under
test), whether she may: an allowed request answers and its action really happens; a
refused one is "not found", says nothing about the other jour, looks byte for byte like
the answer for an id that does not exist, and changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from fristad.accounts import services, shifts
from fristad.accounts.models import (
    AuditEvent,
    CalendarFeed,
    Invite,
    Membership,
    PledgeSignature,
    Role,
    Shift,
    User,
)
from fristad.accounts.urls import urlpatterns
from fristad.directory.hours import STOCKHOLM
from fristad.directory.models import Jour, Phone
from tests.conftest import Staff
from tests.isolation import (
    ROLES,
    Case,
    Expect,
    Matrix,
    Param,
    StaffWorld,
    at_home,
    jour_cases,
    normalized,
    signed_in,
)

MISSING_ID = 999999
NEW_PASSWORD = "en-helt-ny-och-lang-fras-2026"
NEXT_MONDAY = date.today() + timedelta(days=7 - date.today().weekday())

ADMINS = {"admin_a", "admin_b"}


# --- The world every case runs in --------------------------------------------------------


@dataclass
class World(StaffWorld):
    kvinna_membership: dict[str, int]
    invite: dict[str, Invite]
    invite_token: dict[str, str]
    shift: dict[str, Shift]
    feed_token: dict[str, str]

    def strings(self, key: str) -> set[str]:
        """What would betray jour ``key``: its name, its people, its open invites."""
        invited = Invite.objects.filter(jour=self.jours[key]).values_list("email", flat=True)
        return super().strings(key) | set(invited)


@pytest.fixture
def world(staff: Staff) -> World:
    jours = {"a": staff.jour_a, "b": staff.jour_b}
    kvinnor = {"a": staff.kvinna_a, "b": staff.kvinna_b}
    admins = {"a": staff.admin_a, "b": staff.admin_b}
    invite, invite_token, shift, feed_token, kvinna_membership = {}, {}, {}, {}, {}
    for key, jour in jours.items():
        issued = services.invite_create(
            invited_by=admins[key], email=f"inbjuden-{jour.slug}@staff.test", role=Role.JOURKVINNA, jour=jour
        )
        invite[key], invite_token[key] = issued.invite, issued.token
        shift[key] = shifts.shift_create(
            actor=admins[key],
            jour=jour,
            kind="phone",
            start=datetime(NEXT_MONDAY.year, NEXT_MONDAY.month, NEXT_MONDAY.day, 9, tzinfo=STOCKHOLM),
            end=datetime(NEXT_MONDAY.year, NEXT_MONDAY.month, NEXT_MONDAY.day, 13, tzinfo=STOCKHOLM),
        )
        feed_token[key] = shifts.calendar_feed_issue(user=kvinnor[key])
        kvinna_membership[key] = Membership.objects.get(user=kvinnor[key], jour=jour).pk
    return World(staff, jours, kvinna_membership, invite, invite_token, shift, feed_token)


def fingerprint() -> tuple[Any, ...]:
    """Everything a staff action could change."""
    return (
        list(Membership.objects.order_by("pk").values()),
        list(Invite.objects.order_by("pk").values()),
        list(Jour.objects.order_by("pk").values()),
        list(Phone.objects.order_by("pk").values()),
        list(Shift.objects.order_by("pk").values()),
        list(CalendarFeed.objects.order_by("pk").values()),
        list(User.objects.order_by("pk").values("pk", "email", "password", "is_active")),
        PledgeSignature.objects.count(),
        AuditEvent.objects.count(),
    )


# --- What each URL allows ----------------------------------------------------------------

# Who may: "any" (any signed-in staff; anyone at all on a public token URL),
# "jour_admin" / "jour_member" (of the jour in the URL, objects of that jour),
# "national" (the national office); None: the method is not allowed (405) to anyone.


def _profile_data(w: World, c: Case) -> dict[str, Any]:
    return {
        "chats": "on",
        "services": ["samtalsstod"],
        "languages": ["sv"],
        "accessibility_notes": "",
        "email": f"profil-{c.role}@jour.test",
        "website": "",
        "phones-TOTAL_FORMS": "1",
        "phones-INITIAL_FORMS": "0",
        "phones-MIN_NUM_FORMS": "0",
        "phones-MAX_NUM_FORMS": "6",
        "phones-0-kind": "jourtelefon",
        "phones-0-number": "070-1740688",
        "phones-0-hours": "mon-sun 00:00-24:00",
        "phones-0-exceptions": "",
        "action": "save",
    }


def _shift_data(w: World, c: Case) -> dict[str, Any]:
    day = NEXT_MONDAY + timedelta(days=2)
    return {
        "day": day.isoformat(),
        "starts": "18:00",
        "ends": "22:00",
        "kind": "chat",
        "person": "",
        "phone": "",
    }


EXPECTED: dict[str, Expect[World]] = {
    "dashboard": Expect(frozenset(), get="any", post="any", post_status=200),
    "pledge": Expect(
        frozenset(),
        get="any",
        post="any",
        post_data=lambda w, c: {"agree": "on"},
        done=lambda w, c: PledgeSignature.objects.filter(user=w.user(c.role)).exists(),
    ),
    "invite_accept": Expect(
        frozenset({"token"}),
        get="any",
        post="any",
        public=True,
        values={"token": lambda w, c: w.invite_token[c.objects]},
        post_data=lambda w, c: {
            "full_name": "Ny Jourkvinna",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
        done=lambda w, c: (
            Membership.objects.filter(
                user__email=w.invite[c.objects].email, jour=w.jours[c.objects], role=Role.JOURKVINNA
            ).exists()
            and Invite.objects.get(pk=w.invite[c.objects].pk).accepted_at is not None
        ),
    ),
    "jour_people": Expect(
        frozenset({"jour_id"}),
        get="jour_admin",
        post="jour_admin",
        post_status=200,
        post_data=lambda w, c: {"email": f"ny-{c.role}@staff.test", "role": "jourkvinna"},
        done=lambda w, c: Invite.objects.filter(
            email=f"ny-{c.role}@staff.test", jour=w.jours[c.place]
        ).exists(),
    ),
    "jour_person_role": Expect(
        frozenset({"jour_id", "membership_id"}),
        get=None,
        post="jour_admin",
        post_data=lambda w, c: {"role": "jour_admin"},
        done=lambda w, c: Membership.objects.get(pk=w.kvinna_membership[c.objects]).role == Role.JOUR_ADMIN,
    ),
    "jour_person_remove": Expect(
        frozenset({"jour_id", "membership_id"}),
        get=None,
        post="jour_admin",
        done=lambda w, c: not Membership.objects.filter(pk=w.kvinna_membership[c.objects]).exists(),
    ),
    "jour_invite_revoke": Expect(
        frozenset({"jour_id", "invite_id"}),
        get=None,
        post="jour_admin",
        done=lambda w, c: Invite.objects.get(pk=w.invite[c.objects].pk).revoked_at is not None,
    ),
    "jour_profile": Expect(
        frozenset({"jour_id"}),
        get="jour_admin",
        post="jour_admin",
        post_data=_profile_data,
        done=lambda w, c: Jour.objects.get(pk=w.jours[c.place].pk).email == f"profil-{c.role}@jour.test",
    ),
    "jour_audit": Expect(frozenset({"jour_id"}), get="jour_admin", post="jour_admin", post_status=200),
    "jour_schedule": Expect(
        frozenset({"jour_id"}),
        get="jour_member",
        post="jour_admin",
        post_data=_shift_data,
        done=lambda w, c: Shift.objects.filter(jour=w.jours[c.place], kind="chat").exists(),
    ),
    "jour_shift_action": Expect(
        frozenset({"jour_id", "shift_id", "action"}),
        get=None,
        post="jour_member",
        done=lambda w, c: (
            Shift.objects.get(pk=w.shift[c.objects].pk).person_id == getattr(w.user(c.role), "pk", None)
        ),
    ),
    "calendar_settings": Expect(
        frozenset(),
        get="any",
        post="any",
        post_status=200,
        done=lambda w, c: CalendarFeed.objects.filter(user=w.user(c.role), revoked_at__isnull=True).exists(),
    ),
    "calendar_feed": Expect(
        frozenset({"token"}),
        get="any",
        post=None,
        public=True,
        values={"token": lambda w, c: w.feed_token[c.objects]},
    ),
    "national_jourer": Expect(
        frozenset(),
        get="national",
        post="national",
        post_status=200,
        post_data=lambda w, c: {"email": "kollega@forbund.test", "role": "national_office"},
        done=lambda w, c: Invite.objects.filter(
            email="kollega@forbund.test", role="national_office"
        ).exists(),
    ),
    "national_jour_add": Expect(
        frozenset(),
        get=None,
        post="national",
        post_data=lambda w, c: {
            "name": "Kvinnojouren Ny",
            "slug": "ny-jour",
            "kind": "kvinnojour",
            "home_municipality": "0180",
        },
        done=lambda w, c: Jour.objects.filter(slug="ny-jour", is_active=False).exists(),
    ),
    "national_jour_active": Expect(
        frozenset({"jour_id"}),
        get=None,
        post="national",
        post_data=lambda w, c: {"active": "0"},
        done=lambda w, c: not Jour.objects.get(pk=w.jours[c.place].pk).is_active,
    ),
    "national_jour_remove": Expect(
        frozenset({"jour_id"}),
        get=None,
        post="national",
        post_data=lambda w, c: {"confirm": w.jours[c.place].slug},
        done=lambda w, c: not Jour.objects.filter(pk=w.jours[c.place].pk).exists(),
    ),
    "national_audit": Expect(frozenset(), get="national", post="national", post_status=200),
    "national_coverage": Expect(frozenset(), get="national", post=None),
}


OBJECT_PARAMS = {"membership_id", "invite_id", "shift_id"}


def cases_for(role: str, params: frozenset[str]) -> list[Case]:
    cases = jour_cases(role, params, object_params=OBJECT_PARAMS)
    if "jour_id" in params:
        return cases
    # A token URL names its object but no jour: never her jour with another's object.
    return [c for c in cases if c.place == c.objects]


def allowed(who: str | None, case: Case) -> bool:
    if who is None or case.role == "anonymous":
        return who == "any"
    if who == "any":
        return True
    if who == "national":
        return case.role == "national"
    return at_home(case) and (who == "jour_member" or case.role in ADMINS)


MATRIX = Matrix(
    namespace="accounts",
    expected=EXPECTED,
    params={
        "jour_id": Param(lambda w, c: w.jours[c.place].pk, MISSING_ID),
        "membership_id": Param(lambda w, c: w.kvinna_membership[c.objects], MISSING_ID),
        "invite_id": Param(lambda w, c: w.invite[c.objects].pk, MISSING_ID),
        "shift_id": Param(lambda w, c: w.shift[c.objects].pk, MISSING_ID),
        # Not an id: the twin for ids that do not exist keeps it.
        "action": Param(lambda w, c: "ta"),
        # "token": each token URL names its kind in its own row (``values``).
    },
    cases=cases_for,
    allowed=allowed,
    fingerprint=fingerprint,
    refused_statuses=(403, 404),
)


def test_every_staff_url_is_in_the_matrix() -> None:
    MATRIX.assert_covers(urlpatterns, "staff")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_matrix(world: World, name: str, role: str) -> None:
    MATRIX.check(world, name, role)


# --- The cases the matrix stands on, spelled out ---------------------------------------


def people_url(jour: Jour) -> str:
    return f"/personal/jour/{jour.pk}/personal/"


def test_admin_removes_her_own_jourkvinna_but_not_another_jours(world: World) -> None:
    staff = world.staff
    admin = signed_in(staff.admin_a)
    foreign = world.kvinna_membership["b"]
    for jour in (staff.jour_a, staff.jour_b):
        response = admin.post(f"/personal/jour/{jour.pk}/personal/{foreign}/ta-bort/")
        assert response.status_code == 404
    assert Membership.objects.filter(pk=foreign).exists()
    own = world.kvinna_membership["a"]
    response = admin.post(f"/personal/jour/{staff.jour_a.pk}/personal/{own}/ta-bort/")
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=own).exists()


def test_admin_cannot_revoke_another_jours_invite(world: World) -> None:
    staff = world.staff
    admin = signed_in(staff.admin_a)
    invite = world.invite["b"]
    for jour in (staff.jour_a, staff.jour_b):
        assert admin.post(f"/personal/jour/{jour.pk}/inbjudan/{invite.pk}/dra-tillbaka/").status_code == 404
    invite.refresh_from_db()
    assert invite.revoked_at is None


def test_only_the_jours_admin_sees_its_people_page(world: World) -> None:
    staff = world.staff
    for user in (staff.kvinna_a, staff.caseworker, staff.national, staff.admin_b, staff.kvinna_b):
        response = signed_in(user).get(people_url(staff.jour_a))
        assert response.status_code == 404, user
        assert "kvinna_a@staff.test" not in response.content.decode()
    assert signed_in(staff.admin_a).get(people_url(staff.jour_a)).status_code == 200


def test_only_the_national_office_reaches_its_pages(world: World) -> None:
    staff = world.staff
    for url in (
        "/personal/forbund/jourer/",
        "/personal/forbund/logg/",
        "/personal/forbund/tackning/",
        "/personal/forbund/natverket/",
    ):
        assert signed_in(staff.national).get(url).status_code == 200
        for user in (staff.admin_a, staff.kvinna_a, staff.admin_b, staff.kvinna_b, staff.caseworker):
            assert signed_in(user).get(url).status_code == 404, (url, user)


def test_national_office_suspends_a_jour_and_it_leaves_the_public_site(world: World) -> None:
    staff = world.staff
    public = Client()
    assert public.get("/jour/stockholm/").status_code == 200
    assert "/jour/stockholm/" in public.get("/sok/", {"q": "Stockholm"}).content.decode()
    for user in (staff.admin_a, staff.admin_b, staff.kvinna_a, staff.caseworker):
        response = signed_in(user).post(f"/personal/forbund/jourer/{staff.jour_a.pk}/aktiv/", {"active": "0"})
        assert response.status_code == 404
    assert Jour.objects.get(pk=staff.jour_a.pk).is_active
    response = signed_in(staff.national).post(
        f"/personal/forbund/jourer/{staff.jour_a.pk}/aktiv/", {"active": "0"}
    )
    assert response.status_code == 302
    assert not Jour.objects.get(pk=staff.jour_a.pk).is_active
    assert public.get("/jour/stockholm/").status_code == 404
    results = public.get("/sok/", {"q": "Stockholm"}).content.decode()
    assert "/jour/stockholm/" not in results
    assert staff.jour_a.name not in results
    # Suspended, her own coordinator no longer reaches the jour's staff pages either.
    assert signed_in(staff.admin_a).get(people_url(staff.jour_a)).status_code == 404


def test_a_foreign_jour_looks_exactly_like_one_that_does_not_exist(world: World) -> None:
    staff = world.staff
    admin = signed_in(staff.admin_a)
    for suffix in ("personal/", "logg/", "profil/", "schema/"):
        foreign_url = f"/personal/jour/{staff.jour_b.pk}/{suffix}"
        missing_url = f"/personal/jour/{MISSING_ID}/{suffix}"
        foreign, missing = admin.get(foreign_url), admin.get(missing_url)
        assert foreign.status_code == missing.status_code == 404
        assert normalized(foreign.content, foreign_url) == normalized(missing.content, missing_url)
        body = foreign.content.decode()
        for leak in world.strings("b"):
            assert leak not in body


def test_a_post_without_csrf_token_is_refused_and_changes_nothing(world: World) -> None:
    staff = world.staff
    client = signed_in(staff.admin_a, enforce_csrf_checks=True)
    national = signed_in(staff.national, enforce_csrf_checks=True)
    own = world.kvinna_membership["a"]
    before = fingerprint()
    response = client.post(f"/personal/jour/{staff.jour_a.pk}/personal/{own}/ta-bort/")
    assert response.status_code == 403
    response = client.post(people_url(staff.jour_a), {"email": "ny@staff.test", "role": "jourkvinna"})
    assert response.status_code == 403
    response = national.post(f"/personal/forbund/jourer/{staff.jour_a.pk}/aktiv/", {"active": "0"})
    assert response.status_code == 403
    assert fingerprint() == before
    assert Membership.objects.filter(pk=own).exists()
    assert Jour.objects.get(pk=staff.jour_a.pk).is_active


def test_an_invite_to_an_existing_account_does_not_sign_the_clicker_in_as_her(world: World) -> None:
    staff = world.staff
    # admin_b "invites" the national office's e-mail to her own jour and opens the link herself.
    response = signed_in(staff.admin_b).post(
        people_url(staff.jour_b), {"email": staff.national.email, "role": "jourkvinna"}
    )
    link = re.search(r"/personal/inbjudan/[^/<\s]+/", response.content.decode())
    assert link is not None
    intruder = Client()
    intruder.post(link.group(0), {"full_name": "X", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    # She must not now be the national office.
    assert intruder.get("/personal/forbund/jourer/").status_code != 200
    intruder.post(f"/personal/forbund/jourer/{staff.jour_a.pk}/aktiv/", {"active": "0"})
    assert Jour.objects.get(pk=staff.jour_a.pk).is_active


def test_a_removed_member_no_longer_gets_her_former_jours_shifts(world: World) -> None:
    staff = world.staff
    soon = NEXT_MONDAY + timedelta(days=3)
    shift = shifts.shift_create(
        actor=staff.admin_a,
        jour=staff.jour_a,
        kind="phone",
        start=datetime(soon.year, soon.month, soon.day, 9, tzinfo=STOCKHOLM),
        end=datetime(soon.year, soon.month, soon.day, 12, tzinfo=STOCKHOLM),
        person=staff.kvinna_a,
    )
    own = world.kvinna_membership["a"]
    response = signed_in(staff.admin_a).post(f"/personal/jour/{staff.jour_a.pk}/personal/{own}/ta-bort/")
    assert response.status_code == 302 and not Membership.objects.filter(pk=own).exists()
    feed = Client().get(f"/personal/kalender/{world.feed_token['a']}.ics")
    assert staff.jour_a.name not in feed.content.decode()
    shift.refresh_from_db()
    assert shift.person_id != staff.kvinna_a.pk
