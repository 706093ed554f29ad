"""Writes for skyddat boende, each in one transaction, refusing bad input with a clear
(translatable) ValidationError.

The request state machine: an item (one unit's copy of a request) goes from pending to
accepted, declined, withdrawn or expired, and never anywhere else. Acceptance is a race
two jourer can run at once: the request's status moves from open to placed with a
conditional UPDATE (``WHERE status = 'open'``), and only the transaction whose UPDATE
changed a row goes on to create the placement; a unique constraint (one accepted item per
request) stands behind it. PostgreSQL makes the second UPDATE wait for the first to commit
and then finds nothing to change; SQLite runs writing transactions one at a time (BEGIN
IMMEDIATE).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from fristad.accounts.models import AuditAction, User
from fristad.accounts.services import audit_record
from fristad.directory.hours import STOCKHOLM
from fristad.directory.models import Jour, Language
from fristad.geo.models import Municipality
from fristad.housing import notify
from fristad.housing.matching import MAX_CHILD_AGE, Child, Needs, case_reference_problem, nights
from fristad.housing.models import (
    ChildSex,
    DeclineReason,
    HousingUnit,
    ItemState,
    PermitStatus,
    PersonKind,
    Placement,
    PlacementRequest,
    RequestItem,
    RequestStatus,
    SecurityLevel,
    StaffedHours,
    Stay,
    TurnedAway,
    TurnedAwayReason,
    TurnedAwaySource,
)
from fristad.housing.selectors import housing_contacts

MAX_ADULTS = 4
MAX_CHILDREN = 8
MAX_UNITS_PER_REQUEST = 10
MAX_PLACES = 60
LATEST_START_DAYS = 365


def stockholm_today() -> date:
    return timezone.now().astimezone(STOCKHOLM).date()


# --- Units and vacancies ------------------------------------------------------------


@dataclass(frozen=True)
class UnitData:
    name: str
    address: str
    municipality: Municipality
    is_active: bool
    permit_number: str
    permit_decided_on: date | None
    permit_status: str
    security_level: str
    staffed_hours: str
    places_adults: int
    places_children: int
    wheelchair_accessible: bool
    limited_mobility: bool
    pets_allowed: bool
    allergy_rooms: bool
    max_children: int | None
    son_age_limit: int | None
    accepts_substance_use: bool
    mental_health_support: bool
    languages: list[str]
    self_catering: bool
    enquiry_phone: str


def _unit_errors(data: UnitData, today: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.name.strip():
        errors["name"] = [_("Give the unit an internal name.")]
    if len(data.address) > 300:
        errors["address"] = [_("The address can be at most 300 characters.")]
    if data.permit_status not in PermitStatus.values:
        errors["permit_status"] = [_("Choose the permit status from the list.")]
    if data.permit_decided_on is not None and data.permit_decided_on > today:
        errors["permit_decided_on"] = [_("The decision date cannot be in the future.")]
    if data.permit_status == PermitStatus.GRANTED and not data.permit_number.strip():
        errors["permit_number"] = [_("A granted permit has a number: give it.")]
    if data.security_level not in SecurityLevel.values:
        errors["security_level"] = [_("Choose the security level from the list.")]
    if data.staffed_hours not in StaffedHours.values:
        errors["staffed_hours"] = [_("Choose the staffed hours from the list.")]
    if not 1 <= data.places_adults <= MAX_PLACES:
        errors["places_adults"] = [_("Places for adults: between 1 and %(n)d.") % {"n": MAX_PLACES}]
    if not 0 <= data.places_children <= MAX_PLACES:
        errors["places_children"] = [_("Places for children: between 0 and %(n)d.") % {"n": MAX_PLACES}]
    if data.max_children is not None and not 0 <= data.max_children <= MAX_PLACES:
        errors["max_children"] = [
            _("The maximum number of children must be between 0 and %(n)d.") % {"n": MAX_PLACES}
        ]
    if data.son_age_limit is not None and not 0 <= data.son_age_limit <= MAX_CHILD_AGE:
        errors["son_age_limit"] = [_("The age limit for sons must be between 0 and 17, or empty for none.")]
    unknown = [code for code in data.languages if code not in Language.values]
    if unknown:
        errors["languages"] = [_("Choose languages from the list.")]
    return errors


@transaction.atomic
def unit_save(*, actor: User, jour: Jour, unit: HousingUnit | None, data: UnitData) -> HousingUnit:
    """Create or change a unit. Free places never exceed the places."""
    errors = _unit_errors(data, stockholm_today())
    if errors:
        raise ValidationError(errors)
    created = unit is None
    if unit is None:
        unit = HousingUnit(jour=jour)
    for name, value in data.__dict__.items():
        setattr(unit, name, value.strip() if isinstance(value, str) else value)
    unit.free_adults = min(unit.free_adults, unit.places_adults)
    unit.free_children = min(unit.free_children, unit.places_children)
    unit.save()
    audit_record(
        action=AuditAction.HOUSING_UNIT_CHANGED,
        actor=actor,
        jour=jour,
        target=f"housing-unit:{unit.pk}",
        detail="created" if created else "changed",
    )
    return unit


@transaction.atomic
def unit_set_vacancies(
    *, actor: User, unit: HousingUnit, free_adults: int, free_children: int, now: datetime
) -> HousingUnit:
    """The jour's one-step update from a phone: both figures, confirmed now."""
    locked = HousingUnit.objects.select_for_update().defer("address").get(pk=unit.pk)
    errors: dict[str, list[str]] = {}
    if not 0 <= free_adults <= locked.places_adults:
        errors["free_adults"] = [
            _("Free places for adults: between 0 and %(n)d.") % {"n": locked.places_adults}
        ]
    if not 0 <= free_children <= locked.places_children:
        errors["free_children"] = [
            _("Free places for children: between 0 and %(n)d.") % {"n": locked.places_children}
        ]
    if errors:
        raise ValidationError(errors)
    HousingUnit.objects.filter(pk=unit.pk).update(
        free_adults=free_adults, free_children=free_children, vacancies_confirmed_at=now
    )
    audit_record(
        action=AuditAction.HOUSING_UNIT_CHANGED,
        actor=actor,
        jour=locked.jour,
        target=f"housing-unit:{unit.pk}",
        detail=f"vacancies {free_adults}/{free_children}",
    )
    locked.free_adults, locked.free_children, locked.vacancies_confirmed_at = free_adults, free_children, now
    return locked


# --- Requests -----------------------------------------------------------------------


def needs_problems(*, adults: int, children: list[Child]) -> dict[str, list[str]]:
    """Adults and children as a request or a stay needs them."""
    errors: dict[str, list[str]] = {}
    if not 1 <= adults <= MAX_ADULTS:
        errors["adults"] = [_("Adults: between 1 and %(n)d.") % {"n": MAX_ADULTS}]
    if len(children) > MAX_CHILDREN:
        errors["children"] = [
            _("At most %(num)d children in one request. For a larger family, phone the jour.")
            % {"num": MAX_CHILDREN}
        ]
    else:
        problems = []
        for number, child in enumerate(children, start=1):
            if not isinstance(child.age, int) or not 0 <= child.age <= MAX_CHILD_AGE:
                problems.append(_("Child %(n)d: the age must be between 0 and 17.") % {"n": number})
            if child.sex not in ChildSex.values:
                problems.append(_("Child %(n)d: choose girl or boy.") % {"n": number})
        if problems:
            errors["children"] = problems
    return errors


@transaction.atomic
def placement_request_create(
    *,
    actor: User,
    municipality: Municipality,
    units: list[HousingUnit],
    case_reference: str,
    needs: Needs,
    desired_start: date,
    base_url: str,
    now: datetime | None = None,
) -> PlacementRequest:
    """Send one request to one or several units. No name, no personal identity number."""
    now = now or timezone.now()
    today = now.astimezone(STOCKHOLM).date()
    case_reference = case_reference.strip()
    errors = needs_problems(adults=needs.adults, children=list(needs.children))
    if not case_reference:
        errors["case_reference"] = [_("Give the municipality's case reference.")]
    else:
        problem = case_reference_problem(case_reference)
        if problem:
            errors["case_reference"] = [problem]
    if desired_start < today:
        errors["desired_start"] = [_("The start date cannot be in the past.")]
    elif desired_start > today + timedelta(days=LATEST_START_DAYS):
        errors["desired_start"] = [_("The start date must be within a year.")]
    if needs.language and needs.language not in Language.values:
        errors["language"] = [_("Choose the language from the list.")]
    if needs.security_level and needs.security_level not in SecurityLevel.values:
        errors["security_level"] = [_("Choose the security level from the list.")]
    if not units:
        errors["units"] = [_("Choose at least one unit.")]
    elif len(units) > MAX_UNITS_PER_REQUEST:
        errors["units"] = [_("Send to at most %(n)d units at once.") % {"n": MAX_UNITS_PER_REQUEST}]
    elif any(not u.is_active or not u.jour.is_active for u in units):
        errors["units"] = [_("A unit you chose no longer takes requests. Search again.")]
    if errors:
        raise ValidationError(errors)
    request = PlacementRequest.objects.create(
        municipality=municipality,
        created_by=actor,
        case_reference=case_reference,
        adults=needs.adults,
        children=[{"age": c.age, "sex": c.sex} for c in needs.children],
        wheelchair=needs.wheelchair,
        limited_mobility=needs.limited_mobility,
        pets=needs.pets,
        allergy=needs.allergy,
        language=needs.language if needs.language != "sv" else "",
        substance_use=needs.substance_use,
        mental_health=needs.mental_health,
        security_level=needs.security_level,
        desired_start=desired_start,
        created_at=now,
        expires_at=now + timedelta(hours=settings.HOUSING_REQUEST_EXPIRY_HOURS),
    )
    audit_record(
        action=AuditAction.PLACEMENT_REQUESTED,
        actor=actor,
        municipality=municipality,
        target=f"placement-request:{request.pk}",
        detail=f"{len(units)} units",
    )
    for unit in {u.pk: u for u in units}.values():
        item = RequestItem.objects.create(request=request, unit=unit, jour=unit.jour)
        audit_record(
            action=AuditAction.PLACEMENT_REQUESTED,
            actor=actor,
            jour=unit.jour,
            target=f"placement-request:{request.pk}",
        )
        notify.new_request(
            base_url=base_url, jour_id=unit.jour_id, item_id=item.pk, to=housing_contacts(jour=unit.jour)
        )
    return request


def _refused(item: RequestItem) -> ValidationError:
    state = ItemState(item.state).label
    return ValidationError(
        _("This request can no longer be answered: it is %(state)s.") % {"state": str(state).lower()}
    )


def _close_if_done(request_id: int, now: datetime) -> None:
    """An open request with nothing pending left found no place."""
    if not RequestItem.objects.filter(request_id=request_id, state=ItemState.PENDING).exists():
        PlacementRequest.objects.filter(pk=request_id, status=RequestStatus.OPEN).update(
            status=RequestStatus.CLOSED, closed_at=now
        )


def _tell_caseworker(request: PlacementRequest, base_url: str) -> None:
    creator = request.created_by
    if creator is not None and creator.is_active and base_url:
        notify.request_answered(
            base_url=base_url, code=request.municipality_id, request_id=request.pk, to=[creator.email]
        )


@dataclass(frozen=True)
class Accepted:
    stay: Stay
    # The unit has no granted IVO permit: the jour is told.
    permit_warning: bool


@transaction.atomic
def request_item_accept(
    *,
    actor: User,
    item: RequestItem,
    start: date | None = None,
    daily_rate_woman: Decimal | None = None,
    daily_rate_child: Decimal | None = None,
    base_url: str = "",
    now: datetime | None = None,
) -> Accepted:
    """Accept: the placement is created (a row per person), the other units are withdrawn.

    Exactly one acceptance per request wins, however many jourer press at once.
    """
    now = now or timezone.now()
    today = now.astimezone(STOCKHOLM).date()
    # Always the request's row first, then the item's: every writer locks in this order.
    request = PlacementRequest.objects.select_for_update().get(pk=item.request_id)
    locked = (
        RequestItem.objects.select_for_update()
        .select_related("unit", "jour")
        .defer("unit__address")
        .get(pk=item.pk)
    )
    if locked.state != ItemState.PENDING:
        raise _refused(locked)
    if request.expires_at <= now or request.status != RequestStatus.OPEN:
        raise ValidationError(
            _("This request is no longer open: it has expired, been placed or been cancelled.")
        )
    start = start or max(request.desired_start, today)
    errors: dict[str, list[str]] = {}
    if start < today - timedelta(days=7):
        errors["start"] = [_("The start date can be at most a week back.")]
    elif start > today + timedelta(days=LATEST_START_DAYS):
        # A typo like 2099 would make a stay that can never end.
        errors["start"] = [_("The start date can be at most a year ahead.")]
    for name, rate in (("daily_rate_woman", daily_rate_woman), ("daily_rate_child", daily_rate_child)):
        if rate is not None and not Decimal(0) <= rate <= Decimal(100000):
            errors[name] = [_("The daily rate must be between 0 and 100 000 kronor.")]
    if errors:
        raise ValidationError(errors)
    # The race: only one transaction moves the request from open to placed.
    won = PlacementRequest.objects.filter(pk=request.pk, status=RequestStatus.OPEN).update(
        status=RequestStatus.PLACED, closed_at=now
    )
    if won != 1:
        raise ValidationError(_("Another jour has just accepted this request. Nothing was changed."))
    RequestItem.objects.filter(pk=locked.pk, state=ItemState.PENDING).update(
        state=ItemState.ACCEPTED, answered_at=now, answered_by=actor
    )
    RequestItem.objects.filter(request=request, state=ItemState.PENDING).exclude(pk=locked.pk).update(
        state=ItemState.WITHDRAWN, answered_at=now
    )
    stay = Stay.objects.create(
        jour=locked.jour,
        unit=locked.unit,
        municipality=request.municipality,
        request=request,
        case_reference=request.case_reference,
        start=start,
    )
    _people_create(
        stay=stay,
        adults=request.adults,
        children=[Child(int(c["age"]), str(c["sex"])) for c in request.children],
        daily_rate_woman=daily_rate_woman,
        daily_rate_child=daily_rate_child,
    )
    _places_taken(unit_id=locked.unit_id, adults=request.adults, children=len(request.children))
    audit_record(
        action=AuditAction.PLACEMENT_ANSWERED,
        actor=actor,
        jour=locked.jour,
        target=f"placement-request:{request.pk}",
        detail="accepted",
    )
    audit_record(
        action=AuditAction.PLACEMENT_ANSWERED,
        actor=actor,
        municipality=request.municipality,
        target=f"placement-request:{request.pk}",
        detail="accepted",
    )
    _tell_caseworker(request, base_url)
    return Accepted(stay, locked.unit.permit_status != PermitStatus.GRANTED)


def _minus(field: str, amount: int) -> Case:
    """``field - amount`` but never below zero, in SQL."""
    return Case(
        When(**{f"{field}__gte": amount}, then=F(field) - amount),
        default=Value(0),
        output_field=IntegerField(),
    )


def _places_taken(*, unit_id: int, adults: int, children: int) -> None:
    """A stay begins at the unit: its free places go down (never below zero), in SQL."""
    HousingUnit.objects.filter(pk=unit_id).update(
        free_adults=_minus("free_adults", adults), free_children=_minus("free_children", children)
    )


def _people_create(
    *,
    stay: Stay,
    adults: int,
    children: list[Child],
    daily_rate_woman: Decimal | None,
    daily_rate_child: Decimal | None,
) -> None:
    rows = [
        Placement(
            stay=stay,
            jour_id=stay.jour_id,
            municipality_id=stay.municipality_id,
            kind=PersonKind.WOMAN,
            start=stay.start,
            daily_rate=daily_rate_woman,
        )
        for _n in range(adults)
    ]
    rows += [
        Placement(
            stay=stay,
            jour_id=stay.jour_id,
            municipality_id=stay.municipality_id,
            kind=PersonKind.CHILD,
            child_age=child.age,
            child_sex=child.sex,
            start=stay.start,
            daily_rate=daily_rate_child,
        )
        for child in children
    ]
    Placement.objects.bulk_create(rows)


def turned_away_reason(decline: str) -> str:
    """A decline because the unit is full counts as lack of space; every other as other."""
    return TurnedAwayReason.LACK_OF_SPACE if decline == DeclineReason.FULL else TurnedAwayReason.OTHER


@transaction.atomic
def request_item_decline(
    *, actor: User, item: RequestItem, reason: str, base_url: str = "", now: datetime | None = None
) -> RequestItem:
    """Decline with a reason; the decline counts as turned away for the jour that month."""
    now = now or timezone.now()
    if reason not in DeclineReason.values:
        raise ValidationError({"reason": [_("Choose a reason from the list.")]})
    request = PlacementRequest.objects.select_for_update().get(pk=item.request_id)
    locked = RequestItem.objects.select_for_update().select_related("jour").get(pk=item.pk)
    if locked.state != ItemState.PENDING:
        raise _refused(locked)
    changed = RequestItem.objects.filter(pk=locked.pk, state=ItemState.PENDING).update(
        state=ItemState.DECLINED, decline_reason=reason, answered_at=now, answered_by=actor
    )
    if changed != 1:  # pragma: no cover - the row lock makes this the same as the check above
        raise _refused(locked)
    today = now.astimezone(STOCKHOLM).date()
    TurnedAway.objects.create(
        jour_id=locked.jour_id,
        month=today.replace(day=1),
        reason=turned_away_reason(reason),
        source=TurnedAwaySource.REQUEST,
        women=request.adults,
        children=len(request.children),
        item=locked,
    )
    _close_if_done(request.pk, now)
    audit_record(
        action=AuditAction.PLACEMENT_ANSWERED,
        actor=actor,
        jour=locked.jour,
        target=f"placement-request:{request.pk}",
        detail=f"declined: {reason}",
    )
    audit_record(
        action=AuditAction.PLACEMENT_ANSWERED,
        actor=actor,
        municipality=request.municipality,
        target=f"placement-request:{request.pk}",
        detail=f"declined: {reason}",
    )
    _tell_caseworker(request, base_url)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def placement_request_cancel(*, actor: User, request: PlacementRequest, now: datetime | None = None) -> None:
    """The caseworker withdraws a request that is still open (she found a place elsewhere)."""
    now = now or timezone.now()
    changed = PlacementRequest.objects.filter(pk=request.pk, status=RequestStatus.OPEN).update(
        status=RequestStatus.CANCELLED, closed_at=now
    )
    if changed != 1:
        raise ValidationError(_("Only a request still waiting for answers can be cancelled."))
    RequestItem.objects.filter(request=request, state=ItemState.PENDING).update(
        state=ItemState.WITHDRAWN, answered_at=now
    )
    audit_record(
        action=AuditAction.PLACEMENT_CHANGED,
        actor=actor,
        municipality=request.municipality,
        target=f"placement-request:{request.pk}",
        detail="cancelled",
    )


@transaction.atomic
def requests_expire(*, now: datetime | None = None, base_url: str = "") -> int:
    """Open requests past their time: the pending units expire, the request closes, and (given
    the site's address for the link) the caseworker who sent it gets an e-mail: she may still
    have a woman waiting. Returns how many."""
    now = now or timezone.now()
    due = list(
        PlacementRequest.objects.select_for_update()
        .filter(status=RequestStatus.OPEN, expires_at__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not due:
        return 0
    RequestItem.objects.filter(request_id__in=due, state=ItemState.PENDING).update(
        state=ItemState.EXPIRED, answered_at=now
    )
    closed = PlacementRequest.objects.filter(pk__in=due, status=RequestStatus.OPEN).update(
        status=RequestStatus.CLOSED, closed_at=now
    )
    if base_url:
        for request in PlacementRequest.objects.filter(pk__in=due).select_related("created_by"):
            creator = request.created_by
            if creator is not None and creator.is_active:
                notify.request_expired(
                    base_url=base_url, code=request.municipality_id, request_id=request.pk, to=[creator.email]
                )
    return closed


# --- Stays --------------------------------------------------------------------------


@transaction.atomic
def stay_create_own(
    *,
    actor: User,
    jour: Jour,
    unit: HousingUnit,
    adults: int,
    children: list[Child],
    start: date,
    case_reference: str = "",
) -> Stay:
    """Protection the jour gives itself, without social services: no placing municipality."""
    today = stockholm_today()
    errors = needs_problems(adults=adults, children=children)
    if unit.jour_id != jour.pk:
        errors["unit"] = [_("Choose one of the jour's units.")]
    if start > today + timedelta(days=LATEST_START_DAYS) or start < today - timedelta(days=31):
        errors["start"] = [_("The start date must be within a month back and a year ahead.")]
    if case_reference:
        problem = case_reference_problem(case_reference)
        if problem:
            errors["case_reference"] = [problem]
    if errors:
        raise ValidationError(errors)
    stay = Stay.objects.create(
        jour=jour, unit=unit, municipality=None, case_reference=case_reference, start=start
    )
    _people_create(stay=stay, adults=adults, children=children, daily_rate_woman=None, daily_rate_child=None)
    # Her places are taken as with a placement: ending the stay gives them back.
    _places_taken(unit_id=unit.pk, adults=adults, children=len(children))
    audit_record(
        action=AuditAction.PLACEMENT_CHANGED,
        actor=actor,
        jour=jour,
        target=f"placement:{stay.pk}",
        detail="created",
    )
    return stay


@transaction.atomic
def stay_end(*, actor: User, stay: Stay, end: date, today: date | None = None) -> Stay:
    """End a stay: every person still placed leaves on ``end``; nights are computed per person.
    The places they held are free again (within the unit's places)."""
    today = today or stockholm_today()
    locked = Stay.objects.select_for_update().get(pk=stay.pk)
    if locked.end is not None:
        raise ValidationError(_("This placement has already ended."))
    _check_end(end=end, start=locked.start, today=today)
    people = list(Placement.objects.filter(stay=locked, end__isnull=True))
    for person in people:
        person.end = max(end, person.start)
        person.nights = nights(person.start, person.end)
    Placement.objects.bulk_update(people, ["end", "nights"])
    locked.end = end
    locked.save(update_fields=["end"])
    if locked.unit_id is not None:
        women = sum(1 for p in people if p.kind == PersonKind.WOMAN)
        _places_free_again(unit_id=locked.unit_id, women=women, children=len(people) - women)
    audit_record(
        action=AuditAction.PLACEMENT_CHANGED,
        actor=actor,
        jour=locked.jour,
        target=f"placement:{locked.pk}",
        detail="ended",
    )
    return locked


@transaction.atomic
def placement_person_end(
    *, actor: User, placement: Placement, end: date, today: date | None = None
) -> Placement:
    """One person moves out before the others (each child is decided individually): her
    nights are counted, her place is free again; the last one out ends the stay."""
    today = today or stockholm_today()
    stay = Stay.objects.select_for_update().get(pk=placement.stay_id)
    locked = Placement.objects.select_for_update().get(pk=placement.pk)
    if locked.end is not None or stay.end is not None:
        raise ValidationError(_("This person has already moved out."))
    _check_end(end=end, start=locked.start, today=today)
    locked.end = end
    locked.nights = nights(locked.start, end)
    locked.save(update_fields=["end", "nights"])
    if stay.unit_id is not None:
        woman = locked.kind == PersonKind.WOMAN
        _places_free_again(unit_id=stay.unit_id, women=int(woman), children=int(not woman))
    if not Placement.objects.filter(stay=stay, end__isnull=True).exists():
        stay.end = max(d for d in Placement.objects.filter(stay=stay).values_list("end", flat=True) if d)
        stay.save(update_fields=["end"])
    audit_record(
        action=AuditAction.PLACEMENT_CHANGED,
        actor=actor,
        jour=stay.jour,
        target=f"placement:{stay.pk}",
        detail=f"person {locked.pk} moved out",
    )
    return locked


def _check_end(*, end: date, start: date, today: date) -> None:
    if end < start:
        message = _("The end date cannot be before the start (%(start)s).") % {"start": start.isoformat()}
        raise ValidationError({"end": [message]})
    if end > today:
        raise ValidationError({"end": [_("The end date cannot be in the future.")]})


def _places_free_again(*, unit_id: int, women: int, children: int) -> None:
    """People moved out: their places are free again, never more than the unit has."""
    HousingUnit.objects.filter(pk=unit_id).update(
        free_adults=_capped_plus("free_adults", "places_adults", women),
        free_children=_capped_plus("free_children", "places_children", children),
    )


def _capped_plus(free: str, places: str, amount: int) -> Case:
    """``free + amount`` but never above the places, in SQL."""
    return Case(
        When(**{f"{free}__lte": F(places) - amount}, then=F(free) + amount),
        default=F(places),
        output_field=IntegerField(),
    )


# --- Turned away --------------------------------------------------------------------


@transaction.atomic
def turned_away_log(
    *, jour: Jour, day: date, reason: str, women: int, children: int, today: date | None = None
) -> TurnedAway:
    """An enquiry the jour could not take, logged by hand (counted by month; no time, no who)."""
    today = today or stockholm_today()
    errors: dict[str, list[str]] = {}
    if day > today:
        errors["day"] = [_("The date cannot be in the future.")]
    elif day < today - timedelta(days=400):
        errors["day"] = [_("The date can be at most about a year back.")]
    if reason not in TurnedAwayReason.values:
        errors["reason"] = [_("Choose a reason from the list.")]
    if not 1 <= women <= MAX_ADULTS:
        errors["women"] = [_("Women: between 1 and %(n)d.") % {"n": MAX_ADULTS}]
    if not 0 <= children <= MAX_CHILDREN * 2:
        errors["children"] = [_("Children: between 0 and %(n)d.") % {"n": MAX_CHILDREN * 2}]
    if errors:
        raise ValidationError(errors)
    return TurnedAway.objects.create(
        jour=jour,
        month=day.replace(day=1),
        reason=reason,
        source=TurnedAwaySource.ENQUIRY,
        women=women,
        children=children,
    )


# --- Retention ----------------------------------------------------------------------


@dataclass(frozen=True)
class Purged:
    references_cleared: int
    stays_deleted: int
    placements_deleted: int
    requests_deleted: int
    turned_away_deleted: int


@transaction.atomic
def housing_purge(*, today: date | None = None) -> Purged:
    """Clear case references HOUSING_CASE_REFERENCE_DAYS after a stay ended or a request
    closed; delete counts older than HOUSING_KEEP_COUNTS_DAYS."""
    today = today or stockholm_today()
    reference_cutoff = today - timedelta(days=settings.HOUSING_CASE_REFERENCE_DAYS)
    counts_cutoff = today - timedelta(days=settings.HOUSING_KEEP_COUNTS_DAYS)
    placements, _detail = Placement.objects.filter(stay__end__lt=counts_cutoff).delete()
    _total, per_model = Stay.objects.filter(end__lt=counts_cutoff).delete()
    stays = per_model.get("housing.Stay", 0)
    old = datetime.combine(counts_cutoff, datetime.min.time(), tzinfo=STOCKHOLM)
    requests = PlacementRequest.objects.filter(closed_at__lt=old).exclude(stay__end__gte=counts_cutoff)
    requests = requests.exclude(stay__isnull=False, stay__end__isnull=True)
    _total, per_model = requests.delete()
    request_count = per_model.get("housing.PlacementRequest", 0)
    turned, _detail = TurnedAway.objects.filter(month__lt=counts_cutoff.replace(day=1)).delete()
    cleared = (
        Stay.objects.filter(end__lt=reference_cutoff).exclude(case_reference="").update(case_reference="")
    )
    # A request's reference goes with its stay's end, or its own closing when it led to none.
    closed_before = datetime.combine(reference_cutoff, datetime.min.time(), tzinfo=STOCKHOLM)
    cleared += (
        PlacementRequest.objects.exclude(case_reference="")
        .filter(Q(stay__isnull=True, closed_at__lt=closed_before) | Q(stay__end__lt=reference_cutoff))
        .update(case_reference="")
    )
    result = Purged(cleared, stays, placements, request_count, turned)
    if any(result.__dict__.values()):
        audit_record(
            action=AuditAction.RECORDS_PURGED,
            national=True,
            target="housing",
            detail=(
                f"references {cleared}, stays {stays}, placements {placements}, "
                f"requests {request_count}, turned away {turned}"
            ),
        )
    return result
