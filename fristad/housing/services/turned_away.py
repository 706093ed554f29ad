"""Enquiries the jour could not take, logged by hand."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fristad.directory.models import Jour
from fristad.housing.models import (
    TurnedAway,
    TurnedAwayReason,
    TurnedAwaySource,
)
from fristad.housing.services._common import MAX_ADULTS, MAX_CHILDREN, stockholm_today


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
