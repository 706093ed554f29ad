"""Small-cell suppression for every figure that leaves a jour (pure, no ORM).

A published figure is a *cell* named by a hashable key. The figures are tied together by
*equations*: ``sum(parts) == total`` (a row of a table and its total, a column and its
total, the months and the year, the member jourer and the national figure). The same key
in two tables is the same figure, so it is suppressed in both or in neither.

- **Primary**: a count of 1 to 4 (below ``threshold``) is shown as "<5". A 0 is shown as
  0: it identifies no one, and hiding it would hide that, say, no contact came by sms.
- **Secondary**: in every equation, either no figure is hidden or at least two are, so
  no hidden figure can be recovered by subtracting the others from the total. When an
  equation has exactly one hidden figure, one more is hidden: the smallest non-zero part
  (a zero part is a poor companion: the reader may guess it), else a zero part, else the
  total. This repeats until every equation holds. Hidden figures are never shown again.
- **Links**: ``(a, b)`` hides ``b`` whenever ``a`` is hidden (nights of a jour whose
  count of women housed is hidden).

- **Several equations**: in rare patterns (a "bridge" between two closed groups of hidden
  figures) a hidden figure follows from adding several equations although each holds on
  its own. Every connected group of at most ``EXACT_LIMIT`` hidden figures is therefore
  solved exactly (sparse Gauss-Jordan elimination modulo a large prime) and, where a figure
  is still determined, one more companion is hidden. Larger groups are left to the
  per-equation rule (none that large in a year of the federation's figures).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

THRESHOLD = 5
SMALL_LABEL = "<5"
HIDDEN_LABEL = ".."
EXACT_LIMIT = 3000
_PRIME = (1 << 61) - 1


class State(Enum):
    SHOWN = "shown"
    PRIMARY = "primary"  # a small count: 1 to threshold - 1
    SECONDARY = "secondary"  # hidden so that a small count cannot be calculated


@dataclass(frozen=True)
class Equation:
    """``sum(parts) == total`` among published figures."""

    parts: tuple[Hashable, ...]
    total: Hashable


@dataclass(frozen=True)
class Cell:
    value: int
    state: State

    @property
    def shown(self) -> bool:
        return self.state is State.SHOWN

    @property
    def label(self) -> str:
        """What a published table prints: the count, "<5" or ".."."""
        if self.state is State.PRIMARY:
            return SMALL_LABEL
        if self.state is State.SECONDARY:
            return HIDDEN_LABEL
        return str(self.value)

    @property
    def published(self) -> int | None:
        """The figure as a number for an export, or None when it is withheld."""
        return self.value if self.state is State.SHOWN else None


def is_small(value: int, threshold: int = THRESHOLD) -> bool:
    return 0 < value < threshold


def suppress(  # noqa: C901  secondary suppression: its spreading closure shares the states it changes
    values: Mapping[Hashable, int],
    equations: Iterable[Equation] = (),
    *,
    links: Iterable[tuple[Hashable, Hashable]] = (),
    threshold: int = THRESHOLD,
) -> dict[Hashable, Cell]:
    """Every figure in ``values`` with its state. Keys named by an equation or a link
    but missing from ``values`` count as published zeros."""
    equations = list(equations)
    links = list(links)
    value = _with_zeros(values, equations, links)

    state = {
        key: State.PRIMARY if is_small(count, threshold) else State.SHOWN for key, count in value.items()
    }
    of_key: dict[Hashable, list[int]] = defaultdict(list)
    for index, equation in enumerate(equations):
        for key in {*equation.parts, equation.total}:
            of_key[key].append(index)
    linked: dict[Hashable, list[Hashable]] = defaultdict(list)
    for a, b in links:
        linked[a].append(b)

    def rank(key: Hashable, equation: Equation) -> tuple[int, int, str]:
        is_total = key == equation.total and key not in equation.parts
        return (2 if is_total else (1 if value[key] == 0 else 0), value[key], repr(key))

    def spread(pending_equations: list[int], pending_links: list[Hashable]) -> None:
        """Hide companions until every equation has zero or at least two hidden figures."""
        while pending_equations or pending_links:
            newly: list[Hashable] = []
            while pending_links:
                key = pending_links.pop()
                for other in linked[key]:
                    if state[other] is State.SHOWN:
                        state[other] = State.SECONDARY
                        newly.append(other)
            if pending_equations:
                equation = equations[pending_equations.pop()]
                members = {*equation.parts, equation.total}
                hidden = [key for key in members if state[key] is not State.SHOWN]
                if len(hidden) == 1:
                    candidates = [key for key in members if state[key] is State.SHOWN]
                    if candidates:  # an equation of one figure (part == total) needs nothing more
                        chosen = min(candidates, key=lambda k: rank(k, equation))
                        state[chosen] = State.SECONDARY
                        newly.append(chosen)
            for key in newly:
                pending_equations.extend(of_key[key])
                if key in linked:
                    pending_links.append(key)

    spread(
        list(range(len(equations))),
        [key for key, s in state.items() if s is not State.SHOWN and key in linked],
    )
    while True:
        exposed = _determined(equations, of_key, {k for k, s in state.items() if s is not State.SHOWN})
        if not exposed:
            break
        chosen_now: set[Hashable] = set()
        for key in sorted(exposed, key=repr):
            candidates = [
                (rank(other, equations[i]), other)
                for i in of_key[key]
                for other in {*equations[i].parts, equations[i].total}
                if state[other] is State.SHOWN
            ]
            if candidates:
                chosen_now.add(min(candidates, key=lambda pair: pair[0])[1])
        if not chosen_now:  # pragma: no cover - a determined figure always has a shown neighbour
            break
        for chosen in chosen_now:
            state[chosen] = State.SECONDARY
        spread(
            [i for chosen in chosen_now for i in of_key[chosen]],
            [chosen for chosen in chosen_now if chosen in linked],
        )
    return {key: Cell(value[key], state[key]) for key in value}


def _with_zeros(
    values: Mapping[Hashable, int], equations: list[Equation], links: list[tuple[Hashable, Hashable]]
) -> dict[Hashable, int]:
    """The figures, with every key an equation or a link names as a zero if missing."""
    value: dict[Hashable, int] = dict(values)
    for equation in equations:
        for key in (*equation.parts, equation.total):
            value.setdefault(key, 0)
    for a, b in links:
        value.setdefault(a, 0)
        value.setdefault(b, 0)
    for key, count in value.items():
        if count < 0:
            raise ValueError(f"a count cannot be negative: {key!r} = {count}")
    return value


def _determined(
    equations: list[Equation], of_key: Mapping[Hashable, list[int]], hidden: set[Hashable]
) -> set[Hashable]:
    """Hidden figures that the equations pin down, per connected group of at most EXACT_LIMIT.

    A figure k is determined iff every solution of the homogeneous system (the hidden
    figures as unknowns) has x_k = 0: k is a pivot whose reduced row has no free column.
    """
    seen: set[Hashable] = set()
    found: set[Hashable] = set()
    for start in sorted(hidden, key=repr):
        if start in seen:
            continue
        group: list[Hashable] = []
        rows: set[int] = set()
        stack = [start]
        seen.add(start)
        while stack:
            key = stack.pop()
            group.append(key)
            for index in of_key.get(key, ()):
                rows.add(index)
                for other in (*equations[index].parts, equations[index].total):
                    if other in hidden and other not in seen:
                        seen.add(other)
                        stack.append(other)
        if len(group) > EXACT_LIMIT or not rows:
            continue
        found |= _pinned(group, [equations[index] for index in sorted(rows)])
    return found


def _pinned(group: list[Hashable], equations: list[Equation]) -> set[Hashable]:
    """Gauss-Jordan elimination modulo a large prime on sparse rows (a dict per equation): the
    equations are short and each figure is in a few of them, so rows stay small."""
    rows = _sparse_rows(group, equations)
    where: dict[int, set[int]] = defaultdict(set)
    for r, line in enumerate(rows):
        for c in line:
            where[c].add(r)
    pivot_row: dict[int, int] = {}  # column -> its pivot row
    used: set[int] = set()
    for col in sorted(range(len(group)), key=lambda c: len(where[c])):
        candidates = [r for r in where[col] if r not in used]
        if not candidates:
            continue
        r = min(candidates, key=lambda i: len(rows[i]))
        inverse = pow(rows[r][col], _PRIME - 2, _PRIME)
        rows[r] = {c: x * inverse % _PRIME for c, x in rows[r].items()}
        for other in list(where[col] - {r}):
            factor = rows[other][col]
            line = rows[other]
            for c, x in rows[r].items():
                value = (line.get(c, 0) - factor * x) % _PRIME
                if value:
                    if c not in line:
                        where[c].add(other)
                    line[c] = value
                elif c in line:
                    del line[c]
                    where[c].discard(other)
        used.add(r)
        pivot_row[col] = r
    return {group[col] for col, r in pivot_row.items() if all(c in pivot_row for c in rows[r])}


def _sparse_rows(group: list[Hashable], equations: list[Equation]) -> list[dict[int, int]]:
    """Each equation as a row over the group's columns (parts +1, the total -1, mod the
    prime), leaving out rows with nothing in the group."""
    column = {key: i for i, key in enumerate(group)}
    rows: list[dict[int, int]] = []
    for equation in equations:
        line: dict[int, int] = {}
        for part in equation.parts:
            if part in column:
                line[column[part]] = line.get(column[part], 0) + 1
        if equation.total in column:
            line[column[equation.total]] = line.get(column[equation.total], 0) - 1
        line = {c: x % _PRIME for c, x in line.items() if x % _PRIME}
        if line:
            rows.append(line)
    return rows


def table_equations(
    rows: Sequence[Hashable],
    columns: Sequence[Hashable],
    key: Callable[[Hashable, Hashable], Hashable],
    *,
    row_total: Hashable | None,
    column_total: Hashable | None,
) -> list[Equation]:
    """The equations of a table whose cells are ``key(row, column)``: each row sums to its
    ``row_total`` column and each column to its ``column_total`` row (None: no such total).
    Includes the corner (the total row sums to the corner, and so does the total column)."""
    make = key
    equations = []
    all_rows = [*rows, *([column_total] if column_total is not None else [])]
    all_columns = [*columns, *([row_total] if row_total is not None else [])]
    if row_total is not None:
        for row in all_rows:
            equations.append(Equation(tuple(make(row, c) for c in columns), make(row, row_total)))
    if column_total is not None:
        for column in all_columns:
            equations.append(Equation(tuple(make(r, column) for r in rows), make(column_total, column)))
    return equations
