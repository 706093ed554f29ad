"""Writing a jour file (``export-jourer``): CSV or JSON, read back to the same jourer."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from fristad.directory.jourfile.notation import format_exceptions, format_phone, format_weekly
from fristad.directory.jourfile.spec import CSV_COLUMNS, FileFormatError, JourSpec


def to_json_object(spec: JourSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "slug": spec.slug,
        "kind": spec.kind,
        "home_municipality": spec.home_municipality,
        "served_municipalities": spec.served_municipalities,
        "chats": spec.chats,
        "languages": spec.languages,
        "services": spec.services,
        "accessibility_notes": spec.accessibility_notes,
        "email": spec.email,
        "website": spec.website,
        "member_since": spec.member_since.isoformat() if spec.member_since else "",
        "phones": [
            {
                "kind": p.kind,
                "number": p.number,
                "hours": format_weekly(p.weekly),
                "exceptions": format_exceptions(p.exceptions),
            }
            for p in spec.phones
        ],
        "is_demo": spec.is_demo,
        "is_active": spec.is_active,
    }


def write(specs: Iterable[JourSpec], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([to_json_object(s) for s in specs], ensure_ascii=False, indent=2) + "\n"
    if fmt != "csv":
        raise FileFormatError(1, f"unknown format '{fmt}' (csv or json)")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for spec in specs:
        row = to_json_object(spec)
        for key in ("served_municipalities", "languages", "services"):
            row[key] = ",".join(row[key])
        for key in ("chats", "is_demo", "is_active"):
            row[key] = "yes" if row[key] else "no"
        row["phones"] = "; ".join(format_phone(p) for p in spec.phones)
        writer.writerow(row)
    return out.getvalue()
