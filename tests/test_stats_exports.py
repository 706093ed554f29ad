"""CSV and XLSX exports: exact columns, suppressed figures (the same as on the national pages),
nothing finer than a month, formula-looking names neutralised, the XLSX equal to the CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

from fristad.directory.models import Jour
from fristad.stats.export import COLUMNS
from fristad.stats.models import ContactRecord
from fristad.stats.periods import stockholm_today
from tests.conftest import Staff

YEAR = stockholm_today().year


def add(jour: Jour | None, n: int, *, month: int = 2, year: int = YEAR, **answers: object) -> None:
    fields = {"channel": "phone", "who": "woman", "age": "26_35", **answers}
    ContactRecord.objects.bulk_create(
        [ContactRecord(jour=jour, date=dt.date(year, month, 3), **fields) for _ in range(n)]
    )


@pytest.fixture
def world(staff: Staff) -> Staff:
    add(staff.jour_a, 3, channel="chat", violence_physical=True)
    add(staff.jour_a, 40, channel="phone", violence_physical=True)
    add(staff.jour_b, 25, channel="chat")
    add(staff.jour_b, 12, channel="sms")
    return staff


def get(user: object, url: str) -> tuple[bytes, dict[str, str]]:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content, dict(response.headers)


def parse_csv(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


def number(text: str) -> object:
    """A value as a number when it is one (the XLSX keeps 0 hours as 0, the CSV writes 0.0)."""
    try:
        return float(text)
    except ValueError:
        return text


def find(rows: list[dict[str, str]], jour: str, figure: str, category: str, period: str) -> str:
    (row,) = [
        r
        for r in rows
        if (r["jour"], r["figure"], r["category"], r["period"]) == (jour, figure, category, period)
    ]
    return row["value"]


def test_the_jour_csv_is_suppressed_and_holds_only_her_jour(world: Staff) -> None:
    body, headers = get(world.admin_a, f"/personal/jour/{world.jour_a.pk}/statistik/statistik.csv?ar={YEAR}")
    assert headers["Content-Type"].startswith("text/csv")
    assert "attachment" in headers["Content-Disposition"]
    assert "no-store" in headers["Cache-Control"]
    rows = parse_csv(body)
    assert tuple(rows[0]) == COLUMNS
    assert {r["jour"] for r in rows} == {world.jour_a.name}
    name = world.jour_a.name
    assert find(rows, name, "channel", "chat", str(YEAR)) == "<5"
    # A jour's months do not leave the jour.
    assert {r["period"] for r in rows} == {str(YEAR)}
    assert find(rows, name, "channel", "sms", str(YEAR)) == "0"
    # 43 contacts in all: publishing the total and phone (40) would give chat = 3.
    assert "<5" not in {
        find(rows, name, "channel", "total", str(YEAR)),
        find(rows, name, "channel", "phone", str(YEAR)),
    }
    assert ".." in {
        find(rows, name, "channel", "total", str(YEAR)),
        find(rows, name, "channel", "phone", str(YEAR)),
    }
    assert find(rows, name, "violence", "physical", str(YEAR)) == "43"


def test_the_national_csv_has_every_member_and_the_national_figures_consistently_suppressed(
    world: Staff,
) -> None:
    body, _ = get(world.national, f"/personal/forbund/statistik/statistik.csv?ar={YEAR}")
    rows = parse_csv(body)
    jours = {r["jour"] for r in rows}
    assert {world.jour_a.name, world.jour_b.name} <= jours
    national = "All member jourer"
    assert national in jours or "Alla medlemsjourer" in jours
    national = next(j for j in jours if j in ("All member jourer", "Alla medlemsjourer"))
    assert find(rows, national, "channel", "chat", str(YEAR)) == "28"
    assert find(rows, world.jour_a.name, "channel", "chat", str(YEAR)) == "<5"
    # a's 3 cannot be had from the national 28 minus the other jourer's published chats.
    others = [
        r for r in rows if r["figure"] == "channel" and r["category"] == "chat" and r["period"] == str(YEAR)
    ]
    withheld = [r["jour"] for r in others if r["value"] in ("<5", "..")]
    assert world.jour_a.name in withheld and len(withheld) >= 2
    # Her jour's own export hides exactly what the national export hides.
    own, _ = get(world.admin_a, f"/personal/jour/{world.jour_a.pk}/statistik/statistik.csv?ar={YEAR}")
    mine = {(r["figure"], r["category"], r["period"]): r["value"] for r in parse_csv(own)}
    theirs = {
        (r["figure"], r["category"], r["period"]): r["value"] for r in rows if r["jour"] == world.jour_a.name
    }
    assert mine == theirs
    # No jour row publishes a small count.
    for row in rows:
        if row["figure"] != "volunteer_hours" and re.fullmatch(r"\d+", row["value"]):
            assert not 0 < int(row["value"]) < 5, row


def test_exports_hold_nothing_finer_than_a_month_and_no_identifier(world: Staff) -> None:
    body, _ = get(world.national, f"/personal/forbund/statistik/statistik.csv?ar={YEAR}")
    rows = parse_csv(body)
    assert set(rows[0]) == {"year", "jour", "figure", "category", "period", "value"}
    record_ids = {str(pk) for pk in ContactRecord.objects.values_list("pk", flat=True)}
    text = body.decode()
    assert not any(pk in text for pk in record_ids)
    for row in rows:
        assert re.fullmatch(r"\d{4}(-\d{2})?", row["period"]), row
        assert not re.search(r"\d{1,2}:\d{2}", row["value"]), row
    assert not re.search(rb"[0-9a-f]{8}-[0-9a-f]{4}-", body)
    assert b"@" not in body  # no e-mail address of anyone


def test_xlsx_holds_the_same_rows_as_the_csv(world: Staff) -> None:
    body, headers = get(world.national, f"/personal/forbund/statistik/statistik.xlsx?ar={YEAR}")
    assert headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(body), read_only=True)
    sheet = book.worksheets[0]
    values = [[str(v) if v is not None else "" for v in row] for row in sheet.iter_rows(values_only=True)]
    csv_body, _ = get(world.national, f"/personal/forbund/statistik/statistik.csv?ar={YEAR}")
    csv_rows = list(csv.reader(io.StringIO(csv_body.decode())))
    assert [[number(v) for v in row] for row in values] == [[number(v) for v in row] for row in csv_rows]
    notes = [row[0] for row in book.worksheets[1].iter_rows(values_only=True)]
    assert any(str(n).startswith("<5") for n in notes)
    # Numbers are numbers in the spreadsheet; withheld figures are text.
    typed = {type(v) for row in book.worksheets[0].iter_rows(min_row=2, values_only=True) for v in row[5:]}
    assert int in typed and str in typed


def test_the_jour_xlsx_is_suppressed_too(world: Staff) -> None:
    body, _ = get(world.kvinna_a, f"/personal/jour/{world.jour_a.pk}/statistik/statistik.xlsx?ar={YEAR}")
    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    chat = [r for r in rows if r[2] == "channel" and r[3] == "chat" and r[4] == str(YEAR)]
    assert chat == [(YEAR, world.jour_a.name, "channel", "chat", str(YEAR), "<5")]


def test_a_name_that_looks_like_a_formula_is_written_as_text(world: Staff) -> None:
    Jour.objects.filter(pk=world.jour_b.pk).update(name='=HYPERLINK("x")')
    body, _ = get(world.national, f"/personal/forbund/statistik/statistik.csv?ar={YEAR}")
    jours = {r["jour"] for r in parse_csv(body)}
    assert '\'=HYPERLINK("x")' in jours
    assert not any(j.startswith("=") for j in jours)


def test_a_removed_jours_contacts_are_a_row_of_their_own(world: Staff) -> None:
    add(None, 30, channel="visit")
    body, _ = get(world.national, f"/personal/forbund/statistik/statistik.csv?ar={YEAR}")
    rows = parse_csv(body)
    former = next(
        j for j in {r["jour"] for r in rows} if j in ("Former member jourer", "Tidigare medlemsjourer")
    )
    assert find(rows, former, "channel", "visit", str(YEAR)) == "30"


def test_a_removed_jours_row_is_named_on_the_national_page(world: Staff) -> None:
    add(None, 30, channel="visit")
    body, _ = get(world.national, f"/personal/forbund/statistik/?ar={YEAR}")
    page = body.decode()
    assert '<th scope="row"></th>' not in page
    assert re.search(r'<th scope="row">(Former member jourer|Tidigare medlemsjourer)</th>', page)


def test_the_year_parameter_chooses_the_year_and_bad_input_falls_back(world: Staff) -> None:
    add(world.jour_a, 9, year=YEAR - 1, channel="email")
    body, _ = get(world.admin_a, f"/personal/jour/{world.jour_a.pk}/statistik/statistik.csv?ar={YEAR - 1}")
    rows = parse_csv(body)
    assert find(rows, world.jour_a.name, "channel", "email", str(YEAR - 1)) == "9"
    for bad in ("abc", "1999", str(YEAR + 1), "2026-01", ""):
        body, _ = get(world.admin_a, f"/personal/jour/{world.jour_a.pk}/statistik/statistik.csv?ar={bad}")
        assert {r["year"] for r in parse_csv(body)} == {str(YEAR)}, bad
