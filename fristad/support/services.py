"""Writes of the support app, each in one transaction and audit-logged.

Audit entries name a case by its number only ("support case 12"), never by the alias,
and never carry the phone number or the place.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from fristad.accounts.models import JOUR_ROLES, AuditAction, Membership, User
from fristad.accounts.services import audit_record
from fristad.directory.models import Jour
from fristad.support.models import Appointment, AppointmentKind, SupportAppointmentCount, SupportCase
from fristad.support.rules import (
    MAX_APPOINTMENT,
    RuleError,
    clean_alias,
    clean_phone,
    clean_place,
    purge_due_at,
    stockholm_date,
)


def _checked(clean: Callable[[str], str], value: str) -> str:
    try:
        return clean(value)
    except RuleError as problem:
        raise ValidationError(str(problem)) from None


def case_target(case: SupportCase) -> str:
    """How the audit log names a case: its number, never the alias."""
    return f"support case {case.pk}"


def _audit(*, actor: User, case: SupportCase, detail: str) -> None:
    audit_record(
        action=AuditAction.SUPPORT_CASE_CHANGED,
        actor=actor,
        jour=case.jour,
        target=case_target(case),
        detail=detail,
    )


@transaction.atomic
def support_case_open(*, actor: User, jour: Jour, alias: str, phone: str = "") -> SupportCase:
    case = SupportCase.objects.create(
        jour=jour, alias=_checked(clean_alias, alias), phone=_checked(clean_phone, phone)
    )
    _audit(actor=actor, case=case, detail="opened" + (" with a call-back number" if case.phone else ""))
    return case


@transaction.atomic
def support_case_update(*, actor: User, case: SupportCase, alias: str, phone: str) -> SupportCase:
    new_alias, new_phone = _checked(clean_alias, alias), _checked(clean_phone, phone)
    changed = [
        name
        for name, old, new in (("alias", case.alias, new_alias), ("phone", case.phone, new_phone))
        if old != new
    ]
    if not changed:
        return case
    case.alias, case.phone = new_alias, new_phone
    case.save(update_fields=["alias", "phone"])
    _audit(actor=actor, case=case, detail="changed: " + ", ".join(changed))
    return case


@transaction.atomic
def support_case_close(*, actor: User, case: SupportCase, now: datetime) -> SupportCase:
    if case.closed_at is not None:
        raise ValidationError(_("The case is already closed."))
    case.closed_at = now
    case.save(update_fields=["closed_at"])
    # Coming appointments are off: out of the calendars and the counts.
    coming = list(case.appointments.filter(start__gt=now, cancelled_at__isnull=True))
    for appointment in coming:
        appointment.cancelled_at = now
        appointment.save(update_fields=["cancelled_at"])
        _count_remove(jour=case.jour, start=appointment.start, kind=appointment.kind)
    _audit(actor=actor, case=case, detail=f"closed, {len(coming)} coming appointments cancelled")
    return case


@transaction.atomic
def support_case_reopen(*, actor: User, case: SupportCase) -> SupportCase:
    if case.closed_at is None:
        raise ValidationError(_("The case is already open."))
    case.closed_at = None
    case.save(update_fields=["closed_at"])
    _audit(actor=actor, case=case, detail="reopened")
    return case


# --- Appointments -----------------------------------------------------------------------


def _check_appointment(
    *, case: SupportCase, kind: str, start: datetime, end: datetime, people: Iterable[User]
) -> list[User]:
    if case.closed_at is not None:
        raise ValidationError(_("The case is closed. Reopen it to plan appointments."))
    if kind not in AppointmentKind.values:
        raise ValidationError(_("Choose what kind of appointment it is."))
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("appointment times must be aware datetimes")
    if end <= start:
        raise ValidationError(_("The appointment must end after it starts (on the same day)."))
    if end - start > MAX_APPOINTMENT:
        raise ValidationError(_("An appointment can be at most 12 hours long."))
    chosen = {person.pk: person for person in people}
    if not chosen:
        raise ValidationError(_("Choose at least one jourkvinna to go with her."))
    members = set(
        Membership.objects.filter(jour=case.jour, role__in=JOUR_ROLES, user_id__in=chosen).values_list(
            "user_id", flat=True
        )
    )
    if members != set(chosen):
        raise ValidationError(_("Only people at this jour can be assigned."))
    return list(chosen.values())


def _count_add(*, jour: Jour, start: datetime, kind: str) -> None:
    SupportAppointmentCount.objects.create(jour=jour, date=stockholm_date(start), kind=kind)


def _count_remove(*, jour: Jour, start: datetime, kind: str) -> None:
    """Remove one row of that jour, day and kind: the rows are interchangeable."""
    row = (
        SupportAppointmentCount.objects.filter(jour=jour, date=stockholm_date(start), kind=kind)
        .values_list("pk", flat=True)
        .first()
    )
    if row is not None:
        SupportAppointmentCount.objects.filter(pk=row).delete()


@transaction.atomic
def appointment_create(
    *,
    actor: User,
    case: SupportCase,
    kind: str,
    start: datetime,
    end: datetime,
    place: str,
    people: Iterable[User],
) -> Appointment:
    assigned = _check_appointment(case=case, kind=kind, start=start, end=end, people=people)
    appointment = Appointment.objects.create(
        case=case, kind=kind, start=start, end=end, place=_checked(clean_place, place)
    )
    appointment.people.set(assigned)
    _count_add(jour=case.jour, start=start, kind=kind)
    _audit(
        actor=actor, case=case, detail=f"appointment {appointment.pk} added: {kind} {stockholm_date(start)}"
    )
    return appointment


@transaction.atomic
def appointment_update(
    *,
    actor: User,
    appointment: Appointment,
    kind: str,
    start: datetime,
    end: datetime,
    place: str,
    people: Iterable[User],
) -> Appointment:
    case = appointment.case
    if appointment.cancelled_at is not None:
        raise ValidationError(_("The appointment is cancelled and cannot be changed."))
    assigned = _check_appointment(case=case, kind=kind, start=start, end=end, people=people)
    old_day, old_kind = stockholm_date(appointment.start), appointment.kind
    if (old_day, old_kind) != (stockholm_date(start), kind):
        _count_remove(jour=case.jour, start=appointment.start, kind=old_kind)
        _count_add(jour=case.jour, start=start, kind=kind)
    appointment.kind, appointment.start, appointment.end = kind, start, end
    appointment.place = _checked(clean_place, place)
    appointment.save(update_fields=["kind", "start", "end", "place"])
    appointment.people.set(assigned)
    _audit(
        actor=actor, case=case, detail=f"appointment {appointment.pk} changed: {kind} {stockholm_date(start)}"
    )
    return appointment


@transaction.atomic
def appointment_cancel(*, actor: User, appointment: Appointment, now: datetime) -> Appointment:
    """A cancelled appointment stays on the case page but leaves calendars and the counts."""
    if appointment.cancelled_at is not None:
        raise ValidationError(_("The appointment is already cancelled."))
    appointment.cancelled_at = now
    appointment.save(update_fields=["cancelled_at"])
    _count_remove(jour=appointment.case.jour, start=appointment.start, kind=appointment.kind)
    _audit(actor=actor, case=appointment.case, detail=f"appointment {appointment.pk} cancelled")
    return appointment


# --- Purge ------------------------------------------------------------------------------


def purge_keep() -> timedelta:
    return timedelta(days=settings.SUPPORT_PURGE_AFTER_DAYS)


@transaction.atomic
def support_cases_purge(*, now: datetime) -> int:
    """Delete every closed case whose time has come, with its appointments; the anonymous
    counts stay. One audit entry per jour with how many went. Returns the number deleted."""
    keep = purge_keep()
    candidates = (
        SupportCase.objects.filter(closed_at__isnull=False, closed_at__lte=now - keep)
        .annotate(last_end=Max("appointments__end"))
        .select_related("jour")
    )
    due: dict[Jour, list[int]] = defaultdict(list)
    for case in candidates:
        assert case.closed_at is not None
        ends = [case.last_end] if case.last_end is not None else []
        if purge_due_at(closed_at=case.closed_at, appointment_ends=ends, keep=keep) <= now:
            due[case.jour].append(case.pk)
    total = 0
    for jour, ids in due.items():
        SupportCase.objects.filter(pk__in=ids).delete()
        total += len(ids)
        audit_record(
            action=AuditAction.RECORDS_PURGED,
            jour=jour,
            target="support cases",
            detail=f"{len(ids)} closed support cases deleted after {keep.days} days",
        )
    return total
