"""Reads for staff, scoped in one place.

Every staff view and (later) consumer gets jour-, municipality- and national
records only through these functions. An object outside her scope is "not found"
(404), so that nothing, not even its existence, leaks.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.db.models import QuerySet
from django.http import Http404

from fristad.accounts.coverage import WeekCoverage, week_coverage
from fristad.accounts.models import (
    JOUR_ROLES,
    AuditEvent,
    CalendarFeed,
    Invite,
    Membership,
    PledgeSignature,
    PledgeVersion,
    Role,
    Shift,
    ShiftKind,
    User,
)
from fristad.accounts.schedule import ShiftSpan, coverage_gaps, week_bounds
from fristad.accounts.tokens import token_hash
from fristad.directory.hours import STOCKHOLM
from fristad.directory.models import Jour, Phone
from fristad.directory.selectors import schedule_of

SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def has_second_factor(user: User) -> bool:
    return bool(is_mfa_enabled(user, types=SECOND_FACTORS))


def second_factor_user_ids(user_ids: Collection[int]) -> set[int]:
    """Of these staff, those with a second factor (one query, however many)."""
    rows = Authenticator.objects.filter(user_id__in=list(user_ids), type__in=SECOND_FACTORS)
    return set(rows.values_list("user_id", flat=True))


def pledge_current() -> PledgeVersion | None:
    return PledgeVersion.objects.order_by("-version").first()


def pledge_signed_current(user: User) -> bool:
    current = pledge_current()
    return current is None or PledgeSignature.objects.filter(user=user, version=current).exists()


def pledge_signed_user_ids(user_ids: Collection[int]) -> set[int]:
    """Of these staff, those who signed the current tystnadslöfte (two queries)."""
    current = pledge_current()
    if current is None:
        return set(user_ids)
    rows = PledgeSignature.objects.filter(user_id__in=list(user_ids), version=current)
    return set(rows.values_list("user_id", flat=True))


def memberships_of(user: User) -> list[Membership]:
    return list(
        user.memberships.select_related("jour", "municipality__county").order_by("role", "jour__name")
    )


def is_national_office(user: User) -> bool:
    return user.memberships.filter(role=Role.NATIONAL_OFFICE).exists()


def jour_membership(*, user: User, jour_id: int, roles: tuple[str, ...] = JOUR_ROLES) -> Membership:
    """Her membership of that jour with one of the roles, or 404."""
    membership = (
        Membership.objects.select_related("jour")
        .filter(user=user, jour_id=jour_id, role__in=roles, jour__is_active=True)
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def jour_people(*, user: User, jour_id: int) -> list[Membership]:
    jour_membership(user=user, jour_id=jour_id, roles=(Role.JOUR_ADMIN,))
    return list(Membership.objects.select_related("user").filter(jour_id=jour_id).order_by("user__full_name"))


def jour_person(*, user: User, jour_id: int, membership_id: int) -> Membership:
    jour_membership(user=user, jour_id=jour_id, roles=(Role.JOUR_ADMIN,))
    membership = (
        Membership.objects.select_related("user", "jour").filter(pk=membership_id, jour_id=jour_id).first()
    )
    if membership is None:
        raise Http404
    return membership


def jour_invites_open(*, user: User, jour_id: int) -> QuerySet[Invite]:
    jour_membership(user=user, jour_id=jour_id, roles=(Role.JOUR_ADMIN,))
    return Invite.objects.filter(jour_id=jour_id, accepted_at__isnull=True, revoked_at__isnull=True).order_by(
        "-created_at"
    )


def jour_invite(*, user: User, jour_id: int, invite_id: int) -> Invite:
    invite = jour_invites_open(user=user, jour_id=jour_id).filter(pk=invite_id).first()
    if invite is None:
        raise Http404
    return invite


def jour_pledge_status(*, user: User, jour_id: int) -> list[tuple[Membership, PledgeSignature | None]]:
    """Who at her jour has signed the current tystnadslöfte (the jour admin's view)."""
    people = jour_people(user=user, jour_id=jour_id)
    current = pledge_current()
    signed: dict[int, PledgeSignature] = {}
    if current is not None:
        signed = {
            s.user_id: s
            for s in PledgeSignature.objects.filter(version=current, user__in=[m.user for m in people])
        }
    return [(m, signed.get(m.user_id)) for m in people]


def jour_audit_events(*, user: User, jour_id: int, limit: int = 200) -> list[AuditEvent]:
    jour_membership(user=user, jour_id=jour_id, roles=(Role.JOUR_ADMIN,))
    return list(AuditEvent.objects.filter(jour_id=jour_id).select_related("jour")[:limit])


def _require_national(user: User) -> None:
    if not is_national_office(user):
        raise Http404


def national_audit_events(*, user: User, limit: int = 200) -> list[AuditEvent]:
    _require_national(user)
    return list(AuditEvent.objects.filter(national=True).select_related("jour")[:limit])


def national_member_jourer(*, user: User) -> list[Jour]:
    """The member list: jourer and their public facts; never a jour's case-level records."""
    _require_national(user)
    return list(
        Jour.objects.select_related("home_municipality__county").order_by("home_municipality__county", "name")
    )


def national_member_jour(*, user: User, jour_id: int) -> Jour:
    _require_national(user)
    jour = Jour.objects.filter(pk=jour_id).first()
    if jour is None:
        raise Http404
    return jour


# --- Jourschema -------------------------------------------------------------------


@dataclass(frozen=True)
class WeekDay:
    day: date
    shifts: list[Shift]


@dataclass(frozen=True)
class PhoneGaps:
    phone: Phone
    gaps: list[tuple[datetime, datetime]]


def jour_week(*, user: User, jour_id: int, day: date) -> tuple[Jour, list[WeekDay]]:
    """Her jour's shifts in the week of ``day``, by Stockholm day. Any member may see them."""
    membership = jour_membership(user=user, jour_id=jour_id)
    start, end = week_bounds(day)
    shifts = list(
        Shift.objects.filter(jour_id=jour_id, start__lt=end, end__gt=start)
        .select_related("person", "phone")
        .order_by("start")
    )
    days = []
    first = start.astimezone(STOCKHOLM).date()
    for offset in range(7):
        current = first + timedelta(days=offset)
        days.append(WeekDay(current, [s for s in shifts if s.start.astimezone(STOCKHOLM).date() == current]))
    assert membership.jour is not None
    return membership.jour, days


def jour_shift(*, user: User, jour_id: int, shift_id: int) -> Shift:
    jour_membership(user=user, jour_id=jour_id)
    shift = Shift.objects.select_related("person").filter(pk=shift_id, jour_id=jour_id).first()
    if shift is None:
        raise Http404
    return shift


def jour_week_gaps(*, user: User, jour_id: int, day: date) -> list[PhoneGaps]:
    """Hours in the published opening times of each phone that no phone shift covers (coordinator)."""
    jour_membership(user=user, jour_id=jour_id, roles=(Role.JOUR_ADMIN,))
    start, end = week_bounds(day)
    phones = list(Phone.objects.filter(jour_id=jour_id).prefetch_related("weekly_hours", "exceptions"))
    shifts = list(
        Shift.objects.filter(
            jour_id=jour_id, kind=ShiftKind.PHONE, start__lt=end, end__gt=start, person__isnull=False
        )
    )
    first_phone = phones[0].pk if phones else None
    result = []
    for phone in phones:
        covering = [
            ShiftSpan(s.start, s.end, s.person_id or 0)
            for s in shifts
            if s.phone_id == phone.pk or (s.phone_id is None and phone.pk == first_phone)
        ]
        gaps = coverage_gaps(schedule=schedule_of(phone), shifts=covering, start=start, end=end)
        result.append(PhoneGaps(phone, gaps))
    return result


def jour_members_for_shifts(*, user: User, jour_id: int) -> list[Membership]:
    jour_membership(user=user, jour_id=jour_id, roles=(Role.JOUR_ADMIN,))
    return list(Membership.objects.select_related("user").filter(jour_id=jour_id).order_by("user__full_name"))


def jour_phones(*, user: User, jour_id: int) -> list[Phone]:
    jour_membership(user=user, jour_id=jour_id)
    return list(Phone.objects.filter(jour_id=jour_id))


def calendar_feed_events(*, token: str, now: datetime) -> tuple[User, list[Shift]] | None:
    """The shifts behind a feed link (two weeks back, ten ahead), or None for a dead link."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )
    if feed is None or not feed.user.is_active:
        return None
    shifts = list(
        Shift.objects.filter(
            person=feed.user,
            jour__memberships__user=feed.user,
            end__gt=now - timedelta(weeks=2),
            start__lt=now + timedelta(weeks=10),
        )
        .select_related("jour")
        .distinct()
    )
    return feed.user, shifts


def calendar_feed_active(*, user: User) -> bool:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).exists()


def network_coverage_week(*, user: User, monday: date, kind: str = ShiftKind.CHAT) -> WeekCoverage:
    """The national office's coverage map of a week: per Stockholm hour, how many jourer
    have a staffed shift of ``kind`` (404 for anyone else). Counts only, never who.

    Chat shifts count for the public jourer that chat; phone shifts for every public jour.
    """
    _require_national(user)
    start, end = week_bounds(monday)
    jourer = Jour.objects.filter(is_active=True)
    if kind == ShiftKind.CHAT:
        jourer = jourer.filter(chats=True)
    rows = Shift.objects.filter(
        jour__in=jourer, kind=kind, person__isnull=False, start__lt=end, end__gt=start
    ).values_list("jour_id", "start", "end")
    by_jour: dict[int, list[tuple[datetime, datetime]]] = {}
    for jour_id, shift_start, shift_end in rows:
        by_jour.setdefault(jour_id, []).append((shift_start, shift_end))
    return week_coverage(monday=monday, shifts_by_jour=by_jour, jourer=jourer.count())
