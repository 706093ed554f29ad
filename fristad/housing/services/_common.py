"""What the housing services share: limits, today in Stockholm, the checks of adults and
children, and the people and places of a stay as it begins."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from fristad.directory.hours import STOCKHOLM
from fristad.housing.matching import MAX_CHILD_AGE, Child
from fristad.housing.models import (
    ChildSex,
    HousingUnit,
    PersonKind,
    Placement,
    Stay,
)

MAX_ADULTS = 4
MAX_CHILDREN = 8
LATEST_START_DAYS = 365


def stockholm_today() -> date:
    return timezone.now().astimezone(STOCKHOLM).date()


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


def _minus(field: str, amount: int) -> Case:
    """``field - amount`` but never below zero, in SQL."""
    return Case(
        When(**{f"{field}__gte": amount}, then=F(field) - amount),
        default=Value(0),
        output_field=IntegerField(),
    )


def places_taken(*, unit_id: int, adults: int, children: int) -> None:
    """A stay begins at the unit: its free places go down (never below zero), in SQL."""
    HousingUnit.objects.filter(pk=unit_id).update(
        free_adults=_minus("free_adults", adults), free_children=_minus("free_children", children)
    )


def people_create(
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
