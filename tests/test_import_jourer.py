"""import-jourer: CSV and JSON jour files, every problem with its line, all or nothing."""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fristad.directory import jourfile
from fristad.directory.models import Jour, OpeningException, Phone
from fristad.directory.selectors import jourer_export_specs
from fristad.directory.services import jourer_import

HEADER = "name,slug,kind,home_municipality,served_municipalities,chats,languages,services,phones\n"


def csv_row(**cells: str) -> str:
    defaults = {
        "name": "Kvinnojouren Exempel",
        "slug": "exempel",
        "kind": "kvinnojour",
        "home_municipality": "0180",
        "served_municipalities": "",
        "chats": "no",
        "languages": "sv",
        "services": "samtalsstod",
        "phones": "jourtelefon 070-1740610 | mon-fri 09:00-21:00",
    }
    defaults.update(cells)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(defaults[c] for c in HEADER.strip().split(","))
    return out.getvalue()


def json_row(**fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "name": "Kvinnojouren Exempel",
        "slug": "exempel",
        "home_municipality": "0180",
        "phones": [{"kind": "jourtelefon", "number": "070-1740610", "hours": "mon-fri 09:00-21:00"}],
    }
    row.update(fields)
    return row


def run(tmp_path: Path, name: str, content: str | bytes, *args: str) -> tuple[str, str]:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_jourer", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fails(tmp_path: Path, name: str, content: str | bytes, *args: str) -> tuple[str, str]:
    """Run the command expecting refusal; the error lines and the CommandError message."""
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_jourer", str(path), *args, stdout=io.StringIO(), stderr=err)
    return err.getvalue(), str(raised.value)


def export() -> str:
    return jourfile.write(jourer_export_specs(), "json")


# --- valid files ---------------------------------------------------------------------


def test_valid_csv_import(db: None, tmp_path: Path) -> None:
    text = (
        "name,slug,kind,home_municipality,served_municipalities,chats,languages,services,"
        "accessibility_notes,email,website,member_since,phones,is_demo\n"
        'Kvinnojouren Malmö,malmo,kvinnojour,Malmö,"Vellinge, lund",ja,"sv,ar",'
        '"samtalsstod,skyddat_boende","Ramp vid entrén.\nTeckentolk kan bokas.",'
        "kontakt@malmo.example,https://malmo.example/,1985-03-08,"
        '"jourtelefon 070-1740610 | mån-fre 09:00-21:00, lör 18:00-02:00 | 2026-12-24 closed (Julafton); '
        'office 08-46500400 | mon 10:00-12:00",no\n'
        "Tjejjouren Norr,tjej-norr,tjejjour,2584,,no,sv,samtalsstod,,,,,"
        "jourtelefon 070-1740611 | mon-sun 00:00-24:00,yes\n"
    )
    out, err = run(tmp_path, "jourer.csv", text)
    assert "2 created, 0 updated" in out and err == ""

    malmo = Jour.objects.get(slug="malmo")
    assert malmo.name == "Kvinnojouren Malmö"
    assert malmo.home_municipality_id == "1280"
    assert set(malmo.served_municipalities.values_list("code", flat=True)) == {"1280", "1233", "1281"}
    assert malmo.chats and not malmo.is_demo
    assert malmo.accessibility_notes == "Ramp vid entrén.\nTeckentolk kan bokas."
    assert malmo.member_since == date(1985, 3, 8)
    assert sorted(malmo.languages.values_list("language", flat=True)) == ["ar", "sv"]
    assert sorted(malmo.services.values_list("service", flat=True)) == ["samtalsstod", "skyddat_boende"]
    hotline, office = malmo.phones.all()
    assert (hotline.kind, hotline.number, office.kind, office.number) == (
        "jourtelefon",
        "070-1740610",
        "office",
        "08-46500400",
    )
    assert list(hotline.weekly_hours.values_list("weekday", "opens", "closes")) == [
        *[(day, time(9), time(21)) for day in range(5)],
        (5, time(18), time(2)),
    ]
    exception = hotline.exceptions.get()
    assert (exception.date, exception.closed, exception.note) == (date(2026, 12, 24), True, "Julafton")

    norr = Jour.objects.get(slug="tjej-norr")
    assert norr.kind == "tjejjour" and norr.is_demo
    assert list(norr.served_municipalities.values_list("code", flat=True)) == ["2584"]
    assert norr.phones.get().weekly_hours.count() == 7

    # Importing again updates in place.
    out, _ = run(tmp_path, "jourer.csv", text)
    assert "0 created, 2 updated" in out
    assert Jour.objects.count() == 2 and Phone.objects.count() == 3


def test_valid_json_import(db: None, tmp_path: Path) -> None:
    rows = [
        json_row(
            slug="goteborg",
            name="Kvinnojouren Göteborg",
            home_municipality="Göteborg",
            served_municipalities=["1480", "partille"],
            chats=True,
            languages=["sv", "so"],
            services=["samtalsstod"],
            phones=[
                {
                    "kind": "jourtelefon",
                    "number": "070-1740612",
                    "hours": "mon-fri 18:00-02:00",
                    "exceptions": "2026-12-31 10:00-14:00 (Nyårsafton)",
                }
            ],
        ),
        json_row(slug="gotland", home_municipality="0980", phones="jourtelefon 070-1740613"),
    ]
    out, _ = run(tmp_path, "jourer.json", json.dumps(rows, indent=2, ensure_ascii=False))
    assert "2 created, 0 updated" in out
    goteborg = Jour.objects.get(slug="goteborg")
    assert goteborg.home_municipality_id == "1480"
    assert set(goteborg.served_municipalities.values_list("code", flat=True)) == {"1480", "1402"}
    exception = OpeningException.objects.get(phone__jour=goteborg)
    assert (exception.closed, exception.opens, exception.closes, exception.note) == (
        False,
        time(10),
        time(14),
        "Nyårsafton",
    )
    assert Jour.objects.get(slug="gotland").phones.get().weekly_hours.count() == 0


def test_municipality_by_name_ignoring_case_and_accents(db: None) -> None:
    text = HEADER + csv_row(home_municipality="MALMÖ", served_municipalities="malmo,Lund,Vellinge")
    result = jourer_import(text=text, fmt="csv")
    assert result.ok, result.errors
    jour = Jour.objects.get()
    assert jour.home_municipality_id == "1280"
    assert set(jour.served_municipalities.values_list("code", flat=True)) == {"1280", "1281", "1233"}


def test_no_postal_codes_or_addresses_in_the_format(db: None) -> None:
    assert not {"postal_code", "address", "street"} & set(jourfile.CSV_COLUMNS)
    result = jourer_import(text=HEADER.strip() + ",postal_code\n" + csv_row().strip() + ",11520\n", fmt="csv")
    assert [str(e) for e in result.errors] == ["line 1: unknown columns: postal_code"]
    assert not Jour.objects.exists()


def test_stdin_and_format_option(db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = json.dumps([json_row(slug="fran-stdin")]).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    out = io.StringIO()
    call_command("import_jourer", "-", stdout=out)
    assert "1 created" in out.getvalue()
    # An unknown extension needs --format.
    _, message = fails(tmp_path, "jourer.txt", HEADER + csv_row(slug="txt"))
    assert "--format" in message
    out_text, _ = run(tmp_path, "jourer.txt", HEADER + csv_row(slug="txt"), "--format", "csv")
    assert "1 created" in out_text
    assert sorted(Jour.objects.values_list("slug", flat=True)) == ["fran-stdin", "txt"]


# --- problems, with their lines -------------------------------------------------------


def test_csv_errors_have_the_right_lines_after_a_multiline_cell(db: None, tmp_path: Path) -> None:
    text = (
        HEADER  # line 1
        + csv_row(slug="first")  # line 2
        + csv_row(slug="multi", name="Kvinnojouren\nmed\nradbrytningar")  # lines 3-5
        + csv_row(slug="bad-municipality", home_municipality="Atlantis")  # line 6
        + csv_row(slug="fine")  # line 7
        + csv_row(slug="bad-hours", phones="jourtelefon 070-1740611 | mon 25:00-26:00")  # line 8
    )
    errors, message = fails(tmp_path, "jourer.csv", text)
    assert errors.splitlines() == [
        "line 6: municipality 'Atlantis' is not a known municipality code or name",
        "line 8: '25:00' is not a time like 09:00",
    ]
    assert "2 problems" in message and "Nothing was imported" in message
    assert not Jour.objects.exists()


def test_json_errors_have_the_right_lines(db: None, tmp_path: Path) -> None:
    rows = [
        json_row(slug="one"),
        json_row(slug="two", kind="shelter"),
        json_row(slug="three", accessibility_notes="Rad ett.\nRad två."),
        json_row(
            slug="four",
            phones=[{"kind": "jourtelefon", "number": "070-1740614", "hours": "xyz 09:00-10:00"}],
        ),
    ]
    text = json.dumps(rows, indent=2)
    lines = text.splitlines()
    starts = [i + 1 for i, line in enumerate(lines) if line == "  {"]
    assert len(starts) == 4
    errors, _ = fails(tmp_path, "jourer.json", text)
    assert errors.splitlines() == [
        f"line {starts[1]}: kind 'shelter' is not one of kvinnojour, tjejjour, both",
        f"line {starts[3]}: 'xyz' is not a day (mon, tue, … or mån, tis, …)",
    ]
    assert not Jour.objects.exists()


def test_nothing_is_imported_when_one_row_is_wrong(sample_jourer: list[Jour], tmp_path: Path) -> None:
    before = export()
    text = (
        HEADER
        + csv_row(slug="stockholm", name="Renamed", home_municipality="0180")
        + csv_row(slug="brand-new")
        + csv_row(slug="broken", phones="jourtelefon not-a-number")
        + csv_row(slug="also-new")
    )
    errors, _ = fails(tmp_path, "jourer.csv", text)
    assert errors.splitlines() == ["line 4: 'not-a-number' is not a phone number"]
    assert export() == before
    assert Jour.objects.get(slug="stockholm").name == "Kvinnojouren Stockholm (test)"


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"home_municipality": "9999"}, "municipality '9999' is not a known municipality code or name"),
        ({"served_municipalities": "0180,Narnia"}, "municipality 'Narnia' is not a known"),
        ({"phones": "jourtelefon 12"}, "'12' is not a phone number"),
        ({"phones": "fax 070-1740610"}, "phone kind 'fax' is not one of"),
        ({"phones": "jourtelefon 070-1740610 | mon 25:00-26:00"}, "'25:00' is not a time like 09:00"),
        ({"phones": "jourtelefon 070-1740610 | xyz 09:00-10:00"}, "'xyz' is not a day"),
        ({"phones": "jourtelefon 070-1740610 | fri-mon 09:00-10:00"}, "day range 'fri-mon' runs backwards"),
        ({"phones": "jourtelefon 070-1740610 | mon-fri"}, "needs days and a time span"),
        (
            {"phones": "jourtelefon 070-1740610 | mon 09:00-10:00 | 2026-02-30 closed"},
            "'2026-02-30' is not a date",
        ),
        ({"phones": "jourtelefon 070-1740610 | | julafton"}, "is not an exception like"),
        ({"kind": "shelter"}, "kind 'shelter' is not one of kvinnojour, tjejjour, both"),
        ({"languages": "sv,klingon"}, "language 'klingon' is not one of"),
        ({"services": "samtalsstod,massage"}, "service 'massage' is not one of"),
        ({"chats": "kanske"}, "chats must be yes or no, not 'kanske'"),
        ({"slug": "två ord"}, "slug 'två ord' may only hold letters, digits, - and _"),
        ({"name": ""}, "name is required"),
        ({"phones": ""}, "phones is required"),
    ],
)
def test_each_bad_cell_is_reported_on_its_line(
    db: None, tmp_path: Path, cells: dict[str, str], message: str
) -> None:
    text = HEADER + csv_row(slug="good") + csv_row(**{"slug": "bad", **cells})
    errors, _ = fails(tmp_path, "jourer.csv", text)
    assert errors.splitlines(), errors
    assert all(line.startswith("line 3: ") for line in errors.splitlines()), errors
    assert message in errors
    assert not Jour.objects.exists()


def test_bad_email_website_and_date(db: None) -> None:
    row = json_row(email="not an address", website="javascript:alert(1)", member_since="1995-13-01")
    result = jourer_import(text=json.dumps([row]), fmt="json")
    assert [str(e) for e in result.errors] == [
        "line 1: email 'not an address' is not an e-mail address",
        "line 1: website 'javascript:alert(1)' is not a web address",
        "line 1: member_since '1995-13-01' is not a date like 1995-03-08",
    ]


def test_duplicate_slug_in_the_file(db: None, tmp_path: Path) -> None:
    text = HEADER + csv_row(slug="same") + csv_row(slug="other") + csv_row(slug="same")
    errors, _ = fails(tmp_path, "jourer.csv", text)
    assert errors.splitlines() == ["line 4: slug 'same' is already used on line 2"]
    text = json.dumps([json_row(slug="same"), json_row(slug="same")], indent=2)
    second = [i + 1 for i, line in enumerate(text.splitlines()) if line == "  {"][1]
    assert second > 2
    result = jourer_import(text=text, fmt="json")
    assert [str(e) for e in result.errors] == [f"line {second}: slug 'same' is already used on line 2"]
    assert not Jour.objects.exists()


def test_wrong_columns(db: None, tmp_path: Path) -> None:
    errors, message = fails(
        tmp_path, "jourer.csv", "namn,slug,kommun,phones\nA,a,0180,jourtelefon 070-1740610\n"
    )
    assert errors.splitlines() == [
        "line 1: unknown columns: namn, kommun; missing columns: name, home_municipality"
    ]
    assert "1 problem in" in message
    errors, _ = fails(tmp_path, "jourer.csv", HEADER + csv_row().strip() + ",extra\n")
    assert errors.splitlines() == ["line 2: the row has more cells than the header"]
    assert not Jour.objects.exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[\n  {"name": "A",\n   "slug": }\n]', "line 3: Expecting value"),
        ('{"name": "A"}', "line 1: a JSON jour file is a list of objects"),
        (
            '[\n  {"name": "A", "slug": "a", "home_municipality": "0180",'
            ' "phones": "jourtelefon 070-1740610"}\n',
            "line 3: the list is not closed with ]",
        ),
        ('[\n  "just a string"\n]', "line 2: each entry must be an object"),
    ],
)
def test_malformed_json(db: None, tmp_path: Path, text: str, expected: str) -> None:
    errors, _ = fails(tmp_path, "jourer.json", text)
    assert len(errors.splitlines()) == 1
    assert errors.startswith(expected)
    assert not Jour.objects.exists()


@pytest.mark.parametrize("name", ["jourer.csv", "jourer.json"])
def test_empty_file(db: None, tmp_path: Path, name: str) -> None:
    _, message = fails(tmp_path, name, "")
    assert "is empty" in message and "Nothing was imported" in message
    _, message = fails(tmp_path, name, "\n  \n")
    assert "is empty" in message


def test_empty_file_through_the_service(db: None) -> None:
    assert [str(e) for e in jourer_import(text="", fmt="csv").errors] == [
        "line 1: missing columns: name, slug, home_municipality, phones"
    ]
    assert not jourer_import(text="", fmt="json").ok
    assert not jourer_import(text=HEADER + csv_row(), fmt="xml").ok


def test_unreadable_file_is_a_clear_error(db: None, tmp_path: Path) -> None:
    latin1 = (HEADER + csv_row(home_municipality="Malmö")).encode("latin-1")
    _, message = fails(tmp_path, "jourer.csv", latin1)
    assert "is not UTF-8" in message and "Nothing was imported" in message
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_jourer", str(tmp_path / "missing.csv"))
    with pytest.raises(CommandError, match="is a directory"):
        call_command("import_jourer", str(tmp_path))
    assert not Jour.objects.exists()


def test_a_byte_order_mark_is_fine(db: None, tmp_path: Path) -> None:
    out, _ = run(tmp_path, "jourer.csv", ("\ufeff" + HEADER + csv_row()).encode("utf-8"))
    assert "1 created" in out


# --- known bugs (see the report) ------------------------------------------------------


def test_csv_line_numbers_after_a_blank_line(db: None) -> None:
    text = HEADER + csv_row(slug="a") + "\n" + csv_row(slug="b", home_municipality="Atlantis")
    result = jourer_import(text=text, fmt="csv")
    assert [e.line for e in result.errors] == [4]


def test_phone_number_longer_than_the_column_is_a_row_error(db: None) -> None:
    number = "+46 70 174 06 05 0000"
    assert len(number) == 21
    result = jourer_import(text=HEADER + csv_row(phones=f"jourtelefon {number}"), fmt="csv")
    assert not result.ok


def test_json_that_is_not_json_is_refused(db: None) -> None:
    one = json.dumps(json_row(slug="a"))
    two = json.dumps(json_row(slug="b"))
    result = jourer_import(text=f"[{one} {two}] trailing garbage", fmt="json")
    assert not result.ok
