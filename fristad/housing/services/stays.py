"""Stays the jour records itself and the end of a stay or of one person's part in it:
nights per person, places free again."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, IntegerField, When
from django.utils.translation import gettext as _

from fristad.accounts.models import AuditAction, User
from fristad.accounts.services import audit_record
from fristad.directory.models import Jour
from fristad.housing.matching import Child, case_reference_problem, nights
from fristad.housing.models import (
    HousingUnit,
    PersonKind,
    Placement,
    Stay,
)
from fristad.housing.services._common import (
    LATEST_START_DAYS,
    needs_problems,
    people_create,
    places_taken,
    stockholm_today,
)


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
    people_create(stay=stay, adults=adults, children=children, daily_rate_woman=None, daily_rate_child=None)
    # Her places are taken as with a placement: ending the stay gives them back.
    places_taken(unit_id=unit.pk, adults=adults, children=len(children))
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
