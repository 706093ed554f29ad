"""Walk every public URL and check the privacy and safety floor of each response.

Every page a help-seeker can reach, in every language prefix, is requested with
the plain Django test client against the real database. Each response must:
carry no cookie, load nothing from another host, run under a strict
Content-Security-Policy (so: no inline script, no event-handler or style
attributes), send no referrer, deny camera and microphone (geolocation only on
the pages with the "use my location" button), keep search results out of the
cache, show the quick exit, and have a neutral title.

The 14 KB budget: the home page and a results page, with their CSS and JS,
must fit gzip-compressed in the first round trip of a slow mobile connection.
"""

from __future__ import annotations

import gzip
import logging
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings
from django.test import Client

from fristad.directory.pages import INFO_PAGES
from tests.conftest import SAMPLE_JOURER

pytestmark = pytest.mark.django_db

# Every language of the public site: Swedish unprefixed, the others under /<code>/.
LANGUAGE_PREFIXES = tuple(
    "" if code == settings.LANGUAGE_CODE else f"/{code}" for code, _name in settings.LANGUAGES
)
SAME_ORIGIN_HOSTS = {"testserver"}
MALICIOUS = "<script>alert(1)</script>"
LONG_QUERY = "x" * (10 * 1024)
BUDGET_BYTES = 14 * 1024
ALARMING_TITLE_WORDS = (
    "våld",
    "kvinnojour",
    "tjejjour",
    "jour",
    "misshandel",
    "skyddat",
    "violence",
    "abuse",
    "shelter",
    "domestic",
    "عنف",
)


# --- The list of public URLs ---------------------------------------------------------


@dataclass(frozen=True)
class Page:
    url: str
    kind: str  # home, search, jour_list, jour, info, chat, json, missing
    status: int = 200
    # For searches: "results" (expect result list), "message" (friendly message).
    expect: str = ""
    # Text that must appear in the page (names are data, not translations).
    contains: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_html(self) -> bool:
        return self.kind != "json"

    @property
    def geolocation_allowed(self) -> bool:
        return self.kind in ("home", "search")


SEARCHES: list[tuple[str | None, str, tuple[str, ...]]] = [
    # (query, expectation, text the page must contain)
    (None, "message", ()),
    ("115 20", "results", ("Kvinnojouren Stockholm (test)",)),
    ("11520", "results", ("Kvinnojouren Stockholm (test)",)),
    ("115-20", "results", ("Kvinnojouren Stockholm (test)",)),
    ("Malmö", "results", ("Kvinnojouren Malmö (test)",)),
    ("malmo", "results", ("Kvinnojouren Malmö (test)",)),
    ("99999", "message", ()),
    ("1234", "message", ()),
    ("Qwertyville", "message", ()),
    (LONG_QUERY, "message", ()),
    (MALICIOUS, "message", ()),
]


def search_url(prefix: str, query: str | None) -> str:
    if query is None:
        return f"{prefix}/sok/"
    return f"{prefix}/sok/?q={quote(query)}"


def public_pages() -> list[Page]:
    pages: list[Page] = []
    for prefix in LANGUAGE_PREFIXES:
        pages.append(Page(f"{prefix}/", "home"))
        for query, expect, contains in SEARCHES:
            pages.append(Page(search_url(prefix, query), "search", expect=expect, contains=contains))
        pages.append(Page(f"{prefix}/jourer/", "jour_list", contains=tuple(j["name"] for j in SAMPLE_JOURER)))
        for jour in SAMPLE_JOURER:
            pages.append(Page(f"{prefix}/jour/{jour['slug']}/", "jour", contains=(jour["name"],)))
        for info in INFO_PAGES:
            pages.append(Page(f"{prefix}/info/{info.slug}/", "info"))
        pages.append(Page(f"{prefix}/chatt/", "chat"))
        for jour in SAMPLE_JOURER:
            if jour.get("chats"):
                pages.append(Page(f"{prefix}/chatt/{jour['slug']}/", "chat", contains=(jour["name"],)))
        pages.append(Page(f"{prefix}/chatt/finns-inte/", "missing", status=404))
        pages.append(Page(f"{prefix}/jourer.json", "json"))
        pages.append(Page(f"{prefix}/kommuner.json", "json"))
        pages.append(Page(f"{prefix}/finns-inte-har/", "missing", status=404))
        pages.append(Page(f"{prefix}/jour/finns-inte/", "missing", status=404))
    return pages


PAGES = public_pages()
HTML_PAGES = [p for p in PAGES if p.is_html]


def page_id(page: Page) -> str:
    url = page.url
    if len(url) > 60:
        url = url[:40] + f"…({len(url)} chars)"
    return url


def page_param(page: Page) -> Any:
    return pytest.param(page, id=page_id(page))


# --- Helpers ---------------------------------------------------------------------------


class PageParser(HTMLParser):
    """Collects what the checks need: tags with attributes, inline scripts and styles, title."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.inline_scripts: list[str] = []
        self.style_blocks: list[str] = []
        self.title = ""
        self._in: str | None = None
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name.lower(): (value or "") for name, value in attrs}
        self.tags.append((tag, attributes))
        if tag in ("script", "style", "title"):
            self._in = tag if not (tag == "script" and "src" in attributes) else "script-src"
            # A JSON data block (json_script) is never executed: not a script for the CSP.
            if tag == "script" and attributes.get("type") == "application/json":
                self._in = "data"
            self._buffer = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name.lower(): (value or "") for name, value in attrs}))

    def handle_data(self, data: str) -> None:
        if self._in:
            self._buffer.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._in == "data" and tag == "script":
            self._in = None
            return
        if self._in and tag in ("script", "style", "title"):
            text = "".join(self._buffer)
            if self._in in ("script", "script-src") and text.strip():
                self.inline_scripts.append(text)
            elif self._in == "style":
                self.style_blocks.append(text)
            elif self._in == "title":
                self.title = text
            self._in = None

    def find(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.tags if name == tag]


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


def is_same_origin(url: str) -> bool:
    url = url.strip()
    if not url or url.startswith("#"):
        return True
    parts = urlsplit(url)
    if url.startswith("//"):
        return parts.hostname in SAME_ORIGIN_HOSTS
    if parts.scheme in ("", "http", "https"):
        return not parts.netloc or parts.hostname in SAME_ORIGIN_HOSTS
    return False  # data:, blob:, javascript:, …: nothing is loaded that way


def body_of(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    content: bytes = response.content
    return content


def css_urls(css: str) -> list[str]:
    found = [m.strip(" '\"") for m in re.findall(r"url\(\s*([^)]*)\)", css, flags=re.I)]
    found += re.findall(r"@import\s+['\"]([^'\"]+)['\"]", css, flags=re.I)
    return found


def parse_csp(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        tokens = part.split()
        if tokens:
            directives[tokens[0].lower()] = tokens[1:]
    return directives


def parse_permissions_policy(header: str) -> dict[str, str]:
    policy = {}
    for part in header.split(","):
        if "=" in part:
            feature, value = part.strip().split("=", 1)
            policy[feature.strip()] = value.strip()
    return policy


def loaded_resources(doc: PageParser) -> list[tuple[str, str]]:
    """Every URL the browser would fetch on its own: (description, url)."""
    found: list[tuple[str, str]] = []
    for tag, attrs in doc.tags:
        for attr in ("src", "data", "poster"):
            if attr in attrs and tag != "a":
                found.append((f"<{tag} {attr}>", attrs[attr]))
        if tag == "link" and "href" in attrs:
            found.append((f"<link rel={attrs.get('rel', '')}>", attrs["href"]))
        if "srcset" in attrs:
            for candidate in attrs["srcset"].split(","):
                if candidate.strip():
                    found.append((f"<{tag} srcset>", candidate.split()[0]))
        if tag == "form" and attrs.get("action"):
            found.append(("<form action>", attrs["action"]))
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            found.append(("<meta refresh>", attrs.get("content", "").partition("url=")[2]))
    for block in doc.style_blocks:
        found += [("<style> url()", u) for u in css_urls(block)]
    return found


def static_refs(doc: PageParser) -> list[str]:
    refs = [a["src"] for a in doc.find("script") if a.get("src")]
    refs += [a["href"] for a in doc.find("link") if a.get("href")]
    refs += [a["src"] for a in doc.find("img") if a.get("src")]
    return [r for r in refs if urlsplit(r).path.startswith(settings.STATIC_URL)]


def fetch(client: Client, url: str, **extra: Any) -> Any:
    return client.get(url, **extra)


def assert_no_cookies(response: Any, url: str) -> None:
    assert not response.cookies, f"{url} sets cookies: {sorted(response.cookies)}"
    assert "Set-Cookie" not in response.headers, f"{url} has a Set-Cookie header"
    assert "set-cookie" not in {k.lower() for k in response.headers}, f"{url} has a Set-Cookie header"


@pytest.fixture
def client() -> Client:
    """A client that returns the 500 page instead of raising, so the walk reports the URL."""
    return Client(raise_request_exception=False)


# --- Every public URL ------------------------------------------------------------------


@pytest.mark.parametrize("page", [page_param(p) for p in PAGES])
def test_public_response_floor(client: Client, sample_jourer: list[Any], page: Page) -> None:
    response = fetch(client, page.url)
    url = page_id(page)

    assert response.status_code != 500, f"{url} is a server error"
    assert response.status_code == page.status, f"{url}: {response.status_code}, expected {page.status}"
    assert_no_cookies(response, url)

    # Headers every public response carries.
    assert response.headers.get("Referrer-Policy") == "no-referrer", url
    assert response.headers.get("X-Content-Type-Options") == "nosniff", url

    csp_header = response.headers.get("Content-Security-Policy")
    assert csp_header, f"{url} has no Content-Security-Policy"
    csp = parse_csp(csp_header)
    assert csp.get("default-src") in (["'none'"], ["'self'"]), f"{url}: default-src {csp.get('default-src')}"
    script_src = csp.get("script-src", csp["default-src"])
    for forbidden in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "https:", "http:"):
        assert forbidden not in script_src, f"{url}: script-src allows {forbidden}"
    for directive, sources in csp.items():
        for source in sources:
            assert "://" not in source and source not in ("*", "https:", "http:"), (
                f"{url}: CSP {directive} allows another host: {source}"
            )

    policy_header = response.headers.get("Permissions-Policy")
    assert policy_header, f"{url} has no Permissions-Policy"
    policy = parse_permissions_policy(policy_header)
    assert policy.get("camera") == "()", f"{url}: camera={policy.get('camera')}"
    assert policy.get("microphone") == "()", f"{url}: microphone={policy.get('microphone')}"
    expected_geo = "(self)" if page.geolocation_allowed and response.status_code == 200 else "()"
    assert policy.get("geolocation") == expected_geo, f"{url}: geolocation={policy.get('geolocation')}"

    if page.kind in ("search", "json", "chat"):
        assert "no-store" in response.headers.get("Cache-Control", ""), f"{url} may be cached"

    if page.kind == "json":
        assert response.headers["Content-Type"].startswith("application/json"), url
        data = response.json()
        assert data, url
        return

    assert response.headers["Content-Type"].startswith("text/html"), url
    html = body_of(response).decode()
    doc = parse(html)

    # Nothing loaded from another host.
    for what, target in loaded_resources(doc):
        assert is_same_origin(target), f"{url}: {what} loads from another host: {target}"
    for attrs in doc.find("iframe") + doc.find("frame") + doc.find("object") + doc.find("embed"):
        assert is_same_origin(attrs.get("src", attrs.get("data", ""))), f"{url}: embeds {attrs}"
    # Links are navigations: same origin, tel:, mailto:, the quick exit, or a
    # jour's own site opened without a referrer. Never javascript:.
    for attrs in doc.find("a"):
        href = attrs.get("href", "")
        scheme = urlsplit(href).scheme.lower()
        if is_same_origin(href) or scheme in ("tel", "mailto"):
            continue
        if attrs.get("id") == "quick-exit" and href == settings.QUICK_EXIT_URL:
            continue
        assert scheme in ("http", "https"), f"{url}: link with scheme {scheme!r}: {href}"
        assert "noreferrer" in attrs.get("rel", "").split(), (
            f"{url}: external link without noreferrer: {href}"
        )

    # What the CSP would block anyway must not be there (it would silently break).
    assert not doc.inline_scripts, f"{url}: inline <script>: {doc.inline_scripts[0][:120]!r}"
    for tag, attrs in doc.tags:
        handlers = [name for name in attrs if name.startswith("on")]
        assert not handlers, f"{url}: <{tag}> has event-handler attributes {handlers}"
        assert "style" not in attrs, f"{url}: <{tag}> has a style= attribute"
    assert not doc.style_blocks, f"{url}: inline <style> block"

    # The quick exit, on every page, and its script.
    quick = [a for a in doc.find("a") if a.get("id") == "quick-exit"]
    assert len(quick) == 1, f"{url}: {len(quick)} quick-exit links"
    assert quick[0].get("href") == settings.QUICK_EXIT_URL, (
        f"{url}: quick exit goes to {quick[0].get('href')}"
    )
    scripts = [a.get("src", "") for a in doc.find("script")]
    assert any(urlsplit(s).path.endswith("quickexit.js") for s in scripts), f"{url}: quickexit.js not loaded"

    # A neutral title in the tab and in the history.
    title = doc.title.strip()
    assert title == settings.NEUTRAL_SITE_TITLE, f"{url}: title {title!r}"
    for word in ALARMING_TITLE_WORDS:
        assert word not in title.lower(), f"{url}: title {title!r} contains {word!r}"

    # Never echo her input unescaped.
    assert MALICIOUS not in html, f"{url} echoes the query unescaped"
    assert "alert(1)</script>" not in html, url
    assert LONG_QUERY[:200] not in html, f"{url} echoes a 10 KB query"

    if page.kind == "search":
        if page.expect == "message":
            assert 'class="message"' in html or 'class="errorlist"' in html, (
                f"{url}: bad input without a friendly message"
            )
            assert 'class="results"' not in html, f"{url}: results for bad input"
        if page.expect == "results":
            assert '<ol class="results">' in html, f"{url}: no results"
    for text in page.contains:
        assert text in html, f"{url}: {text!r} missing"


def test_url_walk_covers_the_fixture(sample_jourer: list[Any]) -> None:
    """The walk above is built from SAMPLE_JOURER; make sure it is the fixture's list."""
    walked = {
        p.url.split("/")[-2]
        for p in PAGES
        if p.kind == "jour" and not p.url.startswith(tuple(f"{x}/" for x in LANGUAGE_PREFIXES if x))
    }
    assert walked == {j.slug for j in sample_jourer}
    assert len([p for p in PAGES if p.kind == "info"]) == len(INFO_PAGES) * len(LANGUAGE_PREFIXES)


def test_search_results_order_and_nearest(client: Client, sample_jourer: list[Any]) -> None:
    """Postal code variants all find Stockholm first; the emergency block names it."""
    for query in ("115 20", "11520", "115-20"):
        html = fetch(client, search_url("", query)).content.decode()
        results = html.split('<ol class="results">', 1)[1]
        first = re.search(r"<h3><a [^>]*>([^<]+)</a>", results)
        assert first and first.group(1) == "Kvinnojouren Stockholm (test)", query
        emergency = html.split('<aside class="emergency"', 1)[1].split("</aside>", 1)[0]
        assert "070-1740606" in emergency, f"{query}: nearest jour's number not in the emergency block"
    for query in ("Malmö", "malmo"):
        html = fetch(client, search_url("", query)).content.decode()
        results = html.split('<ol class="results">', 1)[1]
        first = re.search(r"<h3><a [^>]*>([^<]+)</a>", results)
        assert first and first.group(1) == "Kvinnojouren Malmö (test)", query


def test_every_static_file_referenced(client: Client, sample_jourer: list[Any]) -> None:
    """Every static file any public page references is served, cookie-free, and loads nothing foreign."""
    refs: dict[str, str] = {}
    for page in HTML_PAGES:
        response = fetch(client, page.url)
        if response.status_code >= 500:
            continue  # reported by test_public_response_floor
        for ref in static_refs(parse(body_of(response).decode())):
            refs.setdefault(ref, page.url)
    assert any(r.endswith(".css") for r in refs), refs
    assert any(r.endswith("quickexit.js") for r in refs), refs
    assert any(r.endswith("find.js") for r in refs), refs
    for ref, seen_on in sorted(refs.items()):
        assert is_same_origin(ref), ref
        response = fetch(client, urlsplit(ref).path)
        where = f"{ref} (referenced from {seen_on})"
        assert response.status_code == 200, f"{where}: {response.status_code}"
        assert_no_cookies(response, where)
        assert response.headers.get("X-Content-Type-Options") == "nosniff", where
        assert response.headers.get("Referrer-Policy") == "no-referrer", where
        body = body_of(response)
        assert body, where
        if ref.endswith(".css"):
            assert response.headers["Content-Type"].startswith("text/css"), where
            for target in css_urls(body.decode()):
                assert is_same_origin(target) or target.startswith("data:image/"), (
                    f"{where}: url()/@import loads {target}"
                )
        if ref.endswith(".js"):
            assert "javascript" in response.headers["Content-Type"], where
            text = body.decode()
            for pattern in (r"https?://", r"\beval\s*\(", r"new\s+Function\s*\("):
                assert not re.search(pattern, text), f"{where}: {pattern} in script"


# --- The 14 KB budget --------------------------------------------------------------------


def _gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


@pytest.mark.parametrize("prefix", LANGUAGE_PREFIXES, ids=lambda p: p.strip("/") or "sv")
@pytest.mark.parametrize("path", ["/", "/sok/?q=11520"])
def test_first_round_trip_budget(
    client: Client, sample_jourer: list[Any], prefix: str, path: str, record_property: Any
) -> None:
    """In every language: a translation is longer than English, and not Latin script."""
    url = prefix + path
    response = fetch(client, url)
    assert response.status_code == 200
    html = body_of(response)
    doc = parse(html.decode())
    assets = [a["src"] for a in doc.find("script") if a.get("src")]
    assets += [a["href"] for a in doc.find("link") if "stylesheet" in a.get("rel", "").split()]
    sizes = {url: (len(html), _gzip_size(html))}
    for asset in assets:
        asset_response = fetch(client, urlsplit(asset).path)
        assert asset_response.status_code == 200, asset
        body = body_of(asset_response)
        sizes[asset] = (len(body), _gzip_size(body))
    total = sum(gz for _raw, gz in sizes.values())
    lines = [f"  {name}: {raw} B raw, {gz} B gzip" for name, (raw, gz) in sizes.items()]
    report = f"page weight {url}: {total} B gzip of {BUDGET_BYTES} B budget\n" + "\n".join(lines)
    print("\n" + report)
    record_property(f"gzip_total {url}", total)
    assert total <= BUDGET_BYTES, report


def test_server_compresses_html(client: Client, sample_jourer: list[Any]) -> None:
    response = fetch(client, "/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == "gzip"
    assert "Accept-Encoding" in response.headers.get("Vary", "")
    assert gzip.decompress(body_of(response)).startswith(b"<!doctype html>")


# --- The access log ------------------------------------------------------------------------


def test_access_log_has_no_query_address_or_agent(
    client: Client, sample_jourer: list[Any], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="fristad.access"):
        response = client.get("/sok/?q=11520", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="CanaryAgent/1.0")
    assert response.status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "fristad.access"]
    assert lines, "no access log line"
    text = "\n".join(lines)
    assert "/sok/" in text
    # Everything logged at all, not only the access log.
    everything = text + "\n" + "\n".join(r.getMessage() for r in caplog.records) + caplog.text
    for secret in ("11520", "115 20", "203.0.113.7", "CanaryAgent"):
        assert secret not in everything, f"log contains {secret!r}: {everything}"
