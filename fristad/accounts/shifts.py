"""Jourschema writes: shifts, swaps, the calendar feed. (Reads are in selectors.)"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fristad.accounts.models import CalendarFeed, Membership, Shift, User
from fristad.accounts.schedule import ShiftSpan, overlapping, validate_shift
from fristad.accounts.tokens import token_hash
from fristad.directory.models import Jour, Phone


def _check_no_overlap(*, person: User, start: datetime, end: datetime, exclude: int | None = None) -> None:
    others = Shift.objects.filter(person=person, start__lt=end, end__gt=start)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.exists():
        raise ValidationError(_("She already has a shift at that time."))


@transaction.atomic
def shift_create(
    *,
    actor: User,
    jour: Jour,
    kind: str,
    start: datetime,
    end: datetime,
    person: User | None = None,
    phone: Phone | None = None,
) -> Shift:
    problems = validate_shift(start=start, end=end)
    if problems:
        raise ValidationError(problems)
    if person is not None:
        if not Membership.objects.filter(user=person, jour=jour).exists():
            raise ValidationError(_("She does not belong to this jour."))
        _check_no_overlap(person=person, start=start, end=end)
    if phone is not None and phone.jour_id != jour.pk:
        raise ValidationError(_("That phone belongs to another jour."))
    return Shift.objects.create(
        jour=jour, kind=kind, start=start, end=end, person=person, phone=phone, created_by=actor
    )


@transaction.atomic
def shift_delete(*, shift: Shift) -> None:
    shift.delete()


@transaction.atomic
def shift_offer(*, actor: User, shift: Shift) -> Shift:
    """She offers her own shift for swap; it stays hers until someone takes it."""
    if shift.person_id != actor.pk:
        raise ValidationError(_("You can only offer your own shifts."))
    if shift.end <= timezone.now():
        raise ValidationError(_("This shift is already over."))
    shift.offered = True
    shift.save(update_fields=["offered"])
    return shift


@transaction.atomic
def shift_withdraw_offer(*, actor: User, shift: Shift) -> Shift:
    if shift.person_id != actor.pk:
        raise ValidationError(_("You can only change your own shifts."))
    shift.offered = False
    shift.save(update_fields=["offered"])
    return shift


@transaction.atomic
def shift_take(*, actor: User, shift_id: int) -> Shift:
    """Take an offered or open shift of her jour. Two takers at once: the first wins."""
    shift = Shift.objects.select_for_update().get(pk=shift_id)
    if shift.person_id == actor.pk:
        raise ValidationError(_("This is already your shift."))
    if shift.person_id is not None and not shift.offered:
        raise ValidationError(_("Someone else has taken this shift."))
    if shift.end <= timezone.now():
        raise ValidationError(_("This shift is already over."))
    if not Membership.objects.filter(user=actor, jour_id=shift.jour_id).exists():
        raise ValidationError(_("She does not belong to this jour."))
    _check_no_overlap(person=actor, start=shift.start, end=shift.end, exclude=shift.pk)
    shift.person = actor
    shift.offered = False
    shift.save(update_fields=["person", "offered"])
    return shift


def shifts_overlapping(shifts: list[Shift]) -> list[tuple[Shift, Shift]]:
    """Pairs of one person's shifts that overlap (a data check for the coordinator)."""
    by_span = {(s.start, s.end, s.person_id): s for s in shifts if s.person_id is not None}
    spans = [ShiftSpan(s.start, s.end, s.person_id) for s in shifts if s.person_id is not None]
    return [
        (by_span[(a.start, a.end, a.person_id)], by_span[(b.start, b.end, b.person_id)])
        for a, b in overlapping(spans)
    ]


@transaction.atomic
def calendar_feed_issue(*, user: User) -> str:
    """A new private feed link; the previous one stops working. Returns the token (shown once)."""
    calendar_feed_revoke(user=user)
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.create(user=user, token_hash=token_hash(token))
    return token


@transaction.atomic
def calendar_feed_revoke(*, user: User) -> None:
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
