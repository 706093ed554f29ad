"""Browser fixtures: Debian's headless Chromium driven by Playwright, against the live server.

One browser per session, a fresh context (no cookies, no storage, no cache) per test.
Without /usr/bin/chromium (or axe-core, for the accessibility tests) the tests skip and
say why; with FRISTAD_REQUIRE_BROWSER=1 (CI) they fail instead. scripts/ensure-browser.sh
installs both.

Playwright's sync API runs an event loop in the main thread, so Django's async-safety
check would refuse the test's own database queries: DJANGO_ALLOW_ASYNC_UNSAFE is set for
the browser session only.
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SAMPLE_JOURER

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_browser() -> bool:
    return os.environ.get("FRISTAD_REQUIRE_BROWSER") == "1"


def missing(reason: str) -> None:
    """Skip, or fail when the CI says the browser tests must run."""
    if require_browser():
        pytest.fail(f"{reason} (FRISTAD_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(f"{reason}; run scripts/ensure-browser.sh")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} is missing: the browser tests need Debian's chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed (pip install -e '.[dev]')")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            # Playwright gives every launch a fresh temporary user-data dir.
            chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_context(browser: Any) -> Iterator[Callable[..., Any]]:
    """Make a fresh browser context (closed after the test); kwargs go to new_context()."""
    made: list[Any] = []

    def make(**options: Any) -> Any:
        options.setdefault("locale", "sv-SE")
        options.setdefault("service_workers", "block")
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.fixture
def page(new_context: Callable[..., Any]) -> Any:
    return new_context().new_page()


def _ensure_geography() -> None:
    """The reference geography comes from a data migration; a transactional test's flush
    empties it, so load it again (through the migration's own code) when it is gone."""
    from django.apps import apps

    from fristad.geo.models import County

    if not County.objects.exists():
        migration = importlib.import_module("fristad.geo.migrations.0002_load_reference_data")
        migration.load(apps, None)


@pytest.fixture
def site(browser: Any, live_server: Any, transactional_db: None) -> str:
    """The live server's base URL, with the geography and the sample jourer in its database."""
    from fristad.directory.services import jourer_import

    _ensure_geography()
    result = jourer_import(text=json.dumps(SAMPLE_JOURER), fmt="json")
    assert result.ok, result.errors
    return str(live_server.url)


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        missing(f"{AXE} is missing: the accessibility tests need axe-core (npm ci)")
    return AXE.read_text(encoding="utf-8")
