"""FICTIONAL demo stödperson cases at the demo jourer, for the demo staff to click through.

Only with settings.DEMO_MODE on (the ``demo`` command calls it after the demo staff);
never in production. Aliases are invented and marked "(demo)"; the call-back numbers
are from PTS's series reserved for fiction (070-174 06 xx). Rebuilding replaces the
previous demo cases and their anonymous counts.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from fristad.accounts.demo import DEMO_JOUR_SLUGS
from fristad.accounts.models import JOUR_ROLES, Membership, User
from fristad.directory.hours import STOCKHOLM
from fristad.directory.models import Jour
from fristad.support import services
from fristad.support.models import SupportAppointmentCount, SupportCase
from fristad.support.rules import stockholm_date, stockholm_instant

DEMO_MARK = "(demo)"
# (alias, call-back number, [(days from today, hour, kind, place)])
PLAN: list[tuple[str, str, list[tuple[int, int, str, str]]]] = [
    (
        "Alva (demo)",
        "070-174 06 91",
        [(2, 10, "police", "Polisstationen (demo)"), (9, 13, "lawyer", "Advokatbyrån (demo)")],
    ),
    ("Stjärnan (demo)", "", [(4, 9, "social_services", "Socialkontoret (demo)")]),
    (
        "Mira (demo)",
        "070-174 06 92",
        [(-20, 14, "court", "Tingsrätten (demo)"), (1, 15, "health_care", "Vårdcentralen (demo)")],
    ),
]


class DemoModeOff(Exception):
    """Demo cases are refused unless DEMO_MODE is on."""


def _remove_previous(jour: Jour) -> None:
    for case in SupportCase.objects.filter(jour=jour, alias__endswith=DEMO_MARK).prefetch_related(
        "appointments"
    ):
        for appointment in case.appointments.filter(cancelled_at__isnull=True):
            row = (
                SupportAppointmentCount.objects.filter(
                    jour=jour, date=stockholm_date(appointment.start), kind=appointment.kind
                )
                .values_list("pk", flat=True)
                .first()
            )
            if row is not None:
                SupportAppointmentCount.objects.filter(pk=row).delete()
        case.delete()


@transaction.atomic
def demo_support_remove() -> None:
    """Delete the demo jourer's cases and their counts. Call it before the demo jourer are
    deleted: a removed jour's counts are kept (jour set to NULL) as a former member's."""
    for jour in Jour.objects.filter(is_demo=True):
        _remove_previous(jour)


@transaction.atomic
def demo_support_build() -> str:
    """(Re)create the demo cases; returns a line for the command to print."""
    if not settings.DEMO_MODE:
        raise DemoModeOff("Demo support cases are only created with FRISTAD_DEMO=1 (never in production).")
    today = timezone.now().astimezone(STOCKHOLM).date()
    made = 0
    for jour in Jour.objects.filter(slug__in=DEMO_JOUR_SLUGS):
        people: list[User] = [
            m.user
            for m in Membership.objects.select_related("user")
            .filter(jour=jour, role__in=JOUR_ROLES)
            .order_by("user__email")
        ]
        if not people:
            continue
        _remove_previous(jour)
        for alias, phone, appointments in PLAN:
            case = services.support_case_open(actor=people[0], jour=jour, alias=alias, phone=phone)
            for days, hour, kind, place in appointments:
                start: datetime = stockholm_instant(today + timedelta(days=days), time(hour))
                services.appointment_create(
                    actor=people[0],
                    case=case,
                    kind=kind,
                    start=start,
                    end=start + timedelta(hours=1, minutes=30),
                    place=place,
                    people=people[-2:],
                )
            made += 1
    return f"Demo stödperson cases (FICTIONAL): {made} created."
