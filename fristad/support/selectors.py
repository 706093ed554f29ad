"""Reads of support cases, scoped to her own jour, and audit-logged.

Only the jour's coordinator and jourkvinnor see its cases; the national office and
caseworkers never do. Everything goes through ``accounts.selectors.jour_membership``: a
jour she does not work at, or a case of another jour, is "not found" (404), exactly like
a missing one. Every read that shows a case (its alias, its number) writes a
SENSITIVE_READ entry naming the case by number only; the forms that change a case read
it through ``*_for_change`` and the service logs the change instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Min, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from fristad.accounts.appointments import PersonalAppointment
from fristad.accounts.models import JOUR_ROLES, AuditAction, Membership, User
from fristad.accounts.selectors import jour_membership
from fristad.accounts.services import audit_record
from fristad.directory.models import Jour
from fristad.support.models import Appointment, AppointmentKind, SupportCase
from fristad.support.rules import purge_due_at
from fristad.support.services import case_target, purge_keep


def support_jour(*, user: User, jour_id: int) -> Jour:
    """Her jour, if she is its coordinator or a jourkvinna there; else 404."""
    jour = jour_membership(user=user, jour_id=jour_id, roles=JOUR_ROLES).jour
    if jour is None:  # pragma: no cover - a jour role always has a jour (a database constraint)
        raise Http404
    return jour


def _read(*, user: User, jour: Jour, target: str, detail: str = "") -> None:
    audit_record(action=AuditAction.SENSITIVE_READ, actor=user, jour=jour, target=target, detail=detail)


@dataclass(frozen=True)
class CaseRow:
    case: SupportCase
    next_start: datetime | None
    purge_at: datetime | None


def support_case_overview(*, user: User, jour_id: int, now: datetime) -> tuple[list[CaseRow], list[CaseRow]]:
    """Her jour's open cases (with the next appointment) and closed ones (with their
    deletion date). Audit-logged as one read of the list."""
    jour = support_jour(user=user, jour_id=jour_id)
    cases = list(
        SupportCase.objects.filter(jour=jour)
        .annotate(
            next_start=Min(
                "appointments__start",
                filter=Q(appointments__start__gte=now, appointments__cancelled_at__isnull=True),
            )
        )
        .prefetch_related(Prefetch("appointments", queryset=Appointment.objects.only("case_id", "end")))
        .order_by("alias", "pk")
    )
    open_rows, closed_rows = [], []
    for case in cases:
        if case.closed_at is None:
            open_rows.append(CaseRow(case, case.next_start, None))
        else:
            due = purge_due_at(
                closed_at=case.closed_at,
                appointment_ends=[a.end for a in case.appointments.all()],
                keep=purge_keep(),
            )
            closed_rows.append(CaseRow(case, None, due))
    open_rows.sort(key=lambda row: (row.next_start is None, row.next_start or now, row.case.alias))
    _read(user=user, jour=jour, target="support case list", detail=f"{len(cases)} cases listed")
    return open_rows, closed_rows


def _case(*, user: User, jour_id: int, case_id: int) -> SupportCase:
    jour = support_jour(user=user, jour_id=jour_id)
    case = SupportCase.objects.select_related("jour").filter(pk=case_id, jour=jour).first()
    if case is None:
        raise Http404
    return case


def support_case_read(*, user: User, jour_id: int, case_id: int) -> SupportCase:
    """One case of her jour, to show it. Audit-logged."""
    case = _case(user=user, jour_id=jour_id, case_id=case_id)
    _read(user=user, jour=case.jour, target=case_target(case))
    return case


def support_case_for_change(*, user: User, jour_id: int, case_id: int) -> SupportCase:
    """One case of her jour, for a service that changes it (and logs the change)."""
    return _case(user=user, jour_id=jour_id, case_id=case_id)


def case_appointments(case: SupportCase) -> QuerySet[Appointment]:
    """The appointments of a case already read through a scoped selector."""
    return case.appointments.prefetch_related("people").order_by("start", "pk")


def appointment_for_change(*, user: User, jour_id: int, case_id: int, appointment_id: int) -> Appointment:
    case = _case(user=user, jour_id=jour_id, case_id=case_id)
    appointment = (
        Appointment.objects.select_related("case__jour")
        .prefetch_related("people")
        .filter(pk=appointment_id, case=case)
        .first()
    )
    if appointment is None:
        raise Http404
    return appointment


def support_people(*, user: User, jour_id: int) -> list[Membership]:
    """Who at her jour may go with her: its coordinators and jourkvinnor."""
    support_jour(user=user, jour_id=jour_id)
    return list(
        Membership.objects.select_related("user")
        .filter(jour_id=jour_id, role__in=JOUR_ROLES, user__is_active=True)
        .order_by("user__full_name", "user__email")
    )


def my_appointments(*, user: User, jour_id: int, since: datetime) -> list[Appointment]:
    """Her own coming appointments at her jour (not cancelled). Audit-logged: they show aliases."""
    jour = support_jour(user=user, jour_id=jour_id)
    found = list(
        Appointment.objects.filter(people=user, case__jour=jour, cancelled_at__isnull=True, end__gte=since)
        .select_related("case")
        .prefetch_related("people")
        .order_by("start", "pk")
    )
    _read(user=user, jour=jour, target="own support appointments", detail=f"{len(found)} appointments listed")
    return found


def personal_appointments(user: User, start: datetime, end: datetime) -> list[PersonalAppointment]:
    """The provider for her schedule and calendar feed (``accounts.appointments``): her
    appointments at jourer she still belongs to, as a kind and a time. No alias, phone or
    place, and not audit-logged, because nothing in it points at the woman."""
    if not getattr(user, "pk", None):
        return []
    jour_ids = Membership.objects.filter(user=user, role__in=JOUR_ROLES, jour__is_active=True).values(
        "jour_id"
    )
    rows = Appointment.objects.filter(
        people=user,
        case__jour_id__in=jour_ids,
        cancelled_at__isnull=True,
        start__lt=end,
        end__gt=start,
    ).values_list("pk", "case__jour_id", "kind", "start", "end")
    return [
        PersonalAppointment(
            uid=f"support-{pk}@fristad",
            jour_id=jour_id,
            start=begins,
            end=ends,
            summary=_("Stödperson: %(kind)s") % {"kind": AppointmentKind(kind).label},
        )
        for pk, jour_id, kind, begins, ends in rows
    ]
