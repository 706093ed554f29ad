"""axe-core (WCAG 2.1 A and AA) on the statistics pages, at 1024 and 320 px: her jour's own
page and yearly report as a coordinator, the national pages and report as the national office."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fristad.stats.models import ContactRecord
from tests.browser.test_staff_accessibility import WIDE, check, people, signed_in_context  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def figures(people: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    year = dt.date.today().year
    rows = []
    for month, channel, n in ((1, "phone", 40), (2, "chat", 3), (3, "sms", 12), (3, "visit", 1)):
        rows += [
            ContactRecord(
                jour=people["jour"],
                date=dt.date(year, month, 5),
                channel=channel,
                who="woman",
                age="36_45",
                violence_psychological=True,
            )
            for _ in range(n)
        ]
    ContactRecord.objects.bulk_create(rows)
    return people


@pytest.mark.parametrize("width", [1024, 320])
def test_statistics_pages(
    site: str, new_context: Any, axe_source: str, figures: dict[str, Any], width: int
) -> None:
    jour_id = figures["jour"].pk
    pages = {
        "admin": [f"/personal/jour/{jour_id}/statistik/", f"/personal/jour/{jour_id}/statistik/arsrapport/"],
        "national": [
            "/personal/forbund/statistik/",
            f"/personal/forbund/statistik/jour/{jour_id}/",
            "/personal/forbund/statistik/arsrapport/",
            "/en/personal/forbund/statistik/",
        ],
    }
    for who, paths in pages.items():
        page = signed_in_context(new_context, axe_source, site, figures[who], width).new_page()
        for path in paths:
            check(page, f"{site}{path}")
            if width == 320:
                wide = page.evaluate(WIDE)
                assert page.evaluate("document.documentElement.scrollWidth") <= 320, (path, wide)


def test_the_yearly_report_prints_without_the_staff_menu(
    site: str, new_context: Any, axe_source: str, figures: dict[str, Any]
) -> None:
    page = signed_in_context(new_context, axe_source, site, figures["national"]).new_page()
    page.goto(f"{site}/personal/forbund/statistik/arsrapport/")
    page.emulate_media(media="print")
    assert page.locator(".staff-top").is_hidden()
    assert page.locator("table").first.is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
