"""The translation catalogues: complete in Swedish, compiled, and used.

Swedish is the default language and comes entirely from the sv catalogue (the
msgids are English). Arabic covers the home page, the shared layout and the
safety page; other Arabic strings fall back to English.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from fristad.directory.pages import INFO_PAGES

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
PACKAGE_DIR = LOCALE_DIR.parent
PO_FILES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))

# The templates whose every string must be translated into Arabic.
ARABIC_TEMPLATES = {
    "/ar/": [
        "web/templates/web/base.html",
        "directory/templates/directory/home.html",
        "directory/templates/directory/_search_form.html",
    ],
    "/ar/info/din-sakerhet/": [
        "web/templates/web/base.html",
        "directory/templates/directory/info/din-sakerhet.html",
    ],
}

TRANSLATE_RE = re.compile(r"""\{%\s*translate\s+(?:"([^"]*)"|'([^']*)')\s*%\}""")
BLOCK_RE = re.compile(r"\{%\s*blocktranslate\s+trimmed\s*%\}(.*?)\{%\s*endblocktranslate\s*%\}", re.DOTALL)


def template_msgids(relative: str) -> set[str]:
    """The msgids of a template, as makemessages extracts them (trimmed blocks joined)."""
    text = (PACKAGE_DIR / relative).read_text(encoding="utf-8")
    ids = {a or b for a, b in TRANSLATE_RE.findall(text)}
    for block in BLOCK_RE.findall(text):
        ids.add(" ".join(line.strip() for line in block.splitlines() if line.strip()))
    return ids


def catalogue_entries(catalogue: polib._BaseFile) -> dict[tuple[str | None, str], str]:
    return {(e.msgctxt, e.msgid): e.msgstr for e in catalogue if e.msgstr and not e.obsolete}


def test_catalogues_exist() -> None:
    assert {p.parent.parent.name for p in PO_FILES} >= {"sv", "ar"}


def test_swedish_catalogue_is_complete() -> None:
    po = polib.pofile(str(LOCALE_DIR / "sv" / "LC_MESSAGES" / "django.po"))
    assert not po.metadata_is_fuzzy
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert po.percent_translated() == 100


def test_arabic_catalogue_header_is_valid() -> None:
    po = polib.pofile(str(LOCALE_DIR / "ar" / "LC_MESSAGES" / "django.po"))
    assert po.metadata["Language"] == "ar"
    assert po.metadata["Plural-Forms"].startswith("nplurals=6; plural=")
    assert [e.msgid for e in po.fuzzy_entries()] == []


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: p.parent.parent.name)
def test_mo_is_up_to_date(po_path: Path, tmp_path: Path) -> None:
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run scripts/compile_messages.py"
    fresh = tmp_path / "fresh.mo"
    polib.pofile(str(po_path)).save_as_mofile(str(fresh))
    expected = catalogue_entries(polib.mofile(str(fresh)))
    actual = catalogue_entries(polib.mofile(str(mo_path)))
    assert actual == expected, "the .mo is stale: run scripts/compile_messages.py"


@pytest.mark.django_db
@pytest.mark.parametrize("url", list(ARABIC_TEMPLATES))
def test_arabic_pages_are_rtl_and_translated(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r'<html lang="ar" dir="rtl"', page)
    # The neutral <title> is the same in every language; look at the body only.
    body = page.split("<body>", 1)[1]
    msgids = set().union(*(template_msgids(t) for t in ARABIC_TEMPLATES[url]))
    assert "Leave this page quickly" in msgids
    untranslated = sorted(
        m for m in msgids if m in body or html.escape(m) in body or html.escape(m, quote=False) in body
    )
    assert untranslated == []
    assert "Leave this page quickly" not in body


@pytest.mark.django_db
def test_arabic_footer_headings_are_translated() -> None:
    body = Client().get("/ar/").content.decode()
    for page in INFO_PAGES:
        with translation.override("en"):
            english = str(page.heading)
        with translation.override("ar"):
            arabic = str(page.heading)
        assert arabic != english
        assert html.escape(english) not in body
        assert arabic in body


@pytest.mark.django_db
def test_swedish_and_english_home() -> None:
    swedish = Client().get("/").content.decode()
    assert "Få stöd" in swedish
    assert "Lämna sidan snabbt" in swedish
    assert 'lang="sv"' in swedish
    english = Client().get("/en/").content.decode()
    assert "Get support" in english
    assert "Leave this page quickly" in english


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", ["", "/en", "/ar"])
@pytest.mark.parametrize("slug", [p.slug for p in INFO_PAGES])
def test_info_pages_render(prefix: str, slug: str) -> None:
    response = Client().get(f"{prefix}/info/{slug}/")
    assert response.status_code == 200
    assert b"<h1>" in response.content


@pytest.mark.django_db
def test_swedish_info_page_is_swedish() -> None:
    body = Client().get("/info/vad-ar-en-kvinnojour/").content.decode()
    assert "<h1>Vad är en kvinnojour?</h1>" in body
    assert "tystnadslöfte" in body
    assert "Only women work at the jourer" not in body
    safety = Client().get("/info/din-sakerhet/").content.decode()
    assert "Snabbutgången raderar inte din historik." in safety
