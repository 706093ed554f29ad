"""Bar charts as plain geometry for a server-rendered SVG (no JavaScript, nothing fetched).

The template draws what is computed here; every chart has a title and a description, and
the page shows the same figures in a table. A withheld figure (suppressed) gets no bar,
only its label ("<5" or ".."), so the chart never shows more than the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
BAR_AREA_LEFT = 250  # horizontal charts: room for the category labels
LABEL_CHARS = 34  # a longer label is shortened in the chart (the table beside it has it whole)
ROW_HEIGHT = 26
COLUMN_HEIGHT = 180


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # the figure as printed: "12", "<5", ".."
    x: float
    y: float
    width: float
    height: float
    text_x: float
    text_y: float
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    width: int
    height: int
    bars: tuple[Bar, ...]
    horizontal: bool


def _scale(values: Sequence[float | None]) -> float:
    top = max((v for v in values if v is not None), default=0)
    return float(top) if top > 0 else 1.0


def horizontal_bars(
    *, id: str, title: str, description: str, items: Sequence[tuple[str, float | None, str]]
) -> Chart:
    """One bar per (label, value or None when withheld, printed text), longest = full width."""
    top = _scale([value for _label, value, _text in items])
    room = WIDTH - BAR_AREA_LEFT - 60
    bars = []
    for index, (label, value, text) in enumerate(items):
        y = index * ROW_HEIGHT + 4
        length = 0.0 if value is None else room * value / top
        short = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"
        bars.append(
            Bar(
                label=short,
                text=text,
                x=BAR_AREA_LEFT,
                y=y,
                width=round(length, 1),
                height=ROW_HEIGHT - 8,
                text_x=round(BAR_AREA_LEFT + length + 6, 1),
                text_y=y + ROW_HEIGHT / 2,
                label_x=BAR_AREA_LEFT - 6,
                label_y=y + ROW_HEIGHT / 2,
            )
        )
    return Chart(id, title, description, WIDTH, len(items) * ROW_HEIGHT + 8, tuple(bars), horizontal=True)


def column_bars(
    *, id: str, title: str, description: str, items: Sequence[tuple[str, float | None, str]]
) -> Chart:
    """One column per (label, value or None, printed text): months along the bottom."""
    top = _scale([value for _label, value, _text in items])
    slot = WIDTH / max(len(items), 1)
    bars = []
    for index, (label, value, text) in enumerate(items):
        height = 0.0 if value is None else COLUMN_HEIGHT * value / top
        x = index * slot + slot * 0.15
        bars.append(
            Bar(
                label=label,
                text=text,
                x=round(x, 1),
                y=round(20 + COLUMN_HEIGHT - height, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
                text_x=round(x + slot * 0.35, 1),
                text_y=round(20 + COLUMN_HEIGHT - height - 5, 1),
                label_x=round(x + slot * 0.35, 1),
                label_y=20 + COLUMN_HEIGHT + 16,
            )
        )
    return Chart(id, title, description, int(WIDTH), COLUMN_HEIGHT + 44, tuple(bars), horizontal=False)
