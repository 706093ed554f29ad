"""The translation catalogues: complete in Swedish, compiled, and used.

Swedish is the default language and comes entirely from the sv catalogue (the
msgids are English). Arabic covers the home page, the shared layout, the search
flow (search, results, jour pages, opening hours) and the safety page; other
Arabic strings fall back to English, never to Swedish: Django would fall back to
the default language's catalogue, so scripts/compile_messages.py compiles the
untranslated entries of the other languages with msgstr = msgid.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from fristad.directory.pages import INFO_PAGES

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
DEFAULT_LANGUAGE = settings.LANGUAGE_CODE
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


def catalogue_entries(catalogue: polib._BaseFile) -> dict[tuple[str | None, str], str | tuple[str, ...]]:
    """(msgctxt, msgid) -> msgstr (or the tuple of plural forms) of the translated entries."""
    entries: dict[tuple[str | None, str], str | tuple[str, ...]] = {}
    for e in catalogue:
        if e.obsolete:
            continue
        if e.msgid_plural:
            forms = tuple(e.msgstr_plural[i] for i in sorted(e.msgstr_plural))
            if any(forms):
                entries[(e.msgctxt, e.msgid)] = forms
        elif e.msgstr:
            entries[(e.msgctxt, e.msgid)] = e.msgstr
    return entries


def expected_mo_entries(po_path: Path) -> dict[tuple[str | None, str], str | tuple[str, ...]]:
    """What the .mo must hold: the translations of the .po, fuzzy ones left out, and,
    for every language but the default, the English msgid for each entry that is
    untranslated (or fuzzy), so that Django never falls back to Swedish."""
    fallback = po_path.parent.parent.name != DEFAULT_LANGUAGE
    expected: dict[tuple[str | None, str], str | tuple[str, ...]] = {}
    for e in polib.pofile(str(po_path)):
        if e.obsolete:
            continue
        trusted = e.translated() and "fuzzy" not in e.flags
        key = (e.msgctxt, e.msgid)
        if e.msgid_plural:
            if trusted:
                expected[key] = tuple(e.msgstr_plural[i] for i in sorted(e.msgstr_plural))
            elif fallback:
                count = len(e.msgstr_plural) or 2
                expected[key] = tuple(e.msgid if i == 1 else e.msgid_plural for i in range(count))
        elif trusted:
            expected[key] = e.msgstr
        elif fallback:
            expected[key] = e.msgid
    return expected


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
    actual = catalogue_entries(polib.mofile(str(mo_path)))
    assert actual == expected_mo_entries(po_path), "the .mo is stale: run scripts/compile_messages.py"


def test_arabic_mo_falls_back_to_english() -> None:
    po = polib.pofile(str(LOCALE_DIR / "ar" / "LC_MESSAGES" / "django.po"))
    untranslated = [e.msgid for e in po.untranslated_entries() if not e.msgid_plural]
    assert untranslated, "pick a test that does not need an untranslated Arabic string"
    compiled = catalogue_entries(polib.mofile(str(LOCALE_DIR / "ar" / "LC_MESSAGES" / "django.mo")))
    for msgid in untranslated:
        assert compiled[(None, msgid)] == msgid
    with translation.override("ar"):
        assert translation.gettext(untranslated[0]) == untranslated[0]


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


PLACEHOLDER_RE = re.compile(r"%\(\w+\)[sd]|%[sd]")


def swedish_only_fragments() -> list[str]:
    """Text that only the Swedish catalogue has: its translations (split at the
    placeholders) that are neither English msgids nor part of an Arabic translation."""
    sv = polib.pofile(str(LOCALE_DIR / "sv" / "LC_MESSAGES" / "django.po"))
    ar = polib.pofile(str(LOCALE_DIR / "ar" / "LC_MESSAGES" / "django.po"))
    arabic_text = "\n".join(e.msgstr for e in ar if e.msgstr)
    english_text = "\n".join(e.msgid for e in sv)
    fragments = set()
    for entry in sv.translated_entries():
        if entry.msgstr == entry.msgid:
            continue
        for fragment in PLACEHOLDER_RE.split(entry.msgstr):
            fragment = fragment.strip(" ,.:")
            if len(fragment) >= 3 and fragment not in arabic_text and fragment not in english_text:
                fragments.add(fragment)
    return sorted(fragments)


def swedish_in(body: str) -> list[str]:
    found = []
    for fragment in swedish_only_fragments():
        for variant in {fragment, html.escape(fragment), html.escape(fragment, quote=False)}:
            if re.search(rf"(?<!\w){re.escape(variant)}(?!\w)", body):
                found.append(fragment)
                break
    return found


def arabic(msgid: str, **values: str) -> str:
    with translation.override("ar"):
        text = translation.gettext(msgid)
    assert text != msgid, f"{msgid!r} has no Arabic translation"
    return text % values if values else text


def test_swedish_only_fragments_are_found() -> None:
    fragments = swedish_only_fragments()
    for word in ["Öppet nu", "Jourer nära", "stängt", "Ring", "Så gör du en anmälan"]:
        assert word in fragments
    assert swedish_in("<p>Ring</p>") == ["Ring"]
    assert swedish_in("<p>During</p>") == []


@pytest.mark.parametrize(
    "url",
    [
        "/ar/sok/?q=Stockholm",
        "/ar/sok/?q=Stockholm&open=1&chat=1",
        "/ar/jour/stockholm/",
        "/ar/jour/tjej-soder/",
        "/ar/jour/norrsken/",
        "/ar/jourer/",
        "/ar/sok/?q=99999",
        "/ar/sok/?q=Xyzzyville",
        "/ar/sok/",
    ],
)
def test_arabic_search_flow_has_no_swedish(url: str, sample_jourer: list[Any]) -> None:
    response = Client().get(url)
    assert response.status_code == 200
    body = response.content.decode().split("<body>", 1)[1]
    assert swedish_in(body) == []


def test_arabic_search_results_are_arabic(sample_jourer: list[Any]) -> None:
    response = Client().get("/ar/sok/?q=Stockholm")
    assert response.status_code == 200
    body = response.content.decode().split("<body>", 1)[1]
    for swedish in [
        "Öppet nu",
        "Jourer nära",
        "stängt",
        "Stängt",
        "Ring",
        "Jourtelefon",
        "finns för din kommun",
    ]:
        assert re.search(rf"(?<!\w){swedish}(?!\w)", body) is None, swedish
    text = re.sub(r"<[^>]*>", " ", body)  # visible text: class="closed" is fine
    for english in [
        "Open now",
        "Jourer near",
        "closed",
        "Closed",
        "Hotline",
        "serves your municipality",
        "Nearest",
    ]:
        assert english not in text, english
    for expected in [
        arabic("Jourer near %(name)s", name="Stockholm"),
        arabic("Find a jour"),
        arabic("Nearest jour:"),
        arabic("Hotline"),
        arabic("serves your municipality"),
        arabic("Open now"),
        arabic("See all jourer"),
    ]:
        assert expected in body, expected
    assert 'class="results"' in body
    assert "Kvinnojouren Stockholm (test)" in body


@pytest.mark.django_db
def test_untranslated_arabic_info_page_falls_back_to_english() -> None:
    body = Client().get("/ar/info/polisanmalan/").content.decode().split("<body>", 1)[1]
    # The heading is translated (it is also a footer link); the page text is not yet.
    assert f"<h1>{arabic('Reporting to the police')}</h1>" in body
    assert "<h2>How to report</h2>" in body
    assert "A police report (polisanmälan) tells the police" in body
    assert "Så gör du en anmälan" not in body
    assert "Polisanmälan" not in body
    assert swedish_in(body) == []
    # The 112 line is shared with the layout, and translated.
    assert arabic('In acute danger, call <a href="tel:112">112</a>.') in body


@pytest.mark.django_db
def test_emergency_line_is_one_translation() -> None:
    for url, expected in [
        ("/", 'Vid akut fara, ring <a href="tel:112">112</a>.'),
        ("/en/", 'In acute danger, call <a href="tel:112">112</a>.'),
        ("/ar/", arabic('In acute danger, call <a href="tel:112">112</a>.')),
    ]:
        body = Client().get(url).content.decode()
        assert f"<strong>{expected}</strong>" in body, url
    assert 'dir="ltr">112</a>' in arabic('In acute danger, call <a href="tel:112">112</a>.')
