"""Compile every fristad/locale/*/LC_MESSAGES/django.po to its .mo with polib (and those of
fristad/locale_django/, Django's own strings for languages Django has no catalogue for).

Pure Python, so it works on machines without GNU gettext (msgfmt).

Untranslated strings must fall back to English, the language of the msgids. But
Django falls back to the catalogue of the default language (Swedish), not to the
msgid, for strings that are missing from another language's catalogue. So for
every language other than the default, an entry with an empty msgstr (or a fuzzy
one, whose translation is not trusted) is compiled with msgstr = msgid (English).
The .po itself stays honest: it keeps the entry untranslated, so
percent_translated() and translators still see the gap. In the default language
fuzzy and untranslated entries are left out of the .mo, as msgfmt does (and its
catalogue is required to be complete).

    python scripts/compile_messages.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "fristad" / "locale"
DJANGO_LOCALE_DIR = LOCALE_DIR.parent / "locale_django"
DEFAULT_LANGUAGE = "sv"  # settings.LANGUAGE_CODE; its catalogue must be complete.


def language_of(po_path: Path) -> str:
    """The language code of locale/<code>/LC_MESSAGES/django.po."""
    return po_path.parent.parent.name


def with_english_fallback(po: polib.POFile) -> polib.POFile:
    """Fill every untranslated or fuzzy entry of po with its msgid, in place."""
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        elif entry.translated():
            continue
        if entry.msgid_plural:
            count = len(entry.msgstr_plural) or 2
            entry.msgstr_plural = {i: (entry.msgid if i == 1 else entry.msgid_plural) for i in range(count)}
        else:
            entry.msgstr = entry.msgid
    return po


def catalogue_for_mo(po_path: Path, default_language: str = DEFAULT_LANGUAGE) -> polib.POFile:
    """The catalogue as compiled: the .po, with the English fallback unless default."""
    po = polib.pofile(str(po_path))
    if language_of(po_path) != default_language:
        with_english_fallback(po)
    return po


def compile_all(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/django.po")):
        translated = polib.pofile(str(po_path)).percent_translated()
        mo_path = po_path.with_suffix(".mo")
        catalogue_for_mo(po_path).save_as_mofile(str(mo_path))
        written.append(mo_path)
        print(f"{mo_path.relative_to(locale_dir.parent.parent)}: {translated} % translated")
    return written


def main() -> int:
    written = compile_all()
    if DJANGO_LOCALE_DIR.is_dir():
        compile_all(DJANGO_LOCALE_DIR)
    if not written:
        print(f"No django.po files under {LOCALE_DIR}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
