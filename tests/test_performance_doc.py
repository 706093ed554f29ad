"""docs/performance.md keeps one section per benchmark, and in it one current
"Where it stands" with the history below (it once had two of each, contradicting)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

DOC = (Path(__file__).resolve().parent.parent / "docs" / "performance.md").read_text(encoding="utf-8")


def test_every_section_stands_once() -> None:
    headings = Counter(re.findall(r"^## (.+)$", DOC, flags=re.MULTILINE))
    assert [h for h, n in headings.items() if n > 1] == []


def test_at_most_one_current_figure_per_section() -> None:
    for section in re.split(r"^## ", DOC, flags=re.MULTILINE)[1:]:
        assert len(re.findall(r"^### Where it stands", section, flags=re.MULTILINE)) <= 1, section[:60]


def test_every_benchmark_named_there_exists() -> None:
    bench = Path(__file__).resolve().parent.parent / "bench"
    for name in re.findall(r"`bench/([a-z_]+\.py)`", DOC):
        assert (bench / name).exists(), name
