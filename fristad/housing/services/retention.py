"""Time-driven writes: open requests that expire, and the purge of case references and old
counts (jobs of the worker, `housing/jobs.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fristad.accounts.models import AuditAction
from fristad.accounts.services import audit_record
from fristad.directory.hours import STOCKHOLM
from fristad.housing import notify
from fristad.housing.models import (
    ItemState,
    Placement,
    PlacementRequest,
    RequestItem,
    RequestStatus,
    Stay,
    TurnedAway,
)
from fristad.housing.services._common import stockholm_today


@transaction.atomic
def requests_expire(*, now: datetime | None = None, base_url: str = "") -> int:
    """Open requests past their time: the pending units expire, the request closes, and (given
    the site's address for the link) the caseworker who sent it gets an e-mail: she may still
    have a woman waiting. Returns how many."""
    now = now or timezone.now()
    due = list(
        PlacementRequest.objects.select_for_update()
        .filter(status=RequestStatus.OPEN, expires_at__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not due:
        return 0
    RequestItem.objects.filter(request_id__in=due, state=ItemState.PENDING).update(
        state=ItemState.EXPIRED, answered_at=now
    )
    closed = PlacementRequest.objects.filter(pk__in=due, status=RequestStatus.OPEN).update(
        status=RequestStatus.CLOSED, closed_at=now
    )
    if base_url:
        for request in PlacementRequest.objects.filter(pk__in=due).select_related("created_by"):
            creator = request.created_by
            if creator is not None and creator.is_active:
                notify.request_expired(
                    base_url=base_url, code=request.municipality_id, request_id=request.pk, to=[creator.email]
                )
    return closed


@dataclass(frozen=True)
class Purged:
    references_cleared: int
    stays_deleted: int
    placements_deleted: int
    requests_deleted: int
    turned_away_deleted: int


@transaction.atomic
def housing_purge(*, today: date | None = None) -> Purged:
    """Clear case references HOUSING_CASE_REFERENCE_DAYS after a stay ended or a request
    closed; delete counts older than HOUSING_KEEP_COUNTS_DAYS."""
    today = today or stockholm_today()
    reference_cutoff = today - timedelta(days=settings.HOUSING_CASE_REFERENCE_DAYS)
    counts_cutoff = today - timedelta(days=settings.HOUSING_KEEP_COUNTS_DAYS)
    placements, _detail = Placement.objects.filter(stay__end__lt=counts_cutoff).delete()
    _total, per_model = Stay.objects.filter(end__lt=counts_cutoff).delete()
    stays = per_model.get("housing.Stay", 0)
    old = datetime.combine(counts_cutoff, datetime.min.time(), tzinfo=STOCKHOLM)
    requests = PlacementRequest.objects.filter(closed_at__lt=old).exclude(stay__end__gte=counts_cutoff)
    requests = requests.exclude(stay__isnull=False, stay__end__isnull=True)
    _total, per_model = requests.delete()
    request_count = per_model.get("housing.PlacementRequest", 0)
    turned, _detail = TurnedAway.objects.filter(month__lt=counts_cutoff.replace(day=1)).delete()
    cleared = (
        Stay.objects.filter(end__lt=reference_cutoff).exclude(case_reference="").update(case_reference="")
    )
    # A request's reference goes with its stay's end, or its own closing when it led to none.
    closed_before = datetime.combine(reference_cutoff, datetime.min.time(), tzinfo=STOCKHOLM)
    cleared += (
        PlacementRequest.objects.exclude(case_reference="")
        .filter(Q(stay__isnull=True, closed_at__lt=closed_before) | Q(stay__end__lt=reference_cutoff))
        .update(case_reference="")
    )
    result = Purged(cleared, stays, placements, request_count, turned)
    if any(result.__dict__.values()):
        audit_record(
            action=AuditAction.RECORDS_PURGED,
            national=True,
            target="housing",
            detail=(
                f"references {cleared}, stays {stays}, placements {placements}, "
                f"requests {request_count}, turned away {turned}"
            ),
        )
    return result
