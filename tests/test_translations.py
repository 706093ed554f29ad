"""The translation catalogues: complete for the public site in every language, compiled, used.

Swedish is the default language and comes entirely from the sv catalogue (the msgids are
English). Every language of settings.COMPLETE_LANGUAGES has every public string
translated (tests/public_msgids.py reads them from the public templates and modules), in
all its plural forms, with placeholders, HTML tags and phone numbers kept. Every public
page, rendered in every language, looks up only translated strings (recorded at the
gettext call) and shows no English or Swedish text that is not the name of a jour or a
place. Staff-only strings stay untranslated in the public-only languages and fall back to
English, never to Swedish: Django would fall back to the default language's catalogue, so
scripts/compile_messages.py compiles the untranslated entries with msgstr = msgid.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polib
import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.utils import translation
from django.utils.translation import trans_real

from fristad.directory import chatstatus
from fristad.directory.chatstatus import ChatStatus
from fristad.directory.pages import INFO_PAGES
from fristad.web import views as error_views
from tests.conftest import SAMPLE_JOURER
from tests.public_msgids import Key, keys_of, public_keys

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
DJANGO_LOCALE_DIR = Path(settings.LOCALE_PATHS[1])
DEFAULT_LANGUAGE = settings.LANGUAGE_CODE
PACKAGE_DIR = LOCALE_DIR.parent
PO_FILES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po")) + sorted(
    DJANGO_LOCALE_DIR.glob("*/LC_MESSAGES/django.po")
)
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
# Languages with a catalogue of their own (English is the msgid language).
TRANSLATED = [code for code in settings.COMPLETE_LANGUAGES if code != "en"]
# Translations that a native speaker reviews (docs/translations.md).
REVIEWED_LANGUAGES = [code for code in LANGUAGE_CODES if code not in ("sv", "en")]
RTL = {"ar", "fa"}
# Scripts other than Latin: any Latin word on their pages must be a name or a Swedish
# term the translation itself gives.
NON_LATIN = {"ar", "fa", "ti", "uk"}
# CLDR's plural rules for the languages Django has no catalogue of its own for; the
# others must match Django's own django/conf/locale/<code>/LC_MESSAGES/django.po.
CLDR_PLURAL_FORMS = {
    "so": "nplurals=2; plural=(n != 1);",
    "ti": "nplurals=2; plural=(n > 1);",
}
REVIEW_PENDING = "machine translation, needs review by a native speaker"
REVIEW_DONE = "reviewed by a native speaker"


def po_path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / "django.po"


def load(code: str) -> polib.POFile:
    return polib.pofile(str(po_path(code)))


def language_param(code: str) -> Any:
    return pytest.param(code, id=code)


# --- Helpers -------------------------------------------------------------------------


def template_msgids(relative: str) -> set[str]:
    """The msgids of a template (relative to fristad/), as makemessages extracts them."""
    return {msgid for _context, msgid in keys_of(relative)}


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


def expected_mo_entries(po_file: Path) -> dict[tuple[str | None, str], str | tuple[str, ...]]:
    """What the .mo must hold: the translations of the .po, fuzzy ones left out, and,
    for every language but the default, the English msgid for each entry that is
    untranslated (or fuzzy), so that Django never falls back to Swedish."""
    fallback = po_file.parent.parent.name != DEFAULT_LANGUAGE
    expected: dict[tuple[str | None, str], str | tuple[str, ...]] = {}
    for e in polib.pofile(str(po_file)):
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


def trusted_entries(code: str) -> dict[Key, polib.POEntry]:
    """(msgctxt, msgid) -> entry, for the entries translated and not fuzzy."""
    return {
        (e.msgctxt, e.msgid): e
        for e in load(code)
        if not e.obsolete and e.translated() and "fuzzy" not in e.flags
    }


def translations_of(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


# --- The catalogues themselves -----------------------------------------------------------


def test_every_language_has_a_catalogue() -> None:
    assert {p.parent.parent.name for p in LOCALE_DIR.glob("*/LC_MESSAGES/django.po")} >= set(
        LANGUAGE_CODES
    ) - {"en"}
    assert set(settings.COMPLETE_LANGUAGES) <= set(LANGUAGE_CODES)
    assert set(settings.STAFF_LANGUAGES) == {"sv", "en"}


def test_swedish_catalogue_is_complete() -> None:
    po = load("sv")
    assert not po.metadata_is_fuzzy
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert po.percent_translated() == 100


def plural_function(header: str) -> tuple[int, Any]:
    nplurals = int(re.search(r"nplurals\s*=\s*(\d+)", header).group(1))  # type: ignore[union-attr]
    expression = header.split("plural=", 1)[1].strip().rstrip(";")
    return nplurals, trans_real.gettext_module.c2py(expression)  # type: ignore[attr-defined]


def django_plural_forms(code: str) -> str | None:
    django_po = (
        Path(trans_real.__file__).parent.parent.parent / "conf" / "locale" / trans_real.to_locale(code)
    )
    path = django_po / "LC_MESSAGES" / "django.po"
    return polib.pofile(str(path)).metadata["Plural-Forms"] if path.exists() else None


@pytest.mark.parametrize("code", [language_param(c) for c in REVIEWED_LANGUAGES])
def test_catalogue_header(code: str) -> None:
    po = load(code)
    assert not po.metadata_is_fuzzy, "the header is still marked fuzzy"
    assert po.metadata["Language"] == code
    assert po.metadata.get("Language-Team", "").strip() not in ("", "LANGUAGE <LL@li.org>")
    status = po.metadata.get("X-Review-Status", "")
    assert status == REVIEW_PENDING or status.startswith(REVIEW_DONE), f"X-Review-Status: {status!r}"
    if status == REVIEW_PENDING:
        assert "needs review" in po.header.lower(), "the header comment must say it needs review"
    expected = django_plural_forms(code) or CLDR_PLURAL_FORMS[code]
    nplurals, plural = plural_function(po.metadata["Plural-Forms"])
    expected_n, expected_plural = plural_function(expected)
    assert nplurals == expected_n, po.metadata["Plural-Forms"]
    assert [plural(n) for n in range(0, 1001)] == [expected_plural(n) for n in range(0, 1001)]


def test_arabic_has_six_plural_forms() -> None:
    nplurals, plural = plural_function(load("ar").metadata["Plural-Forms"])
    assert nplurals == 6
    assert [plural(n) for n in (0, 1, 2, 3, 10, 11, 99, 100, 102, 103)] == [0, 1, 2, 3, 3, 4, 4, 5, 5, 3]


@pytest.mark.parametrize("code", [language_param(c) for c in TRANSLATED])
def test_every_public_string_is_translated(code: str) -> None:
    """The public site's strings are translated (not fuzzy), in every plural form."""
    po = load(code)
    entries = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    nplurals, _plural = plural_function(po.metadata["Plural-Forms"])
    missing, fuzzy, forms = [], [], []
    for key, plural in public_keys().items():
        entry = entries.get(key)
        if entry is None or not entry.translated():
            missing.append(key[1])
        elif "fuzzy" in entry.flags:
            fuzzy.append(key[1])
        elif plural is not None and (entry.msgid_plural != plural or len(entry.msgstr_plural) != nplurals):
            forms.append(key[1])
    assert missing == [], f"{len(missing)} public strings untranslated in {code}: run makemessages"
    assert fuzzy == []
    assert forms == [], f"plural entries without {nplurals} forms"


def test_public_msgids_are_in_the_catalogue() -> None:
    """tests/public_msgids.py reads the sources as makemessages does."""
    entries = {(e.msgctxt, e.msgid): e for e in load("ar") if not e.obsolete}
    keys = public_keys()
    assert len(keys) > 300
    assert [k for k in keys if k not in entries] == []
    assert [k for k, plural in keys.items() if (entries[k].msgid_plural or None) != plural] == []
    for must in [
        "Leave this page quickly",
        "Hotline",
        "Open now",
        "Chat with a jourkvinna",
        "Custody disputes",
    ]:
        assert (None, must) in keys


PLACEHOLDER_RE = re.compile(r"%\(\w+\)[sd]|%[sd]|%%")
TAG_RE = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")
HREF_RE = re.compile(r"""href=(?:"([^"]*)"|'([^']*)')""")
NUMBER_RE = re.compile(r"\b(?:112|020-50 50 50|115 20|\d{3}-\d{2} \d{2} \d{2}|\d{3}-\d{7})\b")


@pytest.mark.parametrize("code", [language_param(c) for c in REVIEWED_LANGUAGES])
def test_translations_keep_placeholders_tags_and_numbers(code: str) -> None:
    problems = []
    for (_context, msgid), entry in trusted_entries(code).items():
        for index, text in enumerate(translations_of(entry)):
            if entry.msgid_plural:
                # Any form may leave the count out (Arabic's "one" and "two" often do).
                wanted = set(PLACEHOLDER_RE.findall(msgid + entry.msgid_plural))
                if not set(PLACEHOLDER_RE.findall(text)) <= wanted:
                    problems.append(f"{msgid!r}: form {index} has unknown placeholders")
                continue
            source = msgid
            if Counter(PLACEHOLDER_RE.findall(text)) != Counter(PLACEHOLDER_RE.findall(source)):
                problems.append(f"{msgid!r}: placeholders differ")
            if Counter(TAG_RE.findall(text)) != Counter(TAG_RE.findall(source)):
                problems.append(f"{msgid!r}: HTML tags differ")
            if sorted(HREF_RE.findall(text)) != sorted(HREF_RE.findall(source)):
                problems.append(f"{msgid!r}: links differ")
            for number in NUMBER_RE.findall(source):
                if number not in text:
                    problems.append(f"{msgid!r}: {number} missing")
    assert problems == []


@pytest.mark.parametrize(
    "po_file", PO_FILES, ids=lambda p: f"{p.parent.parent.parent.name}/{p.parent.parent.name}"
)
def test_mo_is_up_to_date(po_file: Path) -> None:
    mo_path = po_file.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run scripts/compile_messages.py"
    actual = catalogue_entries(polib.mofile(str(mo_path)))
    assert actual == expected_mo_entries(po_file), "the .mo is stale: run scripts/compile_messages.py"


@pytest.mark.parametrize("code", [language_param(c) for c in REVIEWED_LANGUAGES])
def test_staff_strings_fall_back_to_english(code: str) -> None:
    untranslated = [e.msgid for e in load(code).untranslated_entries() if not e.msgid_plural]
    if not untranslated:
        pytest.skip(f"{code} translates the staff side too")
    compiled = catalogue_entries(polib.mofile(str(po_path(code).with_suffix(".mo"))))
    for msgid in untranslated:
        assert compiled[(None, msgid)] == msgid
    with translation.override(code):
        assert translation.gettext(untranslated[0]) == untranslated[0]


@pytest.mark.parametrize("code", [language_param(c) for c in TRANSLATED])
def test_weekday_names_are_translated(code: str) -> None:
    """Django's own weekday and month names (opening hours): Somali and Tigrinya from locale_django."""
    words = ("Mon", "Monday", "Sun", "Sunday", "January", "March")
    with translation.override("sv"):
        swedish = [translation.gettext(d) for d in words]
    with translation.override(code):
        names = [translation.gettext(d) for d in words]
    if code == "sv":
        assert names == ["mån", "måndag", "sön", "söndag", "januari", "mars"]
        return
    for name, english, sv in zip(names, words, swedish, strict=True):
        assert name not in (english, sv), f"{code}: {english} is {name!r}"


# --- Every public page in every language ------------------------------------------------


@contextmanager
def recorded_lookups() -> Iterator[set[Key]]:
    """Every (msgctxt, msgid) looked up through Django's translations meanwhile."""
    seen: set[Key] = set()
    gettext = trans_real.DjangoTranslation.gettext
    ngettext = trans_real.DjangoTranslation.ngettext

    def key(message: str) -> Key:
        if trans_real.CONTEXT_SEPARATOR in message:
            context, msgid = message.split(trans_real.CONTEXT_SEPARATOR, 1)
            return (context, msgid)
        return (None, message)

    def recording_gettext(self: Any, message: str) -> str:
        seen.add(key(message))
        return gettext(self, message)

    def recording_ngettext(self: Any, msgid1: str, msgid2: str, n: int) -> str:
        seen.add(key(msgid1))
        return ngettext(self, msgid1, msgid2, n)

    trans_real.DjangoTranslation.gettext = recording_gettext  # type: ignore[method-assign]
    trans_real.DjangoTranslation.ngettext = recording_ngettext  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        trans_real.DjangoTranslation.gettext = gettext  # type: ignore[method-assign]
        trans_real.DjangoTranslation.ngettext = ngettext  # type: ignore[method-assign]


CHAT_JOUR = next(j for j in SAMPLE_JOURER if j.get("chats"))["slug"]

# (path without the language prefix, expected status, chat state: closed, open or network)
PUBLIC_PATHS: list[tuple[str, int, str]] = [
    ("/", 200, "closed"),
    ("/", 200, "open"),
    ("/sok/", 200, "closed"),
    ("/sok/?q=11520", 200, "closed"),
    ("/sok/?q=Malm%C3%B6", 200, "closed"),
    ("/sok/?q=Stockholm&open=1&chat=1&sb=1&tj=1&lang=fi", 200, "closed"),
    ("/sok/?q=Stockholm&lang=ar", 200, "closed"),
    ("/sok/?q=99999", 200, "closed"),
    ("/sok/?q=1234", 200, "closed"),
    ("/sok/?q=Qwertyville", 200, "closed"),
    ("/sok/?q=Upp", 200, "closed"),
    ("/sok/?q=" + "x" * 101, 200, "closed"),
    ("/sok/?q=Stockholm&lang=zz", 200, "closed"),
    ("/jourer/", 200, "closed"),
    *[(f"/jour/{j['slug']}/", 200, "closed") for j in SAMPLE_JOURER],
    (f"/jour/{CHAT_JOUR}/", 200, "open"),
    *[(f"/info/{p.slug}/", 200, "closed") for p in INFO_PAGES],
    ("/chatt/", 200, "closed"),
    ("/chatt/", 200, "open"),
    (f"/chatt/{CHAT_JOUR}/", 200, "closed"),
    (f"/chatt/{CHAT_JOUR}/", 200, "open"),
    (f"/chatt/{CHAT_JOUR}/", 200, "network"),
    ("/finns-inte-har/", 404, "closed"),
    ("/jour/finns-inte/", 404, "closed"),
]


def prefixed(code: str, path: str) -> str:
    return path if code == DEFAULT_LANGUAGE else f"/{code}{path}"


def set_chat(monkeypatch: pytest.MonkeyPatch, state: str) -> None:
    def provider(ids: Any) -> dict[int | None, ChatStatus]:
        return {
            i: ChatStatus(open=state == "open" or (state == "network" and i is None), wait_seconds=180)
            for i in ids
        }

    monkeypatch.setattr(chatstatus, "_provider", provider)


def visible_text(page: str) -> str:
    """The text she sees: the body without tags, scripts and data blocks, entities decoded."""
    body = page.split("<body>", 1)[1]
    body = re.sub(r"<script\b.*?</script>", " ", body, flags=re.DOTALL)
    # The language switch names each language in itself.
    body = re.sub(r'<ul class="langs">.*?</ul>', " ", body, flags=re.DOTALL)
    # Attribute text she hears or sees (labels, placeholders, titles) counts too.
    attributes = " ".join(
        html.unescape(v) for v in re.findall(r'\s(?:aria-label|placeholder|title|alt)="([^"]*)"', body)
    )
    return html.unescape(re.sub(r"<[^>]+>", " ", body)) + " " + attributes


def data_names() -> set[str]:
    """Names that are data, not translations: jourer, municipalities, counties, localities."""
    from fristad.directory.models import Jour
    from fristad.geo.models import County, Municipality, PostalCode

    names = {j.name for j in Jour.objects.all()}
    names |= {m.name for m in Municipality.objects.all()} | {
        m.seat_locality for m in Municipality.objects.all()
    }
    names |= {c.name for c in County.objects.all()}
    names |= set(PostalCode.objects.values_list("locality", flat=True).distinct())
    return {n for n in names if n}


# Kept in every language: names of organisations and services, and the Swedish search example.
KEPT_WORDS = {
    "Kvinnofridslinjen",
    "Shift",
    "JavaScript",
    "Qwertyville",
    "Upp",
    "Xyzzyville",
    "BankID",
    "Fristad",
}
LATIN_WORD_RE = re.compile(r"[A-Za-zÀ-ɏ][A-Za-zÀ-ɏ'’-]*")


def latin_words_allowed(code: str) -> set[str]:
    """Latin words a non-Latin-script page may show: those its own translations contain."""
    words: set[str] = set()
    for entry in trusted_entries(code).values():
        for text in translations_of(entry):
            plain = re.sub(r"<[^>]+>|%\(\w+\)[sd]", " ", text)
            words |= set(LATIN_WORD_RE.findall(plain))
    return words


def foreign_fragments(code: str) -> list[str]:
    """English msgids and Swedish translations of public strings (split at placeholders and
    tags) that the language's own translations do not contain: none may be on its pages."""
    own = "\n".join(t for e in trusted_entries(code).values() for t in translations_of(e))
    sv = trusted_entries("sv")
    texts = []
    for key in public_keys():
        texts.append(key[1])
        if code != "sv" and key in sv:
            texts += translations_of(sv[key])
    fragments = set()
    for text in texts:
        for fragment in re.split(r"%\(\w+\)[sd]|<[^>]+>|[.:;!?()\"]|, ", text):
            fragment = fragment.strip(" ,–-")
            if (
                len(fragment) >= 8
                and " " in fragment
                and re.search(r"[^\W\d_]", fragment)
                and fragment not in own
            ):
                fragments.add(fragment)
    return sorted(fragments)


def found_fragments(fragments: list[str], text: str) -> list[str]:
    text = " ".join(text.split())
    return [f for f in fragments if re.search(rf"(?<!\w){re.escape(f)}(?!\w)", text)]


@pytest.fixture(scope="module")
def language_facts() -> dict[str, Any]:
    """Per language: translated keys, allowed Latin words, foreign fragments."""
    facts: dict[str, Any] = {}
    for code in TRANSLATED:
        facts[code] = {
            "translated": set(trusted_entries(code)),
            "keys": {(e.msgctxt, e.msgid) for e in load(code) if not e.obsolete},
            "latin": latin_words_allowed(code) if code in NON_LATIN else set(),
            "foreign": foreign_fragments(code),
        }
    return facts


def django_catalogue_has(code: str, key: Key) -> bool:
    """Whether Django's own (or locale_django's) catalogue translates a string Django uses."""
    message = key[1] if key[0] is None else f"{key[0]}{trans_real.CONTEXT_SEPARATOR}{key[1]}"
    catalogue = trans_real.translation(code)._catalog  # type: ignore[attr-defined]
    return message in catalogue


def check_page(
    code: str, page: str, looked_up: set[Key], facts: dict[str, Any], names: set[str]
) -> list[str]:
    problems = []
    direction = "rtl" if code in RTL else "ltr"
    if not re.search(rf'<html lang="{code}" dir="{direction}"', page):
        problems.append(f"<html> is not lang={code} dir={direction}")
    ours = facts["keys"]
    for key in sorted(looked_up, key=str):
        if not re.search(r"[^\W\d_]", key[1]):
            continue  # Django's label suffix ":" and the like: never shown by these templates
        if key in ours:
            if key not in facts["translated"]:
                problems.append(f"untranslated: {key[1]!r}")
        elif not django_catalogue_has(code, key):
            problems.append(f"{key[1]!r} is in neither the {code} catalogue (makemessages?) nor Django's")
    text = visible_text(page)
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    problems += [f"foreign text: {f!r}" for f in found_fragments(facts["foreign"], text)]
    if code in NON_LATIN:
        stray = sorted(set(LATIN_WORD_RE.findall(text)) - facts["latin"] - KEPT_WORDS)
        if stray:
            problems.append(f"Latin words that are not in the {code} translation: {stray}")
    return problems


def with_changed_hours(jourer: list[Any]) -> None:
    """Two dated exceptions (month names, "Changed hours:") on the chatting jour's phone."""
    from datetime import time, timedelta

    from django.utils import timezone

    from fristad.directory.models import OpeningException, Phone

    phone = Phone.objects.filter(jour__slug=CHAT_JOUR).first()
    assert phone is not None
    today = timezone.localdate()
    OpeningException.objects.create(phone=phone, date=today + timedelta(days=10), closed=True)
    OpeningException.objects.create(
        phone=phone, date=today + timedelta(days=40), closed=False, opens=time(10), closes=time(14)
    )


@pytest.mark.parametrize("code", [language_param(c) for c in TRANSLATED])
def test_every_public_page_is_translated(
    code: str, sample_jourer: list[Any], monkeypatch: pytest.MonkeyPatch, language_facts: dict[str, Any]
) -> None:
    client = Client()
    with_changed_hours(sample_jourer)
    names = data_names()
    facts = language_facts[code]
    report = []
    client.get(prefixed(code, "/"))  # imports on the first request look up strings of their own
    for path, status, chat in PUBLIC_PATHS:
        set_chat(monkeypatch, chat)
        url = prefixed(code, path)
        with recorded_lookups() as looked_up:
            response = client.get(url)
        assert response.status_code == status, f"{url}: {response.status_code}"
        page = response.content.decode()
        report += [f"{url} [{chat}]: {p}" for p in check_page(code, page, looked_up, facts, names)]
    # The error pages she can reach without a 404: rendered by their handlers.
    factory = RequestFactory()
    for handler in (error_views.bad_request, error_views.permission_denied, error_views.server_error):
        request = factory.get(prefixed(code, "/sok/"))
        with translation.override(code), recorded_lookups() as looked_up:
            response = handler(request) if handler is error_views.server_error else handler(request, None)  # type: ignore[operator]
        page = response.content.decode()
        report += [f"{handler.__name__}: {p}" for p in check_page(code, page, looked_up, facts, names)]
    assert report == [], f"{len(report)} problems in {code}:\n" + "\n".join(report[:80])


def test_the_page_check_finds_untranslated_text(
    sample_jourer: list[Any], language_facts: dict[str, Any]
) -> None:
    """The checks above would notice English or Swedish text and untranslated lookups."""
    code = next(c for c in TRANSLATED if c in NON_LATIN)
    facts = language_facts[code]
    page = Client().get(prefixed(code, "/")).content.decode()
    assert check_page(code, page, set(), facts, set()) == []
    english = page.replace("</main>", "<p>Leave this page quickly or call a jour</p></main>")
    assert any("Latin words" in p for p in check_page(code, english, set(), facts, set()))
    assert any("untranslated" in p for p in check_page(code, page, {(None, "Your name")}, facts, set()))
    sv_facts = {**facts, "foreign": foreign_fragments("so") if "so" in TRANSLATED else facts["foreign"]}
    swedish = page.replace("</main>", "<p>Vid akut fara, ring 112.</p></main>")
    assert any("foreign text" in p for p in check_page(code, swedish, set(), sv_facts, set()))


@pytest.mark.django_db
@pytest.mark.parametrize("code", [language_param(c) for c in LANGUAGE_CODES])
def test_info_pages_render(code: str) -> None:
    for page in INFO_PAGES:
        response = Client().get(prefixed(code, f"/info/{page.slug}/"))
        assert response.status_code == 200
        assert b"<h1>" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("code", [language_param(c) for c in TRANSLATED if c != DEFAULT_LANGUAGE])
def test_footer_headings_are_translated(code: str) -> None:
    body = Client().get(prefixed(code, "/")).content.decode()
    for page in INFO_PAGES:
        with translation.override("en"):
            english = str(page.heading)
        with translation.override(code):
            translated = str(page.heading)
        assert translated != english
        assert html.escape(english) not in body
        assert html.escape(translated) in body


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
def test_swedish_info_page_is_swedish() -> None:
    body = Client().get("/info/vad-ar-en-kvinnojour/").content.decode()
    assert "<h1>Vad är en kvinnojour?</h1>" in body
    assert "tystnadslöfte" in body
    assert "Only women work at the jourer" not in body
    safety = Client().get("/info/din-sakerhet/").content.decode()
    assert "Snabbutgången raderar inte din historik." in safety


@pytest.mark.django_db
@pytest.mark.parametrize("code", [language_param(c) for c in TRANSLATED])
def test_emergency_line_is_one_translation(code: str) -> None:
    msgid = 'In acute danger, call <a href="tel:112">112</a>.'
    with translation.override(code):
        expected = translation.gettext(msgid)
    assert code == "en" or expected != msgid
    body = Client().get(prefixed(code, "/")).content.decode()
    assert f"<strong>{expected}</strong>" in body
    if code in RTL:
        # The number reads left to right inside right-to-left text.
        assert 'dir="ltr">112</a>' in expected


# --- The language switch and the staff side ---------------------------------------------

SWITCH_RE = re.compile(r'<ul class="langs">(.*?)</ul>', re.DOTALL)


@pytest.mark.django_db
@pytest.mark.parametrize("code", [language_param(c) for c in LANGUAGE_CODES])
def test_switcher_offers_every_language_in_its_own_name(code: str) -> None:
    from fristad.web.languages import NATIVE_NAMES

    body = Client().get(prefixed(code, "/info/polisanmalan/?x=1")).content.decode()
    switch = SWITCH_RE.search(body).group(1)  # type: ignore[union-attr]
    items = re.findall(r"<li>(.*?)</li>", switch)
    offered = [c for c in LANGUAGE_CODES if c in settings.COMPLETE_LANGUAGES or c == code]
    assert len(items) == len(offered)
    for item, other in zip(items, offered, strict=True):
        direction = "rtl" if other in RTL else "ltr"
        name = html.escape(NATIVE_NAMES[other])
        if other == code:
            assert item == f'<span aria-current="true" lang="{other}" dir="{direction}">{name}</span>'
        else:
            url = prefixed(other, "/info/polisanmalan/?x=1").replace("&", "&amp;")
            assert item == f'<a href="{url}" lang="{other}" hreflang="{other}" dir="{direction}">{name}</a>'


@pytest.mark.django_db
def test_somali_and_tigrinya_are_known_languages() -> None:
    for code, name in (("so", "Soomaali"), ("ti", "ትግርኛ")):
        info = translation.get_language_info(code)
        assert info["name_local"] == name
        assert info["bidi"] is False


@pytest.mark.django_db
@pytest.mark.parametrize("code", [c for c in LANGUAGE_CODES if c not in settings.STAFF_LANGUAGES])
def test_staff_pages_are_not_served_in_public_only_languages(code: str) -> None:
    client = Client()
    response = client.get(f"/{code}/personal/konto/login/?next=/x")
    assert response.status_code == 302
    assert response.headers["Location"] == "/en/personal/konto/login/?next=/x"
    assert client.get(f"/{code}/personal/").headers["Location"] == "/en/personal/"
    assert client.post(f"/{code}/personal/konto/login/").status_code == 404


@pytest.mark.django_db
def test_staff_switcher_offers_swedish_and_english_only() -> None:
    body = Client().get("/en/personal/konto/login/").content.decode()
    assert 'hreflang="sv"' in body
    for code in LANGUAGE_CODES:
        if code not in settings.STAFF_LANGUAGES:
            assert f'hreflang="{code}"' not in body
