"""The jour file: the CSV and JSON format that ``import-jourer`` reads and
``export-jourer`` writes. Pure parsing and validation; no database writes.

One jour per CSV row (or JSON object). Multi-valued fields are comma-separated in
CSV and lists in JSON. Phones use one compact notation in both::

    jourtelefon 070-1740605 | mon-fri 09:00-21:00, sat 18:00-02:00 | 2026-12-24 closed (Julafton)

kind and number, then the weekly hours, then dated exceptions. In CSV several
phones are separated by ``;``; in JSON ``phones`` is a list of objects with
``kind``, ``number``, ``hours`` and ``exceptions``. Days not named are closed; a
slot whose end is not after its start runs past midnight; ``00:00-24:00`` is the
whole day. Swedish day names (mån, tis, ons, tor, fre, lör, sön) work too.

The modules: ``spec`` (the columns and what a row becomes), ``notation`` (the phone
notation both ways), ``validation`` (one row checked), ``reading`` (a file into rows, and
``parse``: every row validated), ``writing`` (``write``). Callers import from here.
"""

from fristad.directory.jourfile.notation import (
    format_exceptions,
    format_phone,
    format_weekly,
    parse_exceptions,
    parse_phone,
    parse_weekly,
    phone_spec,
)
from fristad.directory.jourfile.reading import parse, read_rows
from fristad.directory.jourfile.spec import (
    CSV_COLUMNS,
    MAX_ROWS,
    REQUIRED,
    ExceptionSpec,
    FileFormatError,
    JourSpec,
    PhoneSpec,
    RowError,
    WeeklySlot,
)
from fristad.directory.jourfile.validation import validate_row
from fristad.directory.jourfile.writing import to_json_object, write

__all__ = [
    "CSV_COLUMNS",
    "MAX_ROWS",
    "REQUIRED",
    "ExceptionSpec",
    "FileFormatError",
    "JourSpec",
    "PhoneSpec",
    "RowError",
    "WeeklySlot",
    "format_exceptions",
    "format_phone",
    "format_weekly",
    "parse",
    "parse_exceptions",
    "parse_phone",
    "parse_weekly",
    "phone_spec",
    "read_rows",
    "to_json_object",
    "validate_row",
    "write",
]
