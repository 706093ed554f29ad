"""Reads of contact records, scoped to her own jour.

Every function takes the user and the jour id and authorizes through
``accounts.selectors.jour_membership``: a jour she does not work at, or a record of
another jour, is "not found" (404), exactly like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from fristad.accounts.models import JOUR_ROLES, User
from fristad.accounts.selectors import is_national_office, jour_membership, national_member_jour
from fristad.directory.models import Jour
from fristad.stats.models import Channel, ContactRecord
from fristad.stats.periods import month_bounds, stockholm_today
from fristad.stats.report import YearFigures, year_figures


def contact_jour(*, user: User, jour_id: int) -> Jour:
    """Her jour, if she is its coordinator or a jourkvinna there; else 404."""
    jour = jour_membership(user=user, jour_id=jour_id, roles=JOUR_ROLES).jour
    if jour is None:  # pragma: no cover - a jour role always has a jour (a database constraint)
        raise Http404
    return jour


def contact_records_of_month(*, user: User, jour_id: int, year: int, month: int) -> QuerySet[ContactRecord]:
    """Her jour's records dated in that month, newest day first (no order within a day)."""
    contact_jour(user=user, jour_id=jour_id)
    first, after = month_bounds(year, month)
    return ContactRecord.objects.filter(jour_id=jour_id, date__gte=first, date__lt=after).order_by(
        "-date", "channel", "pk"
    )


def contact_record_get(*, user: User, jour_id: int, record_id: UUID) -> ContactRecord:
    contact_jour(user=user, jour_id=jour_id)
    record = ContactRecord.objects.filter(pk=record_id, jour_id=jour_id).first()
    if record is None:
        raise Http404
    return record


@dataclass(frozen=True)
class ChannelCount:
    channel: Channel
    count: int


def contact_counts_by_channel(*, user: User, jour_id: int, year: int, month: int) -> list[ChannelCount]:
    """How many contacts her jour recorded in that month on each channel (zeros included),
    counted in one SQL query."""
    contact_jour(user=user, jour_id=jour_id)
    first, after = month_bounds(year, month)
    counts = ContactRecord.objects.filter(jour_id=jour_id, date__gte=first, date__lt=after).aggregate(
        **{channel.value: Count("pk", filter=Q(channel=channel.value)) for channel in Channel}
    )
    return [ChannelCount(channel, counts[channel.value]) for channel in Channel]


# --- Statistics ------------------------------------------------------------------------


def statistics_own(*, user: User, jour_id: int, year: int) -> tuple[Jour, YearFigures]:
    """Her own jour's figures, unsuppressed: they do not leave the jour (any member may see them)."""
    jour = contact_jour(user=user, jour_id=jour_id)
    return jour, year_figures(
        year=year, now=timezone.now(), today=stockholm_today(), jour_id=jour.pk, suppressed=False
    )


def statistics_own_published(*, user: User, jour_id: int, year: int) -> tuple[Jour, YearFigures]:
    """Her own jour's figures as they may leave the jour (exports, the yearly report): suppressed
    within the national system of the year, so each cell is hidden as on the national pages."""
    jour = contact_jour(user=user, jour_id=jour_id)
    return jour, year_figures(year=year, now=timezone.now(), today=stockholm_today())


def statistics_national(*, user: User, year: int) -> YearFigures:
    """Every member's figures and the national totals, suppressed: the national office only."""
    if not is_national_office(user):
        raise Http404
    return year_figures(year=year, now=timezone.now(), today=stockholm_today())


def statistics_national_jour(*, user: User, jour_id: int, year: int) -> tuple[Jour, YearFigures]:
    """One member's figures as the national office sees them (suppressed); 404 for a jour that
    does not exist, and for anyone but the national office."""
    jour = national_member_jour(user=user, jour_id=jour_id)
    return jour, year_figures(year=year, now=timezone.now(), today=stockholm_today())


def statistics_jour_names() -> dict[int | None, str]:
    """Names for the rows of a national table (a jour since removed has no name: None)."""
    return dict(Jour.objects.values_list("pk", "name"))
