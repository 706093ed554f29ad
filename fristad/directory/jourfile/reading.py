"""Reading a jour file: CSV or strict JSON into rows with the line each starts on, then every
row validated (``parse``)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

from fristad.directory.jourfile.spec import (
    CSV_COLUMNS,
    MAX_ROWS,
    REQUIRED,
    FileFormatError,
    JourSpec,
    RowError,
)
from fristad.directory.jourfile.validation import validate_row


def read_rows(text: str, fmt: str) -> list[tuple[int, dict[str, Any]]]:
    """Rows with the line each starts on. Raises FileFormatError for an unreadable file."""
    if fmt == "json":
        return _read_json(text)
    if fmt == "csv":
        return _read_csv(text)
    raise FileFormatError(1, f"unknown format '{fmt}' (csv or json)")


def _read_csv(text: str) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = next(reader, [])
    except csv.Error as error:
        raise FileFormatError(1, str(error)) from None
    header = [column.strip() for column in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    if unknown or missing:
        problems = []
        if unknown:
            problems.append(f"unknown columns: {', '.join(unknown)}")
        if missing:
            problems.append(f"missing columns: {', '.join(missing)}")
        raise FileFormatError(1, "; ".join(problems))
    rows: list[tuple[int, dict[str, Any]]] = []
    # A row starts on the line after the previous row ended; blank lines are skipped.
    previous_end = reader.line_num
    try:
        for cells in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if not cells or not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                rows.append((start, {"__error__": "the row has more cells than the header"}))
            else:
                rows.append((start, dict(zip(header, cells, strict=False))))
            if len(rows) > MAX_ROWS:
                raise FileFormatError(start, f"more than {MAX_ROWS} rows")
    except csv.Error as error:
        raise FileFormatError(reader.line_num, str(error)) from None
    return rows


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _read_json(text: str) -> list[tuple[int, dict[str, Any]]]:
    """A strict JSON list of objects, remembering the line each object starts on."""
    decoder = json.JSONDecoder()
    text = text.lstrip("\ufeff")
    position = _skip_space(text, 0)
    if position >= len(text) or text[position] != "[":
        raise FileFormatError(1, "a JSON jour file is a list of objects: [ {…}, {…} ]")
    position = _skip_space(text, position + 1)
    rows: list[tuple[int, dict[str, Any]]] = []
    if position < len(text) and text[position] == "]":
        position += 1
    else:
        while True:
            line = _line_of(text, position)
            try:
                value, position = decoder.raw_decode(text, position)
            except json.JSONDecodeError as error:
                raise FileFormatError(error.lineno, error.msg) from None
            rows.append(
                (line, value if isinstance(value, dict) else {"__error__": "each entry must be an object"})
            )
            if len(rows) > MAX_ROWS:
                raise FileFormatError(line, f"more than {MAX_ROWS} rows")
            position = _skip_space(text, position)
            if position < len(text) and text[position] == ",":
                position = _skip_space(text, position + 1)
                if position < len(text) and text[position] == "]":
                    raise FileFormatError(_line_of(text, position), "a comma before ] (trailing comma)")
                continue
            if position < len(text) and text[position] == "]":
                position += 1
                break
            if position >= len(text):
                raise FileFormatError(_line_of(text, position), "the list is not closed with ]")
            raise FileFormatError(_line_of(text, position), "expected , or ] after an object")
    position = _skip_space(text, position)
    if position < len(text):
        raise FileFormatError(_line_of(text, position), "unexpected text after the closing ]")
    return rows


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def parse(text: str, fmt: str, municipalities: Mapping[str, str]) -> tuple[list[JourSpec], list[RowError]]:
    """Every row validated; every problem reported with its line number."""
    specs: list[JourSpec] = []
    errors: list[RowError] = []
    seen_slugs: dict[str, int] = {}
    for line, raw in read_rows(text, fmt):
        if "__error__" in raw:
            errors.append(RowError(line, raw["__error__"]))
            continue
        spec, problems = validate_row(raw, municipalities)
        errors.extend(RowError(line, p) for p in problems)
        if spec:
            if spec.slug in seen_slugs:
                errors.append(
                    RowError(line, f"slug '{spec.slug}' is already used on line {seen_slugs[spec.slug]}")
                )
            seen_slugs.setdefault(spec.slug, line)
            specs.append(spec)
    return specs, errors
