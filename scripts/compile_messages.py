"""Compile every fristad/locale/*/LC_MESSAGES/django.po to its .mo with polib.

Pure Python, so it works on machines without GNU gettext (msgfmt). Fuzzy and
untranslated entries are left out of the .mo, as msgfmt does, so they fall back
to the English msgid.

    python scripts/compile_messages.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "fristad" / "locale"


def compile_all(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/django.po")):
        po = polib.pofile(str(po_path))
        mo_path = po_path.with_suffix(".mo")
        po.save_as_mofile(str(mo_path))
        written.append(mo_path)
        print(f"{mo_path.relative_to(locale_dir.parent.parent)}: {po.percent_translated()} % translated")
    return written


def main() -> int:
    if not compile_all():
        print(f"No django.po files under {LOCALE_DIR}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
