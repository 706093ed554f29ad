"""Apps import only from apps below them (docs/architecture.md); stats never imports chat."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "fristad"
LAYERS = {
    "web": 0,
    "ops": 1,
    "geo": 2,
    "directory": 3,
    "accounts": 4,
    "chat": 5,
    "housing": 5,
    "support": 5,
    "stats": 6,
    "demo": 7,
}


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if len(parts) > 1 and parts[0] == "fristad" and parts[1] in LAYERS:
                found.add(parts[1])
    return found


def test_every_app_imports_only_from_lower_layers() -> None:
    violations = []
    for app, layer in LAYERS.items():
        for path in (PACKAGE / app).rglob("*.py"):
            for other in imported_apps(path):
                if other == app:
                    continue
                if LAYERS[other] >= layer:
                    violations.append(f"{path.relative_to(PACKAGE)} imports fristad.{other}")
                if app == "stats" and other == "chat":
                    violations.append(f"{path.relative_to(PACKAGE)}: stats must never import chat")
    assert violations == []


def test_the_checker_sees_imports() -> None:
    assert "geo" in imported_apps(PACKAGE / "directory" / "selectors.py")
