"""Statistics pages, exports and yearly reports: parse the year, authorize and read through
the scoped selectors, lay the figures out, render. Anything that leaves a jour (national
pages, every export, every yearly report) is built from suppressed figures."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dates import MONTHS, MONTHS_3
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from fristad.accounts.models import User
from fristad.stats import charts, selectors
from fristad.stats.export import as_csv, as_xlsx, export_rows
from fristad.stats.periods import parse_year, stockholm_today
from fristad.stats.report import (
    ALL,
    DIMENSION,
    DIMENSIONS,
    YEAR,
    Row,
    Table,
    YearFigures,
    comparison_table,
    jour_label,
    jour_table,
    month_table,
)
from fristad.stats.report import MONTHS as MONTH_NUMBERS
from fristad.stats.suppression import Cell, State

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _year(request: HttpRequest) -> int:
    return parse_year(request.GET.get("ar", ""), today=stockholm_today())


def _month_names() -> list[str]:
    return [str(capfirst(MONTHS_3[m])) for m in MONTH_NUMBERS]


def _hours_cell(hours: float) -> Cell:
    return Cell(round(hours), State.SHOWN)


def _summary(figures: YearFigures, jour: Hashable) -> list[tuple[str, str]]:
    """The headline figures of the year, as printed."""

    def label(key: tuple[Hashable, ...]) -> str:
        return figures.cell(key).label

    return [
        (_("Contacts"), label(("contacts", "total", jour, YEAR))),
        (_("Women housed"), label(("housed", "woman", jour, YEAR))),
        (_("Children housed"), label(("housed", "child", jour, YEAR))),
        (_("Nights in protected housing (women)"), label(("nights", "woman", jour, YEAR))),
        (_("Nights in protected housing (children)"), label(("nights", "child", jour, YEAR))),
        (_("Average nights per woman"), figures.average_nights(jour)),
        (_("Women turned away for lack of space"), label(("turned_away_women", "lack_of_space", jour, YEAR))),
        (
            _("Children turned away for lack of space"),
            label(("turned_away_children", "lack_of_space", jour, YEAR)),
        ),
        (_("Stödperson appointments"), label(("appointments", "total", jour, YEAR))),
        (_("Volunteer hours on shifts"), str(round(figures.hours_of(jour, YEAR)))),
    ]


def _charts(figures: YearFigures, jour: Hashable) -> list[charts.Chart]:
    def item(label: str, cell: Cell) -> tuple[str, float | None, str]:
        return (label, cell.value if cell.shown else None, cell.label)

    months = _month_names()
    result = []
    if figures.has_months(jour):
        per_month = [item(months[m - 1], figures.cell(("contacts", "total", jour, m))) for m in MONTH_NUMBERS]
        result.append(
            charts.column_bars(
                id="chart-months",
                title=_("Contacts per month, %(year)s") % {"year": figures.year},
                description=_("A column per month; the same figures are in the table “Contacts by channel”."),
                items=per_month,
            )
        )
    for name in ("channel", "violence"):
        dimension = DIMENSION[name]
        items = [item(str(label), figures.value(name, c, jour, YEAR)) for c, label in dimension.categories]
        result.append(
            charts.horizontal_bars(
                id=f"chart-{name}",
                title=f"{dimension.title}, {figures.year}",
                description=_("A bar per category; the same figures are in the table of the same name."),
                items=items,
            )
        )
    return result


def _hours_table(figures: YearFigures, jour: Hashable) -> Table:
    months = figures.has_months(jour)
    periods = (*MONTH_NUMBERS, YEAR) if months else (YEAR,)
    cells = tuple(_hours_cell(figures.hours_of(jour, p)) for p in periods)
    columns = (*(_month_names() if months else ()), str(figures.year))
    return Table("month-hours", _("Volunteer hours on shifts"), columns, (Row(_("Hours"), cells),))


def _month_tables(figures: YearFigures, jour: Hashable) -> list[Table]:
    months = _month_names()
    tables = []
    for dimension in DIMENSIONS:
        table = month_table(figures, dimension, jour, months)
        tables.append(Table(f"month-{table.key}", table.title, table.columns, table.rows))
    tables.append(_hours_table(figures, jour))
    return tables


def _page(request: HttpRequest, figures: YearFigures, jour: Any, *, scope: str, **extra: Any) -> HttpResponse:
    key: Hashable = ALL if jour is None else jour.pk
    today = stockholm_today()
    context = {
        "figures": figures,
        "jour": jour,
        "scope": scope,
        "summary": _summary(figures, key),
        "charts": _charts(figures, key),
        "tables": _month_tables(figures, key),
        "previous_year": figures.year - 1,
        "next_year": figures.year + 1 if figures.year < today.year else None,
        "month_names": [str(capfirst(MONTHS[m])) for m in MONTH_NUMBERS],
        **extra,
    }
    return render(request, "stats/statistics.html", context)


def _download(body: str | bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _report(
    request: HttpRequest, this: YearFigures, previous: YearFigures, jour: Any, names: dict[int | None, str]
) -> HttpResponse:
    key: Hashable = ALL if jour is None else jour.pk
    sections = []
    for section, title in (
        ("contacts", _("Contacts")),
        ("housing", _("Protected housing")),
        ("support", _("Stödperson")),
    ):
        tables = [comparison_table(this, previous, d, key) for d in DIMENSIONS if d.section == section]
        sections.append((section, title, tables))
    extra_rows = [
        (_("Average nights per woman"), this.average_nights(key), previous.average_nights(key)),
        (
            _("Volunteer hours on shifts"),
            str(round(this.hours_of(key, YEAR))),
            str(round(previous.hours_of(key, YEAR))),
        ),
    ]
    per_jour = None
    if jour is None:
        rows = tuple(
            Row(
                label,
                (
                    this.cell(("contacts", "total", j, YEAR)),
                    previous.cell(("contacts", "total", j, YEAR)),
                ),
            )
            for j, label in _national_rows(this, previous, names)
        )
        per_jour = Table(
            "per-jour", _("Contacts per member jour"), (str(this.year), str(previous.year)), rows
        )
    context = {
        "this": this,
        "previous": previous,
        "jour": jour,
        "sections": sections,
        "extra_rows": extra_rows,
        "per_jour": per_jour,
    }
    return render(request, "stats/report.html", context)


def _national_rows(
    this: YearFigures, previous: YearFigures, names: dict[int | None, str]
) -> list[tuple[Hashable, str]]:
    jours = [j for j in this.jours if j is not None] + [j for j in previous.jours if j is not None]
    ordered = sorted(set(jours), key=lambda j: jour_label(j, names))
    if None in this.jours or None in previous.jours:
        ordered.append(None)  # type: ignore[arg-type]
    rows: list[tuple[Hashable, str]] = [(j, jour_label(j, names)) for j in ordered]
    rows.append((ALL, jour_label(ALL, names)))
    return rows


# --- Her jour ------------------------------------------------------------------------------


@login_required
@require_safe
def jour_statistics(request: HttpRequest, jour_id: int) -> HttpResponse:
    """Her jour's own figures (not suppressed: they stay inside the jour)."""
    jour, figures = selectors.statistics_own(user=_user(request), jour_id=jour_id, year=_year(request))
    return _page(request, figures, jour, scope="own")


@login_required
@require_safe
def jour_export_csv(request: HttpRequest, jour_id: int) -> HttpResponse:
    jour, figures = selectors.statistics_own_published(
        user=_user(request), jour_id=jour_id, year=_year(request)
    )
    body = as_csv(export_rows(figures, [jour.pk], {jour.pk: jour.name}))
    return _download(
        body,
        content_type="text/csv; charset=utf-8",
        filename=f"statistik-{slugify(jour.slug)}-{figures.year}.csv",
    )


@login_required
@require_safe
def jour_export_xlsx(request: HttpRequest, jour_id: int) -> HttpResponse:
    jour, figures = selectors.statistics_own_published(
        user=_user(request), jour_id=jour_id, year=_year(request)
    )
    body = as_xlsx(export_rows(figures, [jour.pk], {jour.pk: jour.name}), title=f"{jour.name} {figures.year}")
    return _download(body, content_type=XLSX, filename=f"statistik-{slugify(jour.slug)}-{figures.year}.xlsx")


@login_required
@require_safe
def jour_report(request: HttpRequest, jour_id: int) -> HttpResponse:
    """Her jour's printable yearly report, suppressed (it is made to be published)."""
    user, year = _user(request), _year(request)
    jour, this = selectors.statistics_own_published(user=user, jour_id=jour_id, year=year)
    _jour, previous = selectors.statistics_own_published(user=user, jour_id=jour_id, year=year - 1)
    return _report(request, this, previous, jour, {jour.pk: jour.name})


# --- The national office -------------------------------------------------------------------


@login_required
@require_safe
def national_statistics(request: HttpRequest) -> HttpResponse:
    """The national figures and every member's, suppressed."""
    figures = selectors.statistics_national(user=_user(request), year=_year(request))
    names = selectors.statistics_jour_names()
    jour_tables = []
    for dimension in DIMENSIONS:
        table = jour_table(figures, dimension, names, _("All member jourer"))
        jour_tables.append(Table(f"jour-{table.key}", table.title, table.columns, table.rows, _("Jour")))
    hours_rows = [
        Row(label, (_hours_cell(figures.hours_of(j, YEAR)),))
        for j, label in _national_rows(figures, figures, names)
    ]
    jour_tables.append(
        Table(
            "jour-hours", _("Volunteer hours on shifts"), (str(figures.year),), tuple(hours_rows), _("Jour")
        )
    )
    members = [(j, names[j]) for j in figures.jours if j is not None and j in names]
    members.sort(key=lambda pair: pair[1])
    return _page(request, figures, None, scope="national", jour_tables=jour_tables, members=members)


@login_required
@require_safe
def national_jour_statistics(request: HttpRequest, jour_id: int) -> HttpResponse:
    """One member's figures as the national office sees them: suppressed."""
    jour, figures = selectors.statistics_national_jour(
        user=_user(request), jour_id=jour_id, year=_year(request)
    )
    return _page(request, figures, jour, scope="national_jour")


def _national_export(request: HttpRequest) -> tuple[YearFigures, list[Hashable], dict[int | None, str]]:
    figures = selectors.statistics_national(user=_user(request), year=_year(request))
    return figures, [*figures.jours, ALL], selectors.statistics_jour_names()


@login_required
@require_safe
def national_export_csv(request: HttpRequest) -> HttpResponse:
    figures, jours, names = _national_export(request)
    return _download(
        as_csv(export_rows(figures, jours, names)),
        content_type="text/csv; charset=utf-8",
        filename=f"statistik-nationell-{figures.year}.csv",
    )


@login_required
@require_safe
def national_export_xlsx(request: HttpRequest) -> HttpResponse:
    figures, jours, names = _national_export(request)
    body = as_xlsx(export_rows(figures, jours, names), title=_("All member jourer") + f" {figures.year}")
    return _download(body, content_type=XLSX, filename=f"statistik-nationell-{figures.year}.xlsx")


@login_required
@require_safe
def national_report(request: HttpRequest) -> HttpResponse:
    """The federation's yearly statistics, the year before beside each figure."""
    user, year = _user(request), _year(request)
    this = selectors.statistics_national(user=user, year=year)
    previous = selectors.statistics_national(user=user, year=year - 1)
    return _report(request, this, previous, None, selectors.statistics_jour_names())
