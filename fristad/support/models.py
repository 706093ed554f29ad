"""Stödperson: a support case, its appointments, and the anonymous count that outlives them.

A case holds only what the woman chose to give: a first name or alias, and if she
wishes a call-back number (encrypted at rest). Nothing else about her, no free-text
notes. A closed case is deleted with its appointments some time after its last
appointment (``SUPPORT_PURGE_AFTER_DAYS``, ``purge_support_cases``).

``SupportAppointmentCount`` is the anonymous trace for the statistics: one row per
appointment held or planned (jour, date, kind), with a random key and no link to the
case, the appointment or a person. Rows are interchangeable, so a cancelled or moved
appointment removes *a* row with the same jour, date and kind; nothing has to point at
the appointment it came from, and nothing can be joined back.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fristad.directory.models import Jour
from fristad.web.crypto import EncryptedTextField


class AppointmentKind(models.TextChoices):
    POLICE = "police", _("Police")
    LAWYER = "lawyer", _("Lawyer or målsägandebiträde")
    SOCIAL_SERVICES = "social_services", _("Social services")
    COURT = "court", _("Court")
    HEALTH_CARE = "health_care", _("Health care")
    OTHER = "other", _("Other")


class SupportCase(models.Model):
    """One woman's request for a support person, at one jour. Open while ``closed_at`` is empty."""

    jour = models.ForeignKey(Jour, on_delete=models.CASCADE, related_name="support_cases")
    # A first name or an alias she chooses; never a full name or a personnummer.
    alias = models.CharField(max_length=40)
    # Only if she wishes call-backs; normalized digits (and a leading +), encrypted.
    phone = EncryptedTextField(blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["jour", "closed_at"], name="support_case_jour_closed")]

    def __str__(self) -> str:
        # Never the alias: this string may end up in a log.
        return f"support case {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Appointment(models.Model):
    """A time she is accompanied somewhere (police, lawyer, court...) by one or more jourkvinnor."""

    case = models.ForeignKey(SupportCase, on_delete=models.CASCADE, related_name="appointments")
    kind = models.CharField(max_length=16, choices=AppointmentKind.choices)
    start = models.DateTimeField()
    end = models.DateTimeField()
    # Short, like "Polishuset, Kungsholmsgatan": shown in Fristad only, never in a feed.
    place = models.CharField(max_length=80, blank=True)
    people = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="support_appointments", blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["case", "start"], name="support_appointment_case")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="support_appointment_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=AppointmentKind.values), name="support_appointment_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"appointment {self.pk}"


class SupportAppointmentCount(models.Model):
    """One support appointment, counted anonymously: which jour, which day, what kind.

    Survives the purge of its case. Read by the statistics (count rows by jour, date, kind).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # SET_NULL: the national totals survive a jour's removal.
    jour = models.ForeignKey(
        Jour, null=True, on_delete=models.SET_NULL, related_name="support_appointment_counts"
    )
    date = models.DateField()
    kind = models.CharField(max_length=16, choices=AppointmentKind.choices)

    class Meta:
        indexes = [models.Index(fields=["jour", "date"], name="support_count_jour_date")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=AppointmentKind.values), name="support_count_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.kind}"
