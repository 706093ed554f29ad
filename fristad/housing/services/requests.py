"""Placement requests: a caseworker sends one to up to ten units, each jour accepts or
declines, the caseworker may cancel.

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
from django.utils import timezone
from django.utils.translation import gettext as _

from fristad.accounts.models import AuditAction, User
from fristad.accounts.services import audit_record
from fristad.directory.hours import STOCKHOLM
from fristad.directory.models import Language
from fristad.geo.models import Municipality
from fristad.housing import notify
from fristad.housing.matching import Child, Needs, case_reference_problem
from fristad.housing.models import (
    DeclineReason,
    HousingUnit,
    ItemState,
    PermitStatus,
    PlacementRequest,
    RequestItem,
    RequestStatus,
    SecurityLevel,
    Stay,
    TurnedAway,
    TurnedAwayReason,
    TurnedAwaySource,
)
from fristad.housing.selectors import housing_contacts
from fristad.housing.services._common import (
    LATEST_START_DAYS,
    needs_problems,
    people_create,
    places_taken,
)

MAX_UNITS_PER_REQUEST = 10


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
    people_create(
        stay=stay,
        adults=request.adults,
        children=[Child(int(c["age"]), str(c["sex"])) for c in request.children],
        daily_rate_woman=daily_rate_woman,
        daily_rate_child=daily_rate_child,
    )
    places_taken(unit_id=locked.unit_id, adults=request.adults, children=len(request.children))
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
