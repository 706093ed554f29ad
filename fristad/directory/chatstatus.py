"""Whether a jour's chat is answered right now, asked of the chat app.

The directory sits below the chat in the layers, so it cannot import it; the chat
registers its answer here when it starts (dependency inversion). Without a
provider every chat counts as closed, which is the safe answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ChatStatus:
    open: bool
    # Her expected wait in seconds when open, if known.
    wait_seconds: int | None = None


CLOSED = ChatStatus(open=False)
Provider = Callable[[Iterable[int | None]], dict[int | None, ChatStatus]]
_provider: Provider | None = None


def register(provider: Provider) -> None:
    global _provider
    _provider = provider


def chat_status(jour_ids: Iterable[int | None]) -> dict[int | None, ChatStatus]:
    """Status per jour id; ``None`` stands for the national chat (any jour)."""
    ids = list(jour_ids)
    if _provider is None:
        return dict.fromkeys(ids, CLOSED)
    found = _provider(ids)
    return {jour_id: found.get(jour_id, CLOSED) for jour_id in ids}
