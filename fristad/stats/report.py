"""The figures of one year, as published cells (suppressed or not) and as tables.

``year_figures`` asks each source (``sources.py``, SQL aggregation) once, lays the counts
out as cells keyed ``(dimension, category, jour, period)`` and, for anything that leaves a
jour, runs the suppression over the whole national system of the year: every member jour,
the national figures, months and the year, so that a cell is hidden the same way on every
page and in every export. Only counts are handled here: no rows, no loops over records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from fristad.directory.models import Jour
from fristad.housing.models import TurnedAwayReason
from fristad.stats import sources
from fristad.stats.models import MULTI_CHOICE, AgeBand, Channel, Who
from fristad.stats.suppression import HIDDEN_LABEL, Cell, Equation, State, suppress
from fristad.support.models import AppointmentKind

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

YEAR = 0  # the period key of the whole year (months are 1-12)
ALL = "all"  # the jour key of the national figures
MONTHS = tuple(range(1, 13))
PERIODS = (*MONTHS, YEAR)


@dataclass(frozen=True)
class Dimension:
    """One published breakdown: its categories, and the total they add up to (if they do)."""

    name: str
    title: StrOrPromise
    categories: tuple[tuple[str, StrOrPromise], ...]
    source: str  # "contacts", "housing", "turned_away", "support"
    prefix: str  # the source's column prefix: counts[f"{prefix}:{category}"]
    total: str | None = None  # the total's cell name (shared: channel, who and age -> "contacts")
    total_column: str = "total"  # the source's column for that total
    total_label: StrOrPromise = ""
    months_add_up: bool = True  # people housed in a year are not the sum of the months
    section: str = "contacts"

    def total_key(self, jour: Hashable, period: int) -> tuple[Hashable, ...]:
        assert self.total is not None
        return (self.total, "total", jour, period)


def _choices(choices: Any) -> tuple[tuple[str, StrOrPromise], ...]:
    return tuple((value, label) for value, label in choices.choices)


CONTACTS = _("Contacts in all")
DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        "channel",
        _("Contacts by channel"),
        _choices(Channel),
        "contacts",
        "channel",
        "contacts",
        total_label=CONTACTS,
    ),
    Dimension(
        "who", _("Who made contact"), _choices(Who), "contacts", "who", "contacts", total_label=CONTACTS
    ),
    Dimension(
        "age",
        _("Age of the woman or girl"),
        _choices(AgeBand),
        "contacts",
        "age",
        "contacts",
        total_label=CONTACTS,
    ),
    Dimension(
        "violence",
        _("Kinds of violence (a contact may name several)"),
        _choices(MULTI_CHOICE["violence"]),
        "contacts",
        "violence",
    ),
    Dimension(
        "topics",
        _("What the contacts were about (several possible)"),
        _choices(MULTI_CHOICE["topics"]),
        "contacts",
        "topics",
    ),
    Dimension(
        "support",
        _("Support given (several possible)"),
        _choices(MULTI_CHOICE["support"]),
        "contacts",
        "support",
    ),
    Dimension(
        "referred_to",
        _("Referred to (several possible)"),
        _choices(MULTI_CHOICE["referred_to"]),
        "contacts",
        "referred_to",
    ),
    Dimension(
        "housed",
        _("Women and children housed"),
        (("woman", _("Women")), ("child", _("Children"))),
        "housing",
        "housed",
        months_add_up=False,
        section="housing",
    ),
    Dimension(
        "nights",
        _("Nights in protected housing"),
        (("woman", _("Nights of women")), ("child", _("Nights of children"))),
        "housing",
        "nights",
        section="housing",
    ),
    Dimension(
        "turned_away_women",
        _("Women turned away"),
        _choices(TurnedAwayReason),
        "turned_away",
        "women",
        "turned_away_women",
        "women:total",
        _("Women turned away in all"),
        section="housing",
    ),
    Dimension(
        "turned_away_children",
        _("Children turned away"),
        _choices(TurnedAwayReason),
        "turned_away",
        "children",
        "turned_away_children",
        "children:total",
        _("Children turned away in all"),
        section="housing",
    ),
    Dimension(
        "appointments",
        _("Stödperson appointments by kind"),
        _choices(AppointmentKind),
        "support",
        "kind",
        "appointments",
        "total",
        _("Appointments in all"),
        section="support",
    ),
)
DIMENSION = {d.name: d for d in DIMENSIONS}
# People housed hidden -> their nights hidden too (a night count of one or two women tells about them).
LINKED = (("housed", "woman", "nights", "woman"), ("housed", "child", "nights", "child"))


@dataclass
class YearFigures:
    """Every cell of one year: ``cells[(dimension, category, jour, period)]``, totals as
    ``(total name, "total", jour, period)``; ``jour`` is a jour id, None (records of a jour
    since removed) or ALL; ``period`` 1-12 or YEAR. ``hours`` are volunteer hours on shifts
    (not counts of people: not suppressed)."""

    year: int
    suppressed: bool
    jours: list[int | None]
    cells: dict[Hashable, Cell]
    hours: dict[tuple[Hashable, int], float] = field(default_factory=dict)

    def has_months(self, jour: Hashable) -> bool:
        """Published figures of a jour are for the year only; the nation's are by month too."""
        return not self.suppressed or jour == ALL

    def cell(self, key: Hashable) -> Cell:
        """A figure (a key that was never counted is a true zero). Asking a published set for a
        jour's month is a mistake: those figures do not leave the jour."""
        if self.suppressed and isinstance(key, tuple) and len(key) == 4 and key[2] != ALL and key[3] != YEAR:
            raise LookupError(f"a jour's months are not published: {key!r}")
        return self.cells.get(key, Cell(0, State.SHOWN))

    def value(self, dimension: str, category: str, jour: Hashable, period: int) -> Cell:
        return self.cell((dimension, category, jour, period))

    def total(self, dimension: Dimension, jour: Hashable, period: int) -> Cell | None:
        return None if dimension.total is None else self.cell(dimension.total_key(jour, period))

    def average_nights_number(self, jour: Hashable, period: int = YEAR) -> float | str:
        """Nights per woman housed, only when both figures are published: else ".." (and a dash
        when no woman was housed)."""
        women = self.value("housed", "woman", jour, period)
        nights = self.value("nights", "woman", jour, period)
        if not (women.shown and nights.shown):
            return HIDDEN_LABEL
        if women.value == 0:
            return "–"
        return round(nights.value / women.value, 1)

    def average_nights(self, jour: Hashable, period: int = YEAR) -> str:
        """The same, as printed on a page (a decimal comma in Swedish)."""
        average = self.average_nights_number(jour, period)
        return average if isinstance(average, str) else number_format(average, decimal_pos=1)

    def hours_of(self, jour: Hashable, period: int) -> float:
        return self.hours.get((jour, period), 0.0)


def _counts(year: int, today: dt.date, jour_id: int | None) -> dict[str, sources.Counts]:
    return {
        "contacts": sources.contact_counts(year=year, jour_id=jour_id),
        "housing": sources.housing_counts(year=year, today=today, jour_id=jour_id),
        "turned_away": sources.turned_away_counts(year=year, jour_id=jour_id),
        "support": sources.support_appointment_counts(year=year, jour_id=jour_id),
    }


def _values(counts: dict[str, sources.Counts], *, jour_months: bool) -> dict[Hashable, int]:
    """Cells of every jour and the national figures, by month and for the year (sums in Python
    over the grouped counts: at most jourer x 13 rows per source). Without ``jour_months``
    (published figures) a jour's cells are for the year only: its months stay inside the jour."""
    values: dict[Hashable, int] = {}
    get = values.get
    counted_totals: set[str] = set()
    for dimension in DIMENSIONS:
        names = [(dimension.name, c, f"{dimension.prefix}:{c}") for c, _label in dimension.categories]
        if dimension.total is not None and dimension.total not in counted_totals:
            # Channel, who and age share the contacts total: count it once.
            names.append((dimension.total, "total", dimension.total_column))
            counted_totals.add(dimension.total)
        for (jour, period), row in counts[dimension.source].items():
            if dimension.months_add_up and period == YEAR:
                continue  # the year is the sum of the months
            keys_of_all = [period, YEAR] if dimension.months_add_up else [period]
            keys_of_jour = [p for p in keys_of_all if jour_months or p == YEAR]
            for name, category, column in names:
                n = row.get(column)
                if n:
                    for p in keys_of_jour:
                        mine: Hashable = (name, category, jour, p)
                        values[mine] = get(mine, 0) + n
                    for p in keys_of_all:
                        national: Hashable = (name, category, ALL, p)
                        values[national] = get(national, 0) + n
    return values


def _equations(jours: Sequence[int | None]) -> list[Equation]:
    """What a reader of the published figures knows adds up: for each jour (its year) and for
    the nation (each month and the year), the categories add up to their total; the jourer's
    year figures add up to the national year figure; the national months add up to the year."""
    equations: set[Equation] = set()
    for dimension in DIMENSIONS:
        keys = [(dimension.name, c) for c, _label in dimension.categories]
        if dimension.total is not None:
            keys.append((dimension.total, "total"))
            cells = [(jour, YEAR) for jour in jours] + [(ALL, period) for period in PERIODS]
            for jour, period in cells:
                parts = tuple((dimension.name, c, jour, period) for c, _label in dimension.categories)
                equations.add(Equation(parts, dimension.total_key(jour, period)))
        for name, category in keys:
            if jours:
                parts = tuple((name, category, j, YEAR) for j in jours)
                equations.add(Equation(parts, (name, category, ALL, YEAR)))
            if dimension.months_add_up:
                parts = tuple((name, category, ALL, m) for m in MONTHS)
                equations.add(Equation(parts, (name, category, ALL, YEAR)))
    return sorted(equations, key=repr)


def _links(jours: Sequence[int | None]) -> list[tuple[Hashable, Hashable]]:
    cells = [(jour, YEAR) for jour in jours] + [(ALL, period) for period in PERIODS]
    return [
        ((d1, c1, jour, period), (d2, c2, jour, period))
        for d1, c1, d2, c2 in LINKED
        for jour, period in cells
    ]


def year_figures(
    *, year: int, now: dt.datetime, today: dt.date, jour_id: int | None = None, suppressed: bool = True
) -> YearFigures:
    """The figures of ``year``. Suppressed (anything that leaves a jour): each jour's figures
    for the year and the national figures by month and for the year, suppressed as one system
    (even when one jour's cells will be shown), so a cell is hidden the same way everywhere.
    Not suppressed (a jour's own page): only ``jour_id``'s counts are read, month by month."""
    read_jour = None if suppressed else jour_id
    counts = _counts(year, today, read_jour)
    seen = {jour for by_period in counts.values() for jour, _period in by_period}
    if read_jour is None:
        seen |= set(Jour.objects.filter(is_active=True, is_demo=False).values_list("pk", flat=True))
    else:
        seen.add(read_jour)
    jours = sorted(seen, key=lambda j: (j is None, j or 0))
    values = _values(counts, jour_months=not suppressed)
    hours = sources.shift_hours(year=year, now=now, jour_id=read_jour)
    hours_all: dict[tuple[Hashable, int], float] = {}
    for (jour, month), h in hours.items():
        for key in ((jour, month), (jour, YEAR), (ALL, month), (ALL, YEAR)):
            hours_all[key] = hours_all.get(key, 0.0) + h
    if suppressed:
        cells = suppress(values, _equations(jours), links=_links(jours))
    else:
        cells = {key: Cell(n, State.SHOWN) for key, n in values.items()}
    return YearFigures(year, suppressed, jours, cells, hours_all)


def jour_label(jour: Hashable, names: dict[int | None, str]) -> str:
    """A row's name: the jour's, "All member jourer" for the national figures, and "Former
    member jourer" for records whose jour has since been removed."""
    if jour == ALL:
        return str(_("All member jourer"))
    if jour is None or not isinstance(jour, int):
        return str(_("Former member jourer"))
    return names.get(jour, str(_("Former member jourer")))


# --- Tables ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    label: StrOrPromise
    cells: tuple[Cell | str, ...]
    is_total: bool = False


@dataclass(frozen=True)
class Table:
    key: str
    title: StrOrPromise
    columns: tuple[StrOrPromise, ...]
    rows: tuple[Row, ...]
    corner: StrOrPromise = ""


def month_table(
    figures: YearFigures, dimension: Dimension, jour: Hashable, month_names: Sequence[str]
) -> Table:
    """Categories (and their total) by month and for the year (for the year only where the
    jour's months are not published)."""
    months = figures.has_months(jour)
    periods: tuple[int, ...] = PERIODS if months else (YEAR,)
    columns = (*(month_names if months else ()), str(figures.year))
    rows = [
        Row(label, tuple(figures.value(dimension.name, c, jour, p) for p in periods))
        for c, label in dimension.categories
    ]
    if dimension.total is not None:
        total_cells = [figures.total(dimension, jour, p) for p in periods]
        rows.append(Row(dimension.total_label, tuple(c for c in total_cells if c is not None), is_total=True))
    return Table(dimension.name, dimension.title, columns, tuple(rows))


def jour_table(
    figures: YearFigures, dimension: Dimension, names: dict[int | None, str], national_label: StrOrPromise
) -> Table:
    """Member jourer by category for the year, with the national figures last."""
    columns: list[StrOrPromise] = [label for _c, label in dimension.categories]
    if dimension.total is not None:
        columns.append(dimension.total_label)

    def cells(jour: Hashable) -> tuple[Cell, ...]:
        found = [figures.value(dimension.name, c, jour, YEAR) for c, _label in dimension.categories]
        total = figures.total(dimension, jour, YEAR)
        return tuple(found + ([total] if total is not None else []))

    rows = [Row(jour_label(j, names), cells(j)) for j in figures.jours]
    rows.append(Row(national_label, cells(ALL), is_total=True))
    return Table(dimension.name, dimension.title, tuple(columns), tuple(rows))


def comparison_table(this: YearFigures, previous: YearFigures, dimension: Dimension, jour: Hashable) -> Table:
    """Each category this year beside the year before (the yearly report)."""
    rows = [
        Row(label, (this.value(dimension.name, c, jour, YEAR), previous.value(dimension.name, c, jour, YEAR)))
        for c, label in dimension.categories
    ]
    if dimension.total is not None:
        now_total, then_total = this.total(dimension, jour, YEAR), previous.total(dimension, jour, YEAR)
        assert now_total is not None and then_total is not None
        rows.append(Row(dimension.total_label, (now_total, then_total), is_total=True))
    return Table(dimension.name, dimension.title, (str(this.year), str(previous.year)), tuple(rows))


def dimensions_of(section: str | None = None) -> Iterable[Dimension]:
    return (d for d in DIMENSIONS if section is None or d.section == section)
