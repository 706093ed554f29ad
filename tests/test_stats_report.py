"""Statistics pages and the printable yearly report: the year before beside each figure,
suppression outside the jour, SVG charts that are accessible and load nothing, print CSS."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.test import Client

from fristad.directory.models import Jour
from fristad.stats.models import ContactRecord
from fristad.stats.periods import stockholm_today
from tests.conftest import Staff

YEAR = stockholm_today().year
CSS = Path(__file__).resolve().parent.parent / "fristad" / "stats" / "static" / "stats" / "stats.css"


def add(jour: Jour, n: int, *, year: int = YEAR, month: int = 1, **answers: object) -> None:
    fields = {"channel": "phone", "who": "woman", "age": "26_35", **answers}
    ContactRecord.objects.bulk_create(
        [ContactRecord(jour=jour, date=dt.date(year, month, 10), **fields) for _ in range(n)]
    )


@pytest.fixture
def world(staff: Staff) -> Staff:
    add(staff.jour_a, 3, channel="chat")
    add(staff.jour_a, 57, channel="phone", month=1)
    add(staff.jour_a, 41, year=YEAR - 1, channel="phone")
    add(staff.jour_a, 8, year=YEAR - 1, channel="email")
    add(staff.jour_b, 66, channel="chat")
    add(staff.jour_b, 12, channel="visit")
    add(staff.jour_b, 90, year=YEAR - 1, channel="chat")
    return staff


def page(user: object, url: str) -> str:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def row_of(body: str, label: str) -> list[str]:
    """The cells of the first table row whose header is ``label``."""
    found = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', body, flags=re.S)
    assert found, label
    return re.findall(r"<td>(.*?)</td>", found.group(1))


def test_the_national_report_puts_the_year_before_beside_each_figure(world: Staff) -> None:
    body = page(world.national, f"/personal/forbund/statistik/arsrapport/?ar={YEAR}")
    assert f'<th scope="col">{YEAR}</th><th scope="col">{YEAR - 1}</th>' in body
    # Channel table of the whole federation: this year, the year before.
    assert row_of(body, "Telefon") == ["57", "41"] or row_of(body, "Phone") == ["57", "41"]
    chat = row_of(body, "Chatt") if "Chatt" in body else row_of(body, "Chat")
    assert chat == ["69", "90"]
    # Per member jour: a's 3 chats are suppressed in the per-jour table only if small; totals here.
    assert world.jour_a.name in body and world.jour_b.name in body
    assert row_of(body, world.jour_a.name) == ["60", "49"]
    assert row_of(body, world.jour_b.name) == ["78", "90"]
    assert 'href="/static/stats/stats.css"' in body or "stats/stats.css" in body
    assert "<script" not in body


def test_the_jour_report_is_suppressed_and_holds_only_her_jour(world: Staff) -> None:
    body = page(world.admin_a, f"/personal/jour/{world.jour_a.pk}/statistik/arsrapport/?ar={YEAR}")
    assert world.jour_a.name in body and world.jour_b.name not in body
    chat = row_of(body, "Chatt") if "Chatt" in body else row_of(body, "Chat")
    assert chat == ["&lt;5", "0"]
    email = row_of(body, "E-post") if "E-post" in body else row_of(body, "E-mail")
    assert email == ["0", "8"]


def test_her_own_page_shows_small_figures_and_the_national_page_does_not(world: Staff) -> None:
    own = page(world.kvinna_a, f"/personal/jour/{world.jour_a.pk}/statistik/?ar={YEAR}")
    assert "<td>3</td>" in own  # her 3 chats, in January and for the year
    national = page(world.national, f"/personal/forbund/statistik/?ar={YEAR}")
    chat_row = [c for c in re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', national, flags=re.S)]
    a_row = next(cells for label, cells in chat_row if label == world.jour_a.name)
    assert "<td>3</td>" not in a_row and "&lt;5" in a_row
    one = page(world.national, f"/personal/forbund/statistik/jour/{world.jour_a.pk}/?ar={YEAR}")
    assert "&lt;5" in one and "<td>3</td>" not in one


def test_charts_are_server_rendered_svg_with_title_and_description_and_load_nothing(world: Staff) -> None:
    body = page(world.admin_a, f"/personal/jour/{world.jour_a.pk}/statistik/?ar={YEAR}")
    svgs = re.findall(r"<svg.*?</svg>", body, flags=re.S)
    assert len(svgs) >= 3
    for svg in svgs:
        labelled = re.search(r'aria-labelledby="([^"]+)"', svg)
        assert 'role="img"' in svg and labelled
        for id_ in labelled.group(1).split():
            assert f'id="{id_}"' in svg
        assert "<title" in svg and "<desc" in svg
        assert not re.search(r"(href|src)=", svg)
        # Numbers in SVG attributes use a decimal point whatever the language.
        assert not re.search(r'(x|y|width|height)="\d+,\d', svg)
    assert "<script" not in body
    assert not re.search(r'(src|href)="https?://', body)
    # The same figure is in the chart and in a table: 60 contacts in January.
    assert re.search(r">60</text>", body)
    assert "<td>60</td>" in body


def test_the_pages_answer_in_english_too(world: Staff) -> None:
    body = page(world.national, f"/en/personal/forbund/statistik/arsrapport/?ar={YEAR}")
    assert "Yearly statistics" in body


def test_print_css_hides_the_navigation_and_keeps_tables_whole() -> None:
    css = CSS.read_text()
    assert "@media print" in css
    printed = css[css.index("@media print") :]
    assert ".staff-top" in printed and "break-inside:avoid" in printed
