"""The chat pages' scripts carry their own hash (Subresource Integrity), and
``fristad static-hashes`` publishes every static file's SHA-256 and checks a live site
against it (docs/chat-encryption.md: what this does and does not protect against)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from tests.conftest import Staff
from tests.test_chat_page import make_available
from tests.test_public_pages import body_of, fetch

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r'<script src="([^"]+)"( integrity="([^"]*)")?')
MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "fristad.web.storage.StaticStorage"},
}


def sri(content: bytes) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(content).digest()).decode()


def scripts(client: Client, url: str) -> list[tuple[str, str]]:
    html = body_of(fetch(client, url)).decode()
    return [(m.group(1), m.group(3) or "") for m in SCRIPT.finditer(html)]


def assert_integrity(client: Client, url: str, names: list[str]) -> None:
    found = scripts(client, url)
    for name in names:
        assert any(name in src for src, _ in found), (url, name, found)
    for src, integrity in found:
        assert integrity, f"{url}: {src} has no integrity="
        served = body_of(fetch(client, urlsplit(src).path))
        assert integrity == sri(served), f"{url}: {src}'s integrity is not the hash of what is served"


def test_chat_page_and_console_scripts_carry_their_hash(client: Client, staff: Staff) -> None:
    make_available(staff)
    assert_integrity(client, "/chatt/stockholm/", ["web/quickexit", "chat/delivery", "chat/chat"])
    client.force_login(staff.kvinna_a)
    assert_integrity(client, "/personal/chatt/", ["chat/delivery", "chat/console"])
    # delivery.js comes first: chat.js and console.js need it.
    names = [src for src, _ in scripts(client, "/personal/chatt/")]
    assert "delivery" in next(n for n in names if "delivery" in n or "console" in n)


def collect(tmp_path: Path) -> Path:
    root = tmp_path / "static"
    call_command("collectstatic", "--no-input", verbosity=0)
    return root


def test_with_collected_hashed_files(client: Client, staff: Staff, tmp_path: Path) -> None:
    """In production the URLs name the hashed files in STATIC_ROOT: the integrity is theirs."""
    make_available(staff)
    with override_settings(
        STORAGES=MANIFEST_STORAGE, STATIC_ROOT=tmp_path / "static", WHITENOISE_USE_FINDERS=False
    ):
        root = collect(tmp_path)
        found = scripts(Client(), "/chatt/stockholm/")
        assert found and all(re.search(r"\.[0-9a-f]{12}\.js$", src) for src, _ in found), found
        for src, integrity in found:
            assert integrity == sri((root / src.removeprefix("/static/")).read_bytes())
        assert_integrity(Client(), "/chatt/stockholm/", ["chat/delivery", "chat/chat"])


def test_static_hashes_lists_every_collected_file(tmp_path: Path) -> None:
    with override_settings(STORAGES=MANIFEST_STORAGE, STATIC_ROOT=tmp_path / "static"):
        root = collect(tmp_path)
        out = io.StringIO()
        call_command("static_hashes", stdout=out)
        lines = out.getvalue().splitlines()
        manifest = json.loads((root / "staticfiles.json").read_text())["paths"]
        assert len(lines) == len(manifest)
        for line in lines:
            digest, name = line.split("  ", 1)
            assert hashlib.sha256((root / name).read_bytes()).hexdigest() == digest
        # sha256sum's own format: `cd staticfiles && sha256sum -c` checks them too.
        chat = io.StringIO()
        call_command("static_hashes", "chat/", stdout=chat)
        assert {line.split("  ")[1].split("/")[0] for line in chat.getvalue().splitlines()} == {"chat"}
        assert any("delivery." in line for line in chat.getvalue().splitlines())


def test_static_hashes_needs_collected_files(tmp_path: Path) -> None:
    with (
        override_settings(STORAGES=MANIFEST_STORAGE, STATIC_ROOT=tmp_path / "empty"),
        pytest.raises(CommandError, match="collectstatic"),
    ):
        call_command("static_hashes")


class FakeSite:
    """The files a live site serves, by URL; ``altered`` ones come back changed."""

    def __init__(self, root: Path, altered: set[str] = frozenset(), missing: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        self.root, self.altered, self.missing, self.asked = root, altered, missing, []

    def __call__(self, request: Any, timeout: float) -> Any:
        url = request.full_url if hasattr(request, "full_url") else request
        self.asked.append(url)
        name = urlsplit(url).path.removeprefix("/static/")
        if name in self.missing:
            raise HTTPError(url, 404, "Not Found", {}, None)  # type: ignore[arg-type]
        body = (self.root / name).read_bytes()
        return io.BytesIO(body + b"/* altered */" if name in self.altered else body)


def test_static_hashes_checks_a_live_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fristad.web.management.commands import static_hashes

    with override_settings(STORAGES=MANIFEST_STORAGE, STATIC_ROOT=tmp_path / "static"):
        root = collect(tmp_path)
        manifest = json.loads((root / "staticfiles.json").read_text())["paths"]
        site = FakeSite(root)
        monkeypatch.setattr(static_hashes, "urlopen", site)
        out = io.StringIO()
        call_command("static_hashes", "chat/", "--verify", "https://fristad.example", stdout=out)
        assert site.asked and all(u.startswith("https://fristad.example/static/chat/") for u in site.asked)
        assert "DIFFERS" not in out.getvalue() and "MISSING" not in out.getvalue()

        delivery = manifest["chat/delivery.js"]
        monkeypatch.setattr(
            static_hashes, "urlopen", FakeSite(root, altered={delivery}, missing={manifest["chat/chat.js"]})
        )
        out = io.StringIO()
        with pytest.raises(SystemExit) as exited:
            call_command("static_hashes", "chat/", "--verify", "https://fristad.example", stdout=out)
        assert exited.value.code == 1
        assert f"DIFFERS  {delivery}" in out.getvalue()
        assert f"MISSING  {manifest['chat/chat.js']} (HTTP 404)" in out.getvalue()
