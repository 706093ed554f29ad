"""The websocket frames, parsed and checked before anything acts on them.

A frame is a JSON object with a type ``t``. Message bodies are opaque strings: the
relay checks their size and passes them on, so that end-to-end encryption can be
added on top without changing the relay. Pure functions; no Django.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

MAX_FRAME_BYTES = 4096
MAX_SEQ = 2**31
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
LEG_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
# A public key of the chat's end-to-end encryption (docs/chat-encryption.md), base64url:
# P-256 raw is 87 characters, X25519 43; nothing else is checked, the pages do that.
PUB_RE = re.compile(r"^[A-Za-z0-9_-]{43,132}$")
# A JSON escape can make what no websocket text can carry: a lone surrogate (it cannot be
# encoded to UTF-8 for the other side's socket) or a NUL (PostgreSQL refuses it in text).
_SURROGATE = re.compile("[\ud800-\udfff]")


class FrameError(Exception):
    """A frame we will not act on; ``code`` goes back to the client in an error frame."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Frame:
    t: str
    data: dict[str, Any] = field(default_factory=dict)

    def text(self, name: str, *, required: bool = True, pattern: re.Pattern[str] | None = None) -> str:
        value = self.data.get(name)
        if value is None and not required:
            return ""
        # fullmatch: "$" alone would let a trailing newline through.
        if not isinstance(value, str) or (pattern is not None and not pattern.fullmatch(value)):
            raise FrameError("bad_field")
        return value

    def number(self, name: str, *, low: int = 0, high: int = MAX_SEQ) -> int:
        value = self.data.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise FrameError("bad_field")
        return value

    def flag(self, name: str) -> bool:
        value = self.data.get(name, False)
        if not isinstance(value, bool):
            raise FrameError("bad_field")
        return value


def parse(text: str | None, allowed: frozenset[str]) -> Frame:
    if text is None:
        raise FrameError("not_text")
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FRAME_BYTES:
        raise FrameError("too_large")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise FrameError("not_json") from None
    _check_text(data)
    if not isinstance(data, dict) or not isinstance(data.get("t"), str):
        raise FrameError("no_type")
    if data["t"] not in allowed:
        raise FrameError("unknown_type")
    return Frame(t=data["t"], data=data)


def _check_text(data: Any) -> None:
    """Every string of the frame (keys too, at any depth, relayed bodies included) is text
    that can go on: no NUL, no lone surrogate. Checked once here, so no handler, database
    or other side's socket ever sees one. Iterative: deep nesting cannot recurse."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item or (not item.isascii() and _SURROGATE.search(item)):
                raise FrameError("bad_text")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def dump(payload: dict[str, Any]) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


class TokenBucket:
    """A rate limit: ``burst`` frames at once, then ``rate`` per second."""

    def __init__(self, *, rate: float, burst: int, clock: Any = time.monotonic) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.tokens = float(burst)
        self.clock = clock
        self.stamp = clock()

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False
