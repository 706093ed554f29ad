"""Units and their vacancies: the unit's facts (permit, security, staffing, features) and
the free places the jour confirms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fristad.accounts.models import AuditAction, User
from fristad.accounts.services import audit_record
from fristad.directory.models import Jour, Language
from fristad.geo.models import Municipality
from fristad.housing.matching import MAX_CHILD_AGE
from fristad.housing.models import (
    HousingUnit,
    PermitStatus,
    SecurityLevel,
    StaffedHours,
)
from fristad.housing.services._common import stockholm_today

MAX_PLACES = 60


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
    errors.update(_places_errors(data))
    unknown = [code for code in data.languages if code not in Language.values]
    if unknown:
        errors["languages"] = [_("Choose languages from the list.")]
    return errors


def _places_errors(data: UnitData) -> dict[str, list[str]]:
    """The places, and the limits on children, within bounds."""
    errors: dict[str, list[str]] = {}
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
