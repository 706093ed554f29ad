"""CSV and XLSX exports of published (suppressed) figures.

One long table, the same in both: year, jour, figure, category, period, value. A jour's
figures are for the year, the national figures by month too: the finest period is a month;
there is no date, no time, no record id and nothing about a person. A
withheld figure is the text "<5" (a count of 1 to 4) or ".." (withheld so that a small
count cannot be calculated); every other value is a number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook

from fristad.stats.report import DIMENSIONS, MONTHS, YEAR, YearFigures, jour_label
from fristad.stats.suppression import HIDDEN_LABEL, SMALL_LABEL, Cell

COLUMNS = ("year", "jour", "figure", "category", "period", "value")


@dataclass(frozen=True)
class ExportRow:
    year: int
    jour: str
    figure: str
    category: str
    period: str
    value: int | float | str

    def as_tuple(self) -> tuple[int | float | str, ...]:
        return (self.year, self.jour, self.figure, self.category, self.period, self.value)


def _safe(text: str) -> str:
    """A name that a spreadsheet would read as a formula is written as text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _value(cell: Cell) -> int | str:
    return cell.value if cell.shown else cell.label


def export_rows(
    figures: YearFigures, jours: Sequence[Hashable], names: dict[int | None, str]
) -> Iterator[ExportRow]:
    """Every published figure of ``jours`` (jour ids, None, or ALL): for the year, and for the
    nation month by month too."""
    assert figures.suppressed, "only suppressed figures leave a jour"
    year = figures.year
    for jour in jours:
        periods = [(str(year), YEAR)]
        if figures.has_months(jour):
            periods += [(f"{year}-{m:02d}", m) for m in MONTHS]
        name = _safe(jour_label(jour, names))
        for dimension in DIMENSIONS:
            categories = [(dimension.name, c) for c, _label in dimension.categories]
            if dimension.total is not None:
                categories.append((dimension.total, "total"))
            for text, period in periods:
                for figure, category in categories:
                    cell = figures.cell((figure, category, jour, period))
                    yield ExportRow(year, name, dimension.name, category, text, _value(cell))
        yield ExportRow(
            year, name, "housed", "average_nights_per_woman", str(year), figures.average_nights_number(jour)
        )
        for text, period in periods:
            hours = round(figures.hours_of(jour, period), 1)
            yield ExportRow(year, name, "volunteer_hours", "hours", text, hours)


def as_csv(rows: Iterator[ExportRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(row.as_tuple())
    return out.getvalue()


def as_xlsx(rows: Iterator[ExportRow], *, title: str) -> bytes:
    """The same rows in a workbook: a data sheet and a sheet explaining the signs."""
    book = Workbook(write_only=True)
    data = book.create_sheet(_("Figures")[:31])
    data.append(list(COLUMNS))
    for row in rows:
        data.append(list(row.as_tuple()))
    notes = book.create_sheet(_("Notes")[:31])
    notes.append([title])
    notes.append([f"{SMALL_LABEL}: " + _("a count of 1 to 4, withheld so that no one can be recognised.")])
    notes.append(
        [f"{HIDDEN_LABEL}: " + _("withheld so that a small count cannot be calculated from the totals.")]
    )
    notes.append([_("0 is a true zero. The finest period is a month.")])
    notes.append([_("Volunteer hours are hours on held shifts of the jourschema; they are not suppressed.")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
