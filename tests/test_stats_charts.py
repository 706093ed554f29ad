"""Chart geometry (fristad/stats/charts.py): bars scale to the largest shown figure, a withheld
figure gets no bar, long labels are shortened to fit."""

from __future__ import annotations

from fristad.stats.charts import BAR_AREA_LEFT, LABEL_CHARS, WIDTH, column_bars, horizontal_bars


def test_horizontal_bars_scale_to_the_largest_and_withheld_figures_get_none() -> None:
    chart = horizontal_bars(
        id="c", title="t", description="d", items=[("A", 10, "10"), ("B", 5, "5"), ("C", None, "<5")]
    )
    a, b, c = chart.bars
    assert a.width == WIDTH - BAR_AREA_LEFT - 60 and b.width == a.width / 2
    assert c.width == 0 and c.text == "<5"
    assert chart.horizontal and chart.height > 3 * 20


def test_columns_of_zeros_and_withheld_figures_do_not_divide_by_zero() -> None:
    chart = column_bars(id="m", title="t", description="d", items=[("Jan", 0, "0"), ("Feb", None, "..")])
    assert [bar.height for bar in chart.bars] == [0, 0]
    assert chart.bars[0].label_y == chart.bars[1].label_y


def test_long_labels_are_shortened() -> None:
    label = "Barn som har upplevt eller utsatts för våld, och mer därtill"
    (bar,) = horizontal_bars(id="c", title="t", description="d", items=[(label, 3, "3")]).bars
    assert len(bar.label) <= LABEL_CHARS and bar.label.endswith("…")
