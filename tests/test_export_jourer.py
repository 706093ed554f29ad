"""export-jourer: what it writes, import-jourer reads back unchanged."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from fristad.directory import jourfile
from fristad.directory.demo import demo_network_build
from fristad.directory.models import Jour
from fristad.directory.selectors import jourer_export_specs
from fristad.directory.services import jour_set_active, jourer_import


@pytest.fixture
def directory(sample_jourer: list[Jour]) -> int:
    assert demo_network_build().ok
    return Jour.objects.count()


def export(fmt: str) -> str:
    out = io.StringIO()
    call_command("export_jourer", "--format", fmt, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_round_trip_into_an_empty_directory(directory: int, fmt: str) -> None:
    first = export(fmt)
    assert first == jourfile.write(jourer_export_specs(), fmt)
    Jour.objects.all().delete()
    result = jourer_import(text=first, fmt=fmt)
    assert result.ok, result.errors[:5]
    assert (result.created, result.updated) == (directory, 0)
    assert export(fmt) == first


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_reimport_over_itself_changes_nothing(directory: int, fmt: str) -> None:
    first = export(fmt)
    result = jourer_import(text=first, fmt=fmt)
    assert (result.created, result.updated) == (0, directory)
    assert export(fmt) == first


def test_csv_and_json_carry_the_same_directory(directory: int) -> None:
    as_json, as_csv = export("json"), export("csv")
    Jour.objects.all().delete()
    result = jourer_import(text=as_csv, fmt="csv")
    assert result.ok, result.errors[:5]
    assert result.created == directory
    assert export("json") == as_json


def test_default_is_json_on_stdout(sample_jourer: list[Jour]) -> None:
    data = json.loads(export("json"))
    out = io.StringIO()
    call_command("export_jourer", stdout=out)
    assert json.loads(out.getvalue()) == data
    assert [row["slug"] for row in data] == sorted(j.slug for j in sample_jourer)
    stockholm = next(row for row in data if row["slug"] == "stockholm")
    assert stockholm["home_municipality"] == "0180"
    assert stockholm["served_municipalities"] == ["0180", "0184"]
    assert stockholm["phones"] == [
        {"kind": "jourtelefon", "number": "070-1740606", "hours": _every_day_whole(), "exceptions": ""}
    ]


def _every_day_whole() -> str:
    return ", ".join(f"{day} 00:00-24:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_output_option_writes_the_file(sample_jourer: list[Jour], tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"jourer.{fmt}"
    out = io.StringIO()
    call_command("export_jourer", "--format", fmt, "--output", str(target), stdout=out)
    assert target.read_text(encoding="utf-8") == jourfile.write(jourer_export_specs(), fmt)
    assert f"Exported {len(sample_jourer)} jourer to {target}" in out.getvalue()
    # And import-jourer reads the file back, inferring the format from the name.
    Jour.objects.all().delete()
    out = io.StringIO()
    call_command("import_jourer", str(target), stdout=out)
    assert f"{len(sample_jourer)} created" in out.getvalue()


def test_csv_export_has_the_documented_columns(sample_jourer: list[Jour]) -> None:
    header, *rows = export("csv").splitlines()
    assert header.split(",") == jourfile.CSV_COLUMNS
    assert len(rows) == len(sample_jourer)


def test_empty_directory_exports_an_empty_file(db: None) -> None:
    assert json.loads(export("json")) == []
    assert export("csv").splitlines() == [",".join(jourfile.CSV_COLUMNS)]


def test_round_trip_keeps_an_inactive_jour_inactive(sample_jourer: list[Jour]) -> None:
    jour_set_active(jour=Jour.objects.get(slug="malmo"), active=False)
    text = export("json")
    Jour.objects.all().delete()
    assert jourer_import(text=text, fmt="json").ok
    assert not Jour.objects.get(slug="malmo").is_active
