"""The layer rules of docs/architecture.md are import-linter contracts (pyproject.toml),
checked by ``lint-imports`` in ``make test``. This test keeps the contract in step with
the project: every app of ours is in it, in the order of INSTALLED_APPS (lowest first),
and the statistics are forbidden the chat."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]


def contract(kind: str) -> dict[str, object]:
    contracts: list[dict[str, object]] = CONFIG["contracts"]
    (found,) = [c for c in contracts if c["type"] == kind]
    return found


def test_every_app_stands_in_the_layers_in_the_order_of_installed_apps() -> None:
    layers = contract("layers")["layers"]
    assert isinstance(layers, list)
    in_contract = [app.strip() for layer in reversed(layers) for app in layer.split("|")]
    ours = [app for app in settings.INSTALLED_APPS if app.startswith("fristad.")]
    # INSTALLED_APPS lists them lowest layer first; siblings of one layer in any order.
    assert sorted(in_contract) == sorted(ours)
    positions = {
        app: n for n, layer in enumerate(reversed(layers)) for app in map(str.strip, layer.split("|"))
    }
    assert [positions[app] for app in ours] == sorted(positions[app] for app in ours)


def test_the_statistics_are_forbidden_the_chat() -> None:
    forbidden = contract("forbidden")
    assert forbidden["source_modules"] == ["fristad.stats"]
    assert forbidden["forbidden_modules"] == ["fristad.chat"]


def test_the_contracts_are_kept() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "2 kept, 0 broken" in result.stdout
