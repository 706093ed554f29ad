"""Reads of the directory for the public site, the JSON list and the export.

Only active jourer are public. Nothing here returns anything finer than a municipality.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Prefetch, QuerySet

from fristad.directory.hours import STOCKHOLM, OpenStatus, Schedule, Slot, open_status
from fristad.directory.jourfile import ExceptionSpec, JourSpec, PhoneSpec, WeeklySlot
from fristad.directory.models import DirectoryRevision, Jour, JourKind, OpeningException, Phone, Service
from fristad.geo.models import Municipality
from fristad.geo.selectors import distance_km, fold

UPCOMING_EXCEPTION_DAYS = 21


@dataclass(frozen=True)
class SearchFilters:
    open_now: bool = False
    chats: bool = False
    shelter: bool = False
    tjejjour: bool = False
    language: str = ""

    @property
    def any(self) -> bool:
        return self.open_now or self.chats or self.shelter or self.tjejjour or bool(self.language)


@dataclass
class PhoneView:
    phone: Phone
    schedule: Schedule
    status: OpenStatus
    upcoming_exceptions: list[OpeningException]


@dataclass
class JourView:
    jour: Jour
    phones: list[PhoneView]
    services: list[str]
    languages: list[str]
    distance_km: float | None = None
    serves_searched_municipality: bool = False
    served_names: list[str] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return any(p.status.is_open for p in self.phones)

    @property
    def main_phone(self) -> PhoneView | None:
        return self.phones[0] if self.phones else None

    @property
    def offers_shelter(self) -> bool:
        return Service.SKYDDAT_BOENDE in self.services


def municipality_lookup() -> dict[str, str]:
    """Codes and case-folded names, each to the municipality code (for imports)."""
    lookup: dict[str, str] = {}
    for code, name in Municipality.objects.values_list("code", "name"):
        lookup[code] = code
        lookup[name.casefold()] = code
        lookup[fold(name)] = code
    return lookup


def _public_queryset(today: date, *, active_only: bool = True) -> QuerySet[Jour]:
    jourer = Jour.objects.filter(is_active=True) if active_only else Jour.objects.all()
    return jourer.select_related("home_municipality__county").prefetch_related(
        "services",
        "languages",
        Prefetch(
            "phones",
            queryset=Phone.objects.prefetch_related(
                "weekly_hours",
                Prefetch(
                    "exceptions",
                    queryset=OpeningException.objects.filter(
                        date__gte=today - timedelta(days=1),
                        date__lte=today + timedelta(days=UPCOMING_EXCEPTION_DAYS),
                    ),
                ),
            ),
        ),
    )


@dataclass(frozen=True)
class _Snapshot:
    """The public directory as read at one revision on one day; never mutated."""

    key: tuple[str, date]
    jourer: tuple[Jour, ...]
    by_slug: dict[str, Jour]
    # Municipality code to the ids of the jourer that serve it.
    serving: dict[str, frozenset[int]]


_snapshot: _Snapshot | None = None


def _public_snapshot() -> _Snapshot:
    """The public directory, rebuilt only when a service has changed it (or the day turned).

    One small query per request instead of some ten queries and a thousand model
    instances: see docs/performance.md.
    """
    global _snapshot
    today = datetime.now(STOCKHOLM).date()
    token = DirectoryRevision.objects.filter(pk=1).values_list("token", flat=True).first()
    current = _snapshot
    if token is not None and current is not None and current.key == (token, today):
        return current
    jourer = tuple(_public_queryset(today))
    serving: dict[str, set[int]] = {}
    links = Jour.served_municipalities.through.objects.filter(jour__is_active=True)
    for jour_id, code in links.values_list("jour_id", "municipality_id"):
        serving.setdefault(code, set()).add(jour_id)
    snapshot = _Snapshot(
        key=(token or "", today),
        jourer=jourer,
        by_slug={jour.slug: jour for jour in jourer},
        serving={code: frozenset(ids) for code, ids in serving.items()},
    )
    if token is not None:
        _snapshot = snapshot
    return snapshot


def _matches(view: JourView, filters: SearchFilters) -> bool:
    jour = view.jour
    if filters.chats and not jour.chats:
        return False
    if filters.tjejjour and jour.kind not in (JourKind.TJEJJOUR, JourKind.BOTH):
        return False
    if filters.shelter and not view.offers_shelter:
        return False
    if filters.language and filters.language not in view.languages:
        return False
    return not (filters.open_now and not view.is_open)


def schedule_of(phone: Phone) -> Schedule:
    """The phone's schedule from prefetched rows."""
    weekly: dict[int, list[Slot]] = {}
    for hours in phone.weekly_hours.all():
        weekly.setdefault(hours.weekday, []).append(Slot(hours.opens, hours.closes))
    exceptions: dict[date, list[Slot]] = {}
    for exception in phone.exceptions.all():
        slots = exceptions.setdefault(exception.date, [])
        if not exception.closed and exception.opens is not None and exception.closes is not None:
            slots.append(Slot(exception.opens, exception.closes))
    return Schedule(
        weekly={day: tuple(slots) for day, slots in weekly.items()},
        exceptions={day: tuple(slots) for day, slots in exceptions.items()},
    )


def _schedule_cached(phone: Phone) -> Schedule:
    """Snapshot phones are immutable, so each builds its schedule once."""
    cached = getattr(phone, "_fristad_schedule", None)
    if cached is None:
        cached = schedule_of(phone)
        phone._fristad_schedule = cached  # type: ignore[attr-defined]
    return cached


def _view(jour: Jour, now: datetime) -> JourView:
    today = now.astimezone(STOCKHOLM).date()
    phones = []
    for phone in jour.phones.all():
        schedule = _schedule_cached(phone)
        phones.append(
            PhoneView(
                phone=phone,
                schedule=schedule,
                status=open_status(schedule, now),
                upcoming_exceptions=[e for e in phone.exceptions.all() if e.date >= today],
            )
        )
    return JourView(
        jour=jour,
        phones=phones,
        services=[s.service for s in jour.services.all()],
        languages=[lang.language for lang in jour.languages.all()],
    )


def jour_search(
    *, municipality: Municipality, filters: SearchFilters, now: datetime, limit: int = 10
) -> list[JourView]:
    """Jourer nearest her municipality: those that serve it first, then by distance."""
    snapshot = _public_snapshot()
    serving = snapshot.serving.get(municipality.code, frozenset())
    ranked = []
    for jour in snapshot.jourer:
        home = jour.home_municipality
        distance = distance_km(municipality.latitude, municipality.longitude, home.latitude, home.longitude)
        ranked.append((jour.pk not in serving, distance, jour.name, jour))
    ranked.sort(key=lambda item: item[:3])
    # Opening status only for the jourer she may see: the nearest that match.
    views = []
    for not_serving, distance, _name, jour in ranked:
        view = _view(jour, now)
        if not _matches(view, filters):
            continue
        view.distance_km = distance
        view.serves_searched_municipality = not not_serving
        views.append(view)
        if len(views) == limit:
            break
    return views


def jour_list_public(*, now: datetime) -> list[JourView]:
    """Every public jour, ordered by county then name."""
    views = [_view(jour, now) for jour in _public_snapshot().jourer]
    views.sort(key=lambda v: (v.jour.home_municipality.county_id, v.jour.name))
    return views


def jour_get_public(*, slug: str, now: datetime) -> JourView | None:
    jour = _public_snapshot().by_slug.get(slug)
    if jour is None:
        return None
    view = _view(jour, now)
    view.served_names = list(
        Municipality.objects.filter(serving_jourer=jour).order_by("name").values_list("name", flat=True)
    )
    return view


def jourer_export_specs(*, jour_ids: list[int] | None = None) -> list[JourSpec]:
    """Every jour (active or not) in the jour-file form, for export-jourer and profile edits."""
    jourer = Jour.objects.select_related("home_municipality").prefetch_related(
        "services", "languages", "served_municipalities", "phones__weekly_hours", "phones__exceptions"
    )
    if jour_ids is not None:
        jourer = jourer.filter(pk__in=jour_ids)
    specs = []
    for jour in jourer.order_by("slug"):
        specs.append(
            JourSpec(
                name=jour.name,
                slug=jour.slug,
                kind=jour.kind,
                home_municipality=jour.home_municipality_id,
                served_municipalities=sorted(
                    (m.code for m in jour.served_municipalities.all()),
                    key=lambda code: (code != jour.home_municipality_id, code),
                ),
                chats=jour.chats,
                languages=[lang.language for lang in jour.languages.all()],
                services=[s.service for s in jour.services.all()],
                accessibility_notes=jour.accessibility_notes,
                email=jour.email,
                website=jour.website,
                member_since=jour.member_since,
                is_demo=jour.is_demo,
                is_active=jour.is_active,
                phones=[
                    PhoneSpec(
                        kind=phone.kind,
                        number=phone.number,
                        weekly=[WeeklySlot(h.weekday, h.opens, h.closes) for h in phone.weekly_hours.all()],
                        exceptions=[
                            ExceptionSpec(e.date, e.closed, e.opens, e.closes, e.note)
                            for e in phone.exceptions.all()
                        ],
                    )
                    for phone in jour.phones.all()
                ],
            )
        )
    return specs


def jour_spec(*, jour_id: int) -> JourSpec:
    """One jour as the jour file describes it (the base of a profile edit)."""
    return jourer_export_specs(jour_ids=[jour_id])[0]


def jour_view_uncached(*, jour_id: int, now: datetime) -> JourView:
    """One jour's public view read straight from the database, active or not (previews)."""
    jour = _public_queryset(now.astimezone(STOCKHOLM).date(), active_only=False).get(pk=jour_id)
    view = _view(jour, now)
    view.served_names = list(
        Municipality.objects.filter(serving_jourer__pk=jour_id)
        .order_by("name")
        .values_list("name", flat=True)
    )
    return view


def demo_network_present() -> bool:
    return any(jour.is_demo for jour in _public_snapshot().jourer)
