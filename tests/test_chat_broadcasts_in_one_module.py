"""The chat sends over the channel layer from one module only (docs/architecture.md):
``events.py`` calls ``group_send``/``send``; the consumers only join and leave groups."""

from __future__ import annotations

import ast
from pathlib import Path

CHAT = Path(__file__).resolve().parent.parent / "fristad" / "chat"
SENDING = {"group_send", "send"}


def layer_calls(path: Path) -> set[str]:
    """Methods called on something named like a channel layer (``self.channel_layer.x``,
    ``layer.x``, ``get_channel_layer().x``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            target = ast.unparse(node.func.value)
            if target.endswith(("channel_layer", "layer")) or "get_channel_layer" in target:
                found.add(node.func.attr)
    return found


def test_only_events_sends_over_the_channel_layer() -> None:
    senders = {path.name for path in CHAT.rglob("*.py") if layer_calls(path) & SENDING}
    assert senders == {"events.py"}


def test_the_consumers_only_subscribe() -> None:
    modules = sorted((CHAT / "consumers").glob("*.py"))
    assert {path.name for path in modules} >= {"her.py", "console.py"}
    for path in modules:
        assert layer_calls(path) <= {"group_add", "group_discard"}, path.name
