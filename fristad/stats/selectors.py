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

from fristad.accounts.models import JOUR_ROLES, User
from fristad.accounts.selectors import jour_membership
from fristad.directory.models import Jour
from fristad.stats.models import Channel, ContactRecord
from fristad.stats.periods import month_bounds


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
