"""Reads of housing records, scoped to the user in one place.

Three scopes, each a function that takes the user and raises 404 outside it (so a
foreign object looks exactly like a missing one):

- ``housing_member``: anyone at the jour (units without addresses, vacancies, the
  turned-away log);
- ``housing_staff``: the jour's coordinators and those they gave housing rights
  (addresses, requests, placements);
- ``caseworker_place``: a caseworker of that municipality (search, her municipality's
  requests and their answers).

Reading an address or a placement writes a SENSITIVE_READ audit event here, in the
selector, so that no view can show one without leaving a trace. The event names the
record by id only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value, When
from django.http import Http404

from fristad.accounts.models import AuditAction, Membership, Role, User
from fristad.accounts.selectors import jour_membership
from fristad.accounts.services import audit_record
from fristad.directory.models import Jour, Phone
from fristad.geo.models import Municipality
from fristad.geo.selectors import distance_km
from fristad.housing.matching import Child, Match, Needs, UnitFacts, is_stale, rank
from fristad.housing.models import (
    HousingUnit,
    ItemState,
    Placement,
    PlacementRequest,
    RequestItem,
    Stay,
    TurnedAway,
    TurnedAwayReason,
)

# Near matches shown after the full ones.
NEAR_MATCHES_SHOWN = 30


def has_housing_rights(membership: Membership) -> bool:
    """A coordinator always has housing rights; a jourkvinna when her coordinator gave them."""
    return membership.role == Role.JOUR_ADMIN or membership.housing


def housing_member(*, user: User, jour_id: int) -> Membership:
    """Anyone working at the jour, or 404."""
    return jour_membership(user=user, jour_id=jour_id)


def housing_staff(*, user: User, jour_id: int) -> Membership:
    """A member of the jour with housing rights, or 404."""
    membership = jour_membership(user=user, jour_id=jour_id)
    if not has_housing_rights(membership):
        raise Http404
    return membership


def caseworker_place(*, user: User, code: str) -> Municipality:
    """Her municipality, if she is a caseworker there; else 404."""
    membership = (
        Membership.objects.select_related("municipality__county")
        .filter(user=user, role=Role.CASEWORKER, municipality_id=code)
        .first()
    )
    if membership is None or membership.municipality is None:
        raise Http404
    return membership.municipality


def housing_contacts(*, jour: Jour) -> list[str]:
    """E-mail addresses of the jour's staff with housing rights (for notifications)."""
    return sorted(
        Membership.objects.filter(jour=jour, user__is_active=True)
        .filter(Q(role=Role.JOUR_ADMIN) | Q(housing=True))
        .values_list("user__email", flat=True)
    )


# --- The jour's side ----------------------------------------------------------------


@dataclass(frozen=True)
class UnitRow:
    unit: HousingUnit
    stale: bool
    permit_warning: bool


def jour_units(*, user: User, jour_id: int, now: datetime) -> list[UnitRow]:
    """Her jour's units with vacancies and their freshness; never the address."""
    housing_member(user=user, jour_id=jour_id)
    units = HousingUnit.objects.filter(jour_id=jour_id).defer("address").select_related("municipality")
    return [
        UnitRow(
            u,
            is_stale(u.vacancies_confirmed_at, now=now, stale_hours=settings.HOUSING_VACANCY_STALE_HOURS),
            u.permit_status != "granted",
        )
        for u in units.order_by("-is_active", "name")
    ]


def jour_unit(*, user: User, jour_id: int, unit_id: int) -> HousingUnit:
    """A unit of her jour without its address (vacancies): any member."""
    housing_member(user=user, jour_id=jour_id)
    unit = HousingUnit.objects.defer("address").filter(pk=unit_id, jour_id=jour_id).first()
    if unit is None:
        raise Http404
    return unit


def jour_unit_with_address(*, user: User, jour_id: int, unit_id: int) -> HousingUnit:
    """A unit with its street address, for staff with housing rights; the read is audited."""
    membership = housing_staff(user=user, jour_id=jour_id)
    unit = HousingUnit.objects.filter(pk=unit_id, jour_id=jour_id).first()
    if unit is None:
        raise Http404
    audit_record(
        action=AuditAction.SENSITIVE_READ,
        actor=user,
        jour=membership.jour,
        target=f"housing-unit:{unit.pk}",
        detail="address",
    )
    return unit


def jour_request_items(*, user: User, jour_id: int) -> list[RequestItem]:
    """Requests to her jour's units: waiting ones first, then the last answered."""
    housing_staff(user=user, jour_id=jour_id)
    base = (
        RequestItem.objects.filter(jour_id=jour_id)
        .select_related("request__municipality", "unit")
        .defer("unit__address")
    )
    pending = list(base.filter(state=ItemState.PENDING).order_by("request__created_at", "pk"))
    answered = list(base.exclude(state=ItemState.PENDING).order_by("-request__created_at", "-pk")[:50])
    return pending + answered


def jour_request_item(*, user: User, jour_id: int, item_id: int) -> RequestItem:
    membership = housing_staff(user=user, jour_id=jour_id)
    item = (
        RequestItem.objects.select_related("request__municipality", "unit", "jour")
        .defer("unit__address")
        .filter(pk=item_id, jour_id=jour_id)
        .first()
    )
    if item is None:
        raise Http404
    audit_record(
        action=AuditAction.SENSITIVE_READ,
        actor=user,
        jour=membership.jour,
        target=f"placement-request:{item.request_id}",
    )
    return item


def jour_stays(*, user: User, jour_id: int, current: bool) -> list[Stay]:
    """Her jour's stays (current, or ended), each with its people; the read is audited."""
    membership = housing_staff(user=user, jour_id=jour_id)
    stays = (
        Stay.objects.filter(jour_id=jour_id, end__isnull=current)
        .select_related("municipality", "unit")
        .defer("unit__address")
        .prefetch_related(Prefetch("people", queryset=Placement.objects.order_by("kind", "pk")))
    )
    result = list(stays.order_by("-start", "-pk")[:200])
    audit_record(
        action=AuditAction.SENSITIVE_READ,
        actor=user,
        jour=membership.jour,
        target="placements",
        detail="current" if current else "ended",
    )
    return result


def jour_stay(*, user: User, jour_id: int, stay_id: int) -> Stay:
    membership = housing_staff(user=user, jour_id=jour_id)
    stay = (
        Stay.objects.select_related("municipality", "unit")
        .defer("unit__address")
        .prefetch_related(Prefetch("people", queryset=Placement.objects.order_by("kind", "pk")))
        .filter(pk=stay_id, jour_id=jour_id)
        .first()
    )
    if stay is None:
        raise Http404
    audit_record(
        action=AuditAction.SENSITIVE_READ, actor=user, jour=membership.jour, target=f"placement:{stay.pk}"
    )
    return stay


@dataclass(frozen=True)
class TurnedAwayCount:
    month: date
    reason: str
    reason_label: str
    times: int
    women: int
    children: int


def jour_turned_away_counts(*, user: User, jour_id: int, since: date) -> list[TurnedAwayCount]:
    """Turned away per month and reason since a month (newest first), counted in SQL."""
    housing_member(user=user, jour_id=jour_id)
    rows = (
        TurnedAway.objects.filter(jour_id=jour_id, month__gte=since)
        .values("month", "reason")
        .order_by("-month", "reason")
        .annotate(times=Count("pk"), women=Sum("women"), children=Sum("children"))
    )
    labels = dict(TurnedAwayReason.choices)
    return [
        TurnedAwayCount(
            r["month"],
            r["reason"],
            str(labels.get(r["reason"], r["reason"])),
            r["times"],
            r["women"] or 0,
            r["children"] or 0,
        )
        for r in rows
    ]


# --- The caseworker's side ----------------------------------------------------------


def municipality_requests(*, user: User, code: str) -> QuerySet[PlacementRequest]:
    caseworker_place(user=user, code=code)
    return (
        PlacementRequest.objects.filter(municipality_id=code)
        .prefetch_related(Prefetch("items", queryset=RequestItem.objects.select_related("jour")))
        .order_by("-created_at", "-pk")[:200]
    )


def municipality_request(*, user: User, code: str, request_id: int) -> PlacementRequest:
    """One of her municipality's requests with its answers and, once placed, the stay (audited)."""
    municipality = caseworker_place(user=user, code=code)
    found = (
        PlacementRequest.objects.filter(pk=request_id, municipality_id=code)
        .prefetch_related(Prefetch("items", queryset=RequestItem.objects.select_related("jour")))
        .first()
    )
    if found is None:
        raise Http404
    audit_record(
        action=AuditAction.SENSITIVE_READ,
        actor=user,
        municipality=municipality,
        target=f"placement-request:{found.pk}",
    )
    return found


def request_stay(*, request: PlacementRequest) -> Stay | None:
    """The stay a request led to (the caller already authorized and audited the request)."""
    return (
        Stay.objects.filter(request=request)
        .select_related("jour")
        .prefetch_related(Prefetch("people", queryset=Placement.objects.order_by("kind", "pk")))
        .first()
    )


@dataclass(frozen=True)
class SearchHit:
    unit_id: int
    jour_id: int
    jour_name: str
    county: str
    facts: dict[str, Any]
    free_adults: int
    free_children: int
    confirmed_at: datetime | None
    stale: bool
    phone: str
    misfits: list[str]
    distance_km: float
    permit_granted: bool

    @property
    def full(self) -> bool:
        return not self.misfits


@dataclass(frozen=True)
class SearchResult:
    full: list[SearchHit]
    near: list[SearchHit]
    considered: int
    # Full matches in all; only the nearest FULL_MATCHES_SHOWN are listed.
    full_total: int = 0


# What the ranking reads of every unit with a free place (plain columns, no dates, no address).
_MATCH_FIELDS = (
    "pk",
    "free_adults",
    "free_children",
    "max_children",
    "son_age_limit",
    "wheelchair_accessible",
    "limited_mobility",
    "pets_allowed",
    "allergy_rooms",
    "accepts_substance_use",
    "mental_health_support",
    "languages",
    "security_level",
    "municipality__latitude",
    "municipality__longitude",
)
# What the page shows, read for the units listed only.
_SHOW_FIELDS = (
    "pk",
    "jour_id",
    "jour__name",
    "municipality__county__name",
    "free_adults",
    "free_children",
    "vacancies_confirmed_at",
    "max_children",
    "son_age_limit",
    "wheelchair_accessible",
    "limited_mobility",
    "pets_allowed",
    "allergy_rooms",
    "accepts_substance_use",
    "mental_health_support",
    "languages",
    "security_level",
    "staffed_hours",
    "self_catering",
    "enquiry_phone",
    "permit_status",
)
FULL_MATCHES_SHOWN = 50


def housing_search(
    *,
    user: User,
    code: str,
    needs: Needs,
    exclude_municipalities: list[str],
    exclude_counties: list[str],
    now: datetime,
) -> SearchResult:
    """Units with a free place for an adult, outside the excluded areas, ranked against the
    needs: the nearest full matches, then the near matches with the fewest misfits.

    Three queries: her scope, the units with a free place (the columns the ranking needs;
    never the address), and the columns shown (with the jour's phone) for the units listed."""
    home = caseworker_place(user=user, code=code)
    units = (
        HousingUnit.objects.filter(is_active=True, jour__is_active=True, free_adults__gt=0)
        .exclude(municipality_id__in=exclude_municipalities)
        .exclude(municipality__county_id__in=exclude_counties)
        .order_by()  # the ranking orders; a sort by jour name in SQL would be wasted
        .values_list(*_MATCH_FIELDS)
    )
    # Plain rows straight from the cursor: this query reads every unit with a free place,
    # and Django's per-value converters were a third of the search's time.
    sql, params = units.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    facts = [
        UnitFacts(
            unit_id=r[0],
            free_adults=r[1],
            free_children=r[2],
            max_children=r[3],
            son_age_limit=r[4],
            wheelchair_accessible=bool(r[5]),
            limited_mobility=bool(r[6]),
            pets_allowed=bool(r[7]),
            allergy_rooms=bool(r[8]),
            accepts_substance_use=bool(r[9]),
            mental_health_support=bool(r[10]),
            languages=_languages(r[11]) if needs.language else (),
            security_level=r[12],
            distance_km=_km(home.latitude, home.longitude, r[13], r[14]),
        )
        for r in rows
    ]
    ranked = rank(needs, facts)
    full = [m for m in ranked if m.full]
    near = [m for m in ranked if not m.full][:NEAR_MATCHES_SHOWN]
    shown = full[:FULL_MATCHES_SHOWN] + near
    # The jour's phone for enquiries comes in the same query (its first office phone, else
    # its first phone): one round trip fewer on PostgreSQL.
    jour_phone = Subquery(
        Phone.objects.filter(jour_id=OuterRef("jour_id"))
        .annotate(office_first=Case(When(kind="office", then=Value(0)), default=Value(1)))
        .order_by("office_first", "position", "pk")
        .values("number")[:1]
    )
    by_id = {
        r["pk"]: r
        for r in HousingUnit.objects.filter(pk__in=[m.unit_id for m in shown])
        .order_by()
        .values(*_SHOW_FIELDS, jour_phone=jour_phone)
    }
    stale_hours = settings.HOUSING_VACANCY_STALE_HOURS

    def hit(m: Match) -> SearchHit:
        r = by_id[m.unit_id]
        return SearchHit(
            unit_id=m.unit_id,
            jour_id=r["jour_id"],
            jour_name=r["jour__name"],
            county=r["municipality__county__name"],
            facts=r,
            free_adults=r["free_adults"],
            free_children=r["free_children"],
            confirmed_at=r["vacancies_confirmed_at"],
            stale=is_stale(r["vacancies_confirmed_at"], now=now, stale_hours=stale_hours),
            phone=r["enquiry_phone"] or r["jour_phone"] or "",
            misfits=m.misfits,
            distance_km=m.distance_km,
            permit_granted=r["permit_status"] == "granted",
        )

    # A unit removed between the two queries (its jour left the network) is left out.
    return SearchResult(
        [hit(m) for m in full[:FULL_MATCHES_SHOWN] if m.unit_id in by_id],
        [hit(m) for m in near if m.unit_id in by_id],
        len(facts),
        len(full),
    )


def _languages(raw: Any) -> tuple[str, ...]:
    """The JSON list of language codes, as the cursor gives it (text, or already a list)."""
    if isinstance(raw, str):
        raw = json.loads(raw)
    return tuple(raw or ())


@lru_cache(maxsize=65536)
def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distances between municipalities' seats: reference data, so cached."""
    return distance_km(lat1, lon1, lat2, lon2)


def units_for_request(*, user: User, code: str, unit_ids: list[int]) -> list[HousingUnit]:
    """The units she may send a request to: active units of active jourer (no address)."""
    caseworker_place(user=user, code=code)
    return list(
        HousingUnit.objects.filter(pk__in=unit_ids[:20], is_active=True, jour__is_active=True)
        .defer("address")
        .select_related("jour", "municipality__county")
        .order_by("jour__name", "name")
    )


def children_of(request: PlacementRequest) -> list[Child]:
    return [Child(int(c["age"]), str(c["sex"])) for c in request.children]
