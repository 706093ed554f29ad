"""The isolation matrix for the statistics: every URL of ``fristad.stats.urls.statistics_urlpatterns``,
for every role, on her own jour, another jour and a jour that does not exist.

A jour's pages, exports and yearly report are for its own coordinator and jourkvinnor; the
national pages for the national office only; a caseworker sees nothing. A refusal is "not
found", byte for byte like a jour that does not exist, and names nothing of the other jour.
Every statistics URL answers GET only (POST: 405, for everyone). A URL added later without a
row in ``EXPECTED`` fails ``test_every_statistics_url_is_in_the_matrix``.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import pytest
from django.urls import reverse

from fristad.accounts.models import AuditEvent
from fristad.directory.models import Jour
from fristad.stats.models import ContactRecord
from fristad.stats.urls import contact_urlpatterns, statistics_urlpatterns, urlpatterns
from tests.conftest import Staff
from tests.isolation import (
    HOME,
    ROLES,
    assert_matrix_covers,
    check_request,
    jour_strings,
    signed_in,
    verdict_for,
    without_own,
)

MISSING_JOUR = 999999

# "jour_member": the coordinator or a jourkvinna of the jour in the URL.
# "national": the national office (for any jour in the URL that exists).
EXPECTED: dict[str, tuple[frozenset[str], str]] = {
    "statistics": (frozenset({"jour_id"}), "jour_member"),
    "statistics_csv": (frozenset({"jour_id"}), "jour_member"),
    "statistics_xlsx": (frozenset({"jour_id"}), "jour_member"),
    "statistics_report": (frozenset({"jour_id"}), "jour_member"),
    "national_statistics": (frozenset(), "national"),
    "national_statistics_jour": (frozenset({"jour_id"}), "national"),
    "national_statistics_csv": (frozenset(), "national"),
    "national_statistics_xlsx": (frozenset(), "national"),
    "national_statistics_report": (frozenset(), "national"),
}


def test_every_statistics_url_is_in_the_matrix() -> None:
    assert urlpatterns == contact_urlpatterns + statistics_urlpatterns, "a stats URL outside both matrices"
    params = {name: row[0] for name, row in EXPECTED.items()}
    assert_matrix_covers(statistics_urlpatterns, params, "statistics")


@pytest.fixture
def world(staff: Staff) -> Staff:
    # Figures that would show if a page leaked: 3 (small) and 7 contacts in January.
    day = dt.date(dt.date.today().year, 1, 15)
    for jour, n in ((staff.jour_a, 3), (staff.jour_b, 7)):
        ContactRecord.objects.bulk_create(
            [
                ContactRecord(jour=jour, date=day, channel="phone", who="woman", age="unknown")
                for _ in range(n)
            ]
        )
    return staff


def fingerprint() -> tuple[Any, ...]:
    return (
        list(ContactRecord.objects.order_by("pk").values()),
        list(Jour.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


def allowed(name: str, role: str, jour_key: str) -> bool:
    if EXPECTED[name][1] == "national":
        return role == "national"
    return HOME.get(role) == jour_key


def _leaks(others: list[Jour], user: Any) -> set[str]:
    """What must not appear: the other jours' strings, less what is hers anyway."""
    return without_own(set().union(*(jour_strings(j) for j in others)), user)


def url_for(name: str, jour: Jour | None) -> str:
    if "jour_id" not in EXPECTED[name][0]:
        return reverse(f"stats:{name}")
    return reverse(f"stats:{name}", kwargs={"jour_id": jour.pk if jour is not None else MISSING_JOUR})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_matrix(world: Staff, name: str, role: str) -> None:
    jours = {"a": world.jour_a, "b": world.jour_b}
    user = None if role == "anonymous" else getattr(world, role)
    with_jour = "jour_id" in EXPECTED[name][0]
    for jour_key in ("a", "b") if with_jour else ("-",):
        jour = jours.get(jour_key)
        others = [j for key, j in jours.items() if HOME.get(role) != key]
        for method in ("GET", "POST"):
            check_request(
                label=f"{method} {name} as {role} on jour {jour_key}",
                method=method,
                url=url_for(name, jour),
                user=user,
                # Every statistics URL answers GET only.
                verdict=verdict_for(
                    anonymous=user is None,
                    who=EXPECTED[name][1] if method == "GET" else None,
                    allowed=functools.partial(allowed, name, role, jour_key),
                ),
                fingerprint=fingerprint,
                leaks=functools.partial(_leaks, others, user),
                missing_url=url_for(name, None) if with_jour else None,
            )


def test_the_national_office_gets_not_found_for_a_jour_that_does_not_exist(world: Staff) -> None:
    assert signed_in(world.national).get(url_for("national_statistics_jour", None)).status_code == 404


def test_a_suspended_jour_closes_its_statistics_to_its_own_staff(world: Staff) -> None:
    Jour.objects.filter(pk=world.jour_a.pk).update(is_active=False)
    client = signed_in(world.admin_a)
    for name in ("statistics", "statistics_csv", "statistics_xlsx", "statistics_report"):
        assert client.get(url_for(name, world.jour_a)).status_code == 404, name


def test_her_page_shows_her_own_figures_and_no_other_jours(world: Staff) -> None:
    body = signed_in(world.kvinna_b).get(url_for("statistics", world.jour_b)).content.decode()
    assert world.jour_b.name in body
    assert world.jour_a.name not in body
