"""Counts every process shares, kept in the database (a few rows, written rarely)."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from fristad.ops.models import Counter


def counter_add(*, name: str, amount: int = 1, now: datetime | None = None) -> None:
    """Add to a count, creating it at its first use (two processes may race to create it)."""
    now = now or timezone.now()
    if Counter.objects.filter(name=name).update(value=F("value") + amount, updated_at=now):
        return
    try:
        with transaction.atomic():
            Counter.objects.create(name=name, value=amount, updated_at=now)
    except IntegrityError:
        Counter.objects.filter(name=name).update(value=F("value") + amount, updated_at=now)


def counter_values() -> dict[str, int]:
    return dict(Counter.objects.values_list("name", "value"))


def counter_updated_at(name: str) -> datetime | None:
    return Counter.objects.filter(name=name).values_list("updated_at", flat=True).first()
