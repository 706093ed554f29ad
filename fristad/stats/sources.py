"""One function per source of figures: each runs its aggregation in SQL and returns counts
keyed by (jour id or None, month 1-12) for one calendar year (or per jour for the year).

The statistics read plain columns only: the contact records (this app), the shifts of the
jourschema (accounts), housing placements and turned-away counts (housing), and the anonymous
support-appointment counts (support). Nothing here reads a name, a chat, a case or a time of
day: the result is counts per jour and month, never rows. Never imports chat.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth, Greatest, Least

from fristad.accounts.models import Shift
from fristad.directory.hours import STOCKHOLM
from fristad.housing.models import PersonKind, Placement, TurnedAway
from fristad.stats.models import MULTI_CHOICE, AgeBand, Channel, ContactRecord, Who
from fristad.stats.periods import month_bounds
from fristad.support.models import SupportAppointmentCount

JourMonth = tuple[int | None, int]
# (jour id, month) -> {column -> count}
Counts = dict[JourMonth, dict[str, int]]

SINGLE_CHOICE: dict[str, type[Any]] = {"channel": Channel, "who": Who, "age": AgeBand}


def contact_columns() -> list[str]:
    """The counted columns of a contact: ``channel:phone``, ``who:woman``, ``age:18_25``,
    ``violence:physical`` (the boolean column ``violence_physical``) ..."""
    names = [f"{field}:{value}" for field, choices in SINGLE_CHOICE.items() for value in choices.values]
    names += [f"{group}:{value}" for group, choices in MULTI_CHOICE.items() for value in choices.values]
    return names


class MonthOf(ExtractMonth):
    """The month (1-12) of a date. PostgreSQL: ``EXTRACT(MONTH FROM date)``, the expression the
    extended statistics of migration 0002 are on. SQLite keeps a date as 'YYYY-MM-DD' text: cut
    the month out there instead of calling Django's Python function for every row."""

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, Any]:
        sql, params = compiler.compile(self.lhs)
        return f"CAST(substr({sql}, 6, 2) AS INTEGER)", params


def _rows(query: Any) -> list[dict[str, Any]]:
    """The rows of a grouped ``values().annotate()`` query as plain dicts (for the type checker)."""
    return list(query)


def _alias(column: str) -> str:
    return "n_" + column.replace(":", "__")


def contact_counts(*, year: int, jour_id: int | None = None) -> Counts:
    """Contacts per jour and month, by every counted column, plus ``total``: one SQL query
    (``COUNT(*) FILTER (WHERE ...)`` per column, grouped by jour and month)."""
    first, after = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    rows = ContactRecord.objects.filter(date__gte=first, date__lt=after)
    if jour_id is not None:
        rows = rows.filter(jour_id=jour_id)
    aggregates: dict[str, Any] = {"n_total": Count("pk")}
    for field, choices in SINGLE_CHOICE.items():
        for value in choices.values:
            aggregates[_alias(f"{field}:{value}")] = Count("pk", filter=Q(**{field: value}))
    for group, choices in MULTI_CHOICE.items():
        for value in choices.values:
            aggregates[_alias(f"{group}:{value}")] = Count("pk", filter=Q(**{f"{group}_{value}": True}))
    grouped = (
        rows.annotate(month_of=MonthOf("date"))
        .values("jour_id", "month_of")
        .annotate(**aggregates)
        .order_by()
    )
    result: Counts = {}
    columns = contact_columns()
    for row in _rows(grouped):
        counts = {"total": row["n_total"]}
        counts.update({column: row[_alias(column)] for column in columns})
        result[(row["jour_id"], row["month_of"])] = counts
    return result


def support_appointment_counts(*, year: int, jour_id: int | None = None) -> Counts:
    """Support appointments per jour and month by kind (``kind:police`` ...) and ``total``."""
    rows = SupportAppointmentCount.objects.filter(date__year=year)
    if jour_id is not None:
        rows = rows.filter(jour_id=jour_id)
    grouped = (
        rows.annotate(month_of=MonthOf("date"))
        .values("jour_id", "month_of", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    result: Counts = defaultdict(dict)
    for row in _rows(grouped):
        counts = result[(row["jour_id"], row["month_of"])]
        counts[f"kind:{row['kind']}"] = row["n"]
        counts["total"] = counts.get("total", 0) + row["n"]
    return dict(result)


def turned_away_counts(*, year: int, jour_id: int | None = None) -> Counts:
    """Women and children turned away per jour and month by reason:
    ``women:lack_of_space``, ``children:other`` ... and ``women:total``, ``children:total``."""
    rows = TurnedAway.objects.filter(month__year=year)
    if jour_id is not None:
        rows = rows.filter(jour_id=jour_id)
    grouped = (
        rows.annotate(month_of=MonthOf("month"))
        .values("jour_id", "month_of", "reason")
        .annotate(women=Sum("women"), children=Sum("children"))
        .order_by()
    )
    result: Counts = defaultdict(dict)
    for row in _rows(grouped):
        counts = result[(row["jour_id"], row["month_of"])]
        for who in ("women", "children"):
            counts[f"{who}:{row['reason']}"] = row[who] or 0
            counts[f"{who}:total"] = counts.get(f"{who}:total", 0) + (row[who] or 0)
    return dict(result)


def _night_span(first: dt.date, after: dt.date, today: dt.date) -> Any:
    """Nights of a placement inside [first, after): from the later of its start and ``first``
    to the earlier of its end (today while it lasts) and ``after``."""
    last = Least(Coalesce(F("end"), Value(today)), Value(after))
    return ExpressionWrapper(last - Greatest(F("start"), Value(first)), output_field=DurationField())


def _overlaps(first: dt.date, after: dt.date, today: dt.date) -> Q:
    """Housed at some point in [first, after): started before ``after`` and left after ``first``
    (or is still there, having started by today); a stay of no nights counts in its start month."""
    open_now = Q(end__isnull=True, start__lte=today)
    return Q(start__lt=after) & (Q(end__gt=first) | open_now | Q(start__gte=first, end=F("start")))


def housing_counts(*, year: int, today: dt.date, jour_id: int | None = None) -> Counts:
    """Per jour and period (months 1-12, and 0 for the whole year): ``housed:woman``,
    ``housed:child`` (people housed at some point in the period: a year is not the sum of its
    months) and ``nights:woman``, ``nights:child`` (nights inside the period: they do add up).
    One SQL query: a filtered ``Count`` and ``Sum`` per period, grouped by jour and kind."""
    periods = [(month, *month_bounds(year, month)) for month in range(1, 13)]
    periods.append((0, dt.date(year, 1, 1), dt.date(year + 1, 1, 1)))
    aggregates: dict[str, Any] = {}
    for number, first, after in periods:
        if first > today:
            continue
        inside = _overlaps(first, after, today)
        aggregates[f"p{number}"] = Count("pk", filter=inside)
        aggregates[f"d{number}"] = Sum(_night_span(first, after, today), filter=inside)
    rows = Placement.objects.filter(start__lt=dt.date(year + 1, 1, 1)).filter(
        Q(end__isnull=True) | Q(end__gte=dt.date(year, 1, 1))
    )
    if jour_id is not None:
        rows = rows.filter(jour_id=jour_id)
    result: Counts = defaultdict(dict)
    if not aggregates:
        return {}
    for row in _rows(rows.values("jour_id", "kind").annotate(**aggregates).order_by()):
        kind = "woman" if row["kind"] == PersonKind.WOMAN else "child"
        for number, _first, _after in periods:
            if f"p{number}" not in row:
                continue
            nights = row[f"d{number}"]
            counts = result[(row["jour_id"], number)]
            counts[f"housed:{kind}"] = row[f"p{number}"]
            counts[f"nights:{kind}"] = max(0, nights.days) if nights is not None else 0
    return dict(result)


def shift_hours(*, year: int, now: dt.datetime, jour_id: int | None = None) -> dict[JourMonth, float]:
    """Hours on held shifts (with a person) per jour and Stockholm month, up to ``now``.
    A shift across a month boundary is split at local midnight; hours are real elapsed time,
    so a night shift across the spring change is an hour shorter than on the clock.
    One SQL query: a filtered ``Sum(least(end, month end) - greatest(start, month start))`` per month."""
    aggregates: dict[str, Any] = {}
    for month in range(1, 13):
        first, after = month_bounds(year, month)
        start = dt.datetime.combine(first, dt.time(), tzinfo=STOCKHOLM)
        end = min(dt.datetime.combine(after, dt.time(), tzinfo=STOCKHOLM), now)
        if end <= start:
            continue
        aggregates[f"m{month}"] = Sum(
            ExpressionWrapper(
                Least(F("end"), Value(end)) - Greatest(F("start"), Value(start)), DurationField()
            ),
            filter=Q(start__lt=end, end__gt=start),
        )
    if not aggregates:
        return {}
    year_start = dt.datetime(year, 1, 1, tzinfo=STOCKHOLM)
    rows = Shift.objects.filter(person__isnull=False, start__lt=now, end__gt=year_start)
    if jour_id is not None:
        rows = rows.filter(jour_id=jour_id)
    result: dict[JourMonth, float] = {}
    for row in _rows(rows.values("jour_id").annotate(**aggregates).order_by()):
        for month in range(1, 13):
            spent = row.get(f"m{month}")
            if spent:
                result[(row["jour_id"], month)] = spent.total_seconds() / 3600
    return result
