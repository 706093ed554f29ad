"""The README's table of ``fristad`` commands lists every command Fristad has, and no
command it does not have."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def commands_in_code() -> set[str]:
    return {
        path.stem.replace("_", "-")
        for path in (ROOT / "fristad").glob("*/management/commands/*.py")
        if not path.name.startswith("_")
    }


def commands_in_readme() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("## The `fristad` command", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `fristad ([a-z-]+)", table, flags=re.MULTILINE))


def test_every_command_is_documented_and_every_documented_command_exists() -> None:
    in_code = commands_in_code()
    # Django's own commands that the README names ("check") exist too.
    assert commands_in_readme() - {"check"} == in_code
    assert "worker" in in_code and "bootstrap-national" in in_code
