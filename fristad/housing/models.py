"""Skyddat boende: a jour's housing units, their live vacancies, placement requests from
social services, placements (one row per person) and turned-away counts.

Minimal data: reference codes, dates, counts, ages and sex of children. No names, no
personal identity numbers, nothing about the perpetrator. The street address of a unit
is the one secret here and is encrypted at rest. Statistics read plain columns:
``Placement`` (jour, kind woman/child, start, end, nights) and ``TurnedAway`` (jour,
month, reason, women, children).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fristad.directory.models import Jour
from fristad.geo.models import Municipality
from fristad.web.crypto import EncryptedTextField


def _refuse_removal_while(blocking: Any, message: str) -> None:
    # ``blocking`` is a queryset of the rows Django's delete collector hands ``on_delete``.
    if blocking.exists():
        raise models.ProtectedError(message, set(blocking))


def keep_history_unless_ongoing(collector: Any, field: Any, sub_objs: Any, using: str) -> None:
    """``on_delete`` of a stay's jour. A removed member's ended stays stay in the national
    statistics as a former member's (the jour set to NULL), as its contact records do;
    a jour with a stay still going cannot be removed: end the stay first."""
    _refuse_removal_while(
        sub_objs.filter(end__isnull=True),
        str(_("It still has stays in protected housing that have not ended. End them first.")),
    )
    models.SET_NULL(collector, field, sub_objs, using)


def cascade_unless_pending(collector: Any, field: Any, sub_objs: Any, using: str) -> None:
    """``on_delete`` of a request item's jour: a social services request still waiting for
    this jour's answer keeps the jour (answer or decline it first); answered ones go with it."""
    _refuse_removal_while(
        sub_objs.filter(state=ItemState.PENDING),
        str(_("It still has placement requests waiting for an answer. Answer them first.")),
    )
    models.CASCADE(collector, field, sub_objs, using)


class PermitStatus(models.TextChoices):
    APPLIED = "applied", _("Applied for")
    GRANTED = "granted", _("Granted")
    REVOKED = "revoked", _("Revoked")


class SecurityLevel(models.TextChoices):
    """Ordered: a higher level meets every lower need."""

    BASIC = "basic", _("Basic")
    HIGH = "high", _("High")
    VERY_HIGH = "very_high", _("Very high")


SECURITY_ORDER = {SecurityLevel.BASIC: 0, SecurityLevel.HIGH: 1, SecurityLevel.VERY_HIGH: 2}


class StaffedHours(models.TextChoices):
    OFFICE = "office", _("Office hours")
    EXTENDED = "extended", _("Days and evenings")
    ROUND_THE_CLOCK = "round_the_clock", _("Around the clock")


class HousingUnit(models.Model):
    """One protected-housing unit of a jour. Its location in public terms is its municipality
    (results show the county); the street address is encrypted and shown only to the jour's
    staff with housing rights."""

    jour = models.ForeignKey(Jour, on_delete=models.CASCADE, related_name="housing_units")
    name = models.CharField(_("internal name"), max_length=80)
    address = EncryptedTextField(_("street address"), blank=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(default=True)
    # IVO permit (tillstånd).
    permit_number = models.CharField(_("IVO permit number"), max_length=40, blank=True)
    permit_decided_on = models.DateField(_("IVO decision date"), null=True, blank=True)
    permit_status = models.CharField(
        _("IVO permit status"), max_length=10, choices=PermitStatus.choices, default=PermitStatus.APPLIED
    )
    security_level = models.CharField(
        _("security level"), max_length=10, choices=SecurityLevel.choices, default=SecurityLevel.BASIC
    )
    staffed_hours = models.CharField(
        _("staffed hours"), max_length=16, choices=StaffedHours.choices, default=StaffedHours.OFFICE
    )
    places_adults = models.PositiveSmallIntegerField(_("places for adults"), default=1)
    places_children = models.PositiveSmallIntegerField(_("places for children"), default=0)
    # Features.
    wheelchair_accessible = models.BooleanField(_("wheelchair accessible"), default=False)
    limited_mobility = models.BooleanField(_("adapted for limited mobility"), default=False)
    pets_allowed = models.BooleanField(_("pets allowed"), default=False)
    allergy_rooms = models.BooleanField(_("animal-free rooms for allergy"), default=False)
    max_children = models.PositiveSmallIntegerField(_("maximum number of children"), null=True, blank=True)
    son_age_limit = models.PositiveSmallIntegerField(_("oldest age for sons"), null=True, blank=True)
    accepts_substance_use = models.BooleanField(_("accepts substance use"), default=False)
    mental_health_support = models.BooleanField(_("support for mental ill-health"), default=False)
    languages = models.JSONField(_("languages spoken by staff"), default=list, blank=True)
    self_catering = models.BooleanField(_("self-catering"), default=False)
    enquiry_phone = models.CharField(_("phone for placement enquiries"), max_length=20, blank=True)
    # Live vacancies: set in one step; stale after HOUSING_VACANCY_STALE_HOURS.
    free_adults = models.PositiveSmallIntegerField(default=0)
    free_children = models.PositiveSmallIntegerField(default=0)
    vacancies_confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["jour", "name"]
        indexes = [models.Index(fields=["is_active", "free_adults"], name="housing_unit_vacant")]

    def __str__(self) -> str:
        return self.name


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Waiting for answers")
    PLACED = "placed", _("Placed")
    CLOSED = "closed", _("No place found")
    CANCELLED = "cancelled", _("Cancelled")


class PlacementRequest(models.Model):
    """A caseworker's request for a place, sent to one or several units. No name, no
    personal identity number: the municipality's own case reference and the needs."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    case_reference = models.CharField(max_length=40, blank=True)
    adults = models.PositiveSmallIntegerField(default=1)
    # [{"age": 7, "sex": "girl"}, ...]: ages and sex only.
    children = models.JSONField(default=list, blank=True)
    wheelchair = models.BooleanField(default=False)
    limited_mobility = models.BooleanField(default=False)
    pets = models.BooleanField(default=False)
    allergy = models.BooleanField(default=False)
    language = models.CharField(max_length=3, blank=True)
    substance_use = models.BooleanField(default=False)
    mental_health = models.BooleanField(default=False)
    security_level = models.CharField(max_length=10, choices=SecurityLevel.choices, blank=True)
    desired_start = models.DateField()
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["municipality", "-created_at"], name="housing_request_muni"),
            models.Index(fields=["status", "expires_at"], name="housing_request_expiry"),
        ]


class ItemState(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


class DeclineReason(models.TextChoices):
    FULL = "full", _("Full")
    SON_AGE = "son_age", _("Son's age")
    ACCESSIBILITY = "accessibility", _("Accessibility")
    SUBSTANCE_USE = "substance_use", _("Substance use")
    SECURITY = "security", _("Security")
    OTHER = "other", _("Other")


class RequestItem(models.Model):
    """The request as one unit's jour sees and answers it."""

    request = models.ForeignKey(PlacementRequest, on_delete=models.CASCADE, related_name="items")
    unit = models.ForeignKey(HousingUnit, on_delete=models.CASCADE, related_name="request_items")
    jour = models.ForeignKey(Jour, on_delete=cascade_unless_pending, related_name="+")
    state = models.CharField(max_length=10, choices=ItemState.choices, default=ItemState.PENDING)
    decline_reason = models.CharField(max_length=16, choices=DeclineReason.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-request__created_at", "-id"]
        indexes = [models.Index(fields=["jour", "state"], name="housing_item_jour_state")]
        constraints = [
            models.UniqueConstraint(fields=["request", "unit"], name="housing_item_one_per_unit"),
            # At most one accepted unit per request, whatever the race.
            models.UniqueConstraint(
                fields=["request"], condition=models.Q(state="accepted"), name="housing_item_one_accepted"
            ),
        ]


class Stay(models.Model):
    """One household's stay at a unit: placed by a municipality, or (``municipality`` empty)
    protection the jour gives itself. The people are ``Placement`` rows."""

    # NULL: a former member's (kept for the statistics; see keep_history_unless_ongoing).
    jour = models.ForeignKey(
        Jour, null=True, on_delete=keep_history_unless_ongoing, related_name="housing_stays"
    )
    unit = models.ForeignKey(HousingUnit, null=True, on_delete=models.SET_NULL, related_name="stays")
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    request = models.OneToOneField(
        PlacementRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="stay"
    )
    case_reference = models.CharField(max_length=40, blank=True)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start", "-id"]
        indexes = [
            models.Index(fields=["jour", "end"], name="housing_stay_jour_end"),
            models.Index(fields=["municipality", "-start"], name="housing_stay_muni"),
        ]


class PersonKind(models.TextChoices):
    WOMAN = "woman", _("Woman")
    CHILD = "child", _("Child")


class ChildSex(models.TextChoices):
    GIRL = "girl", _("Girl")
    BOY = "boy", _("Boy")


class Placement(models.Model):
    """One person's placement: the woman and each child are separate rows (each child is
    assessed and decided individually). ``nights`` is set when the placement ends.
    Statistics aggregate these columns directly (jour, kind, start, end, nights)."""

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="people")
    jour = models.ForeignKey(Jour, null=True, on_delete=models.SET_NULL, related_name="+")
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=5, choices=PersonKind.choices)
    child_age = models.PositiveSmallIntegerField(null=True, blank=True)
    child_sex = models.CharField(max_length=4, choices=ChildSex.choices, blank=True)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    nights = models.PositiveIntegerField(null=True, blank=True)
    daily_rate = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["stay", "kind", "id"]
        indexes = [
            models.Index(fields=["jour", "start"], name="housing_placement_jour_start"),
            models.Index(fields=["end"], name="housing_placement_end"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="housing_placement_end_after_start",
            )
        ]


class TurnedAwayReason(models.TextChoices):
    LACK_OF_SPACE = "lack_of_space", _("Lack of space")
    OTHER = "other", _("Other reason")


class TurnedAwaySource(models.TextChoices):
    REQUEST = "request", _("Declined placement request")
    ENQUIRY = "enquiry", _("Enquiry logged by hand")


class TurnedAway(models.Model):
    """A woman (with her children) the jour could not take: a declined request or an enquiry
    logged by hand. Counted per jour and month (``month`` is its first day)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    jour = models.ForeignKey(Jour, null=True, on_delete=models.SET_NULL, related_name="+")
    month = models.DateField()
    reason = models.CharField(max_length=16, choices=TurnedAwayReason.choices)
    source = models.CharField(max_length=8, choices=TurnedAwaySource.choices)
    women = models.PositiveSmallIntegerField(default=1)
    children = models.PositiveSmallIntegerField(default=0)
    item = models.OneToOneField(
        RequestItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="turned_away"
    )

    class Meta:
        indexes = [models.Index(fields=["jour", "month"], name="housing_turned_away_month")]
