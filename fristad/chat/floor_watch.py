"""The console follows the staff floor all the time: one check per tick for every open
console of this server process together (a handful of queries, however many consoles),
not one per console. A check per console was most of the database thread's work with
100 consoles open (bench/chat_relay.py --profile measure).

``floor_check`` is the check, for one console (the handshake) or many (the tick);
``watch`` keeps a console under the tick until ``unwatch``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase, UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

from fristad.accounts.floor import AUTH_AT, SEEN_AT, SESSION_ENDED, floor_facts, staff_floor
from fristad.accounts.models import User
from fristad.chat import selectors

logger = logging.getLogger(__name__)

# The console's reason when she no longer belongs to a jour that chats.
REMOVED = "removed"
# Her activity is written to the session at most this often.
SEEN_WRITE_SECONDS = 60
# Consoles read per query (SQLite's limit on parameters is far above it).
CHUNK = 500


@dataclass
class ConsoleMarks:
    """One open console as the check needs it. ``opened_at`` stands in for a session without
    marks (as the staff middleware: it has just signed in); ``active_at`` is her last own
    frame on the console (0: none yet), which counts as activity for her session."""

    user_id: int
    session_key: str
    opened_at: float
    active_at: float = 0.0


def _chunks(items: Sequence[Any]) -> list[Sequence[Any]]:
    return [items[start : start + CHUNK] for start in range(0, len(items), CHUNK)]


def _session_data(keys: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The live sessions among these keys, decoded: one query per chunk with the database
    session engine (the default), one per key with any other engine."""
    store_class: type[SessionBase] = import_module(settings.SESSION_ENGINE).SessionStore
    if not issubclass(store_class, DatabaseSessionStore):
        found = {key: dict(store_class(session_key=key).items()) for key in keys}
        return {key: data for key, data in found.items() if data}
    decoder = store_class()
    model = store_class.get_model_class()
    data: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(keys):
        rows = model.objects.filter(session_key__in=chunk, expire_date__gt=timezone.now())
        for key, encoded in rows.values_list("session_key", "session_data"):
            data[key] = decoder.decode(encoded)
    return data


def floor_check(consoles: Sequence[ConsoleMarks], *, now: float | None = None) -> list[str | None]:
    """Why each console may not stay open now (None: it may), in order: the staff floor as
    every staff page sees it, from her account and session as they are in the database now,
    and a jour that chats. Her console activity is written to her session (at most every
    SEEN_WRITE_SECONDS), so that her staff pages and a reconnecting console count it too."""
    now = time.time() if now is None else now
    user_ids = {console.user_id for console in consoles}
    users: dict[int, User] = {}
    facts = {}
    with_jour: set[int] = set()
    for chunk in _chunks(sorted(user_ids)):
        users.update(User.objects.in_bulk(chunk))
        facts.update(floor_facts(user_ids=chunk))
        with_jour |= selectors.console_user_ids(user_ids=chunk)
    sessions = _session_data([console.session_key for console in consoles if console.session_key])
    reasons: list[str | None] = []
    for console in consoles:
        user = users.get(console.user_id)
        data = sessions.get(console.session_key)
        if user is None or data is None:
            reasons.append(SESSION_ENDED)
            continue
        stored_seen = float(data.get(SEEN_AT, console.opened_at))
        seen_at = max(stored_seen, console.active_at)
        marks = {
            SESSION_KEY: data.get(SESSION_KEY),
            HASH_SESSION_KEY: data.get(HASH_SESSION_KEY),
            AUTH_AT: data.get(AUTH_AT, console.opened_at),
            SEEN_AT: seen_at,
        }
        reason = staff_floor(user=user, session=marks, now=now, facts=facts[user.pk])
        if reason is None and user.pk not in with_jour:
            reason = REMOVED
        if reason is None and seen_at - stored_seen > SEEN_WRITE_SECONDS:
            reason = _write_seen(console.session_key, seen_at)
        reasons.append(reason)
    return reasons


def _write_seen(session_key: str, seen_at: float) -> str | None:
    store: SessionBase = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
    store[SEEN_AT] = seen_at
    try:
        store.save(must_create=False)
    except UpdateError:
        # Signed out between the read and the write.
        return SESSION_ENDED
    return None


@dataclass(eq=False)
class Watched:
    """A console under the tick: its marks (``active_at`` kept current by the console) and
    what to do when she has left the floor."""

    marks: ConsoleMarks
    off_floor: Callable[[str], Awaitable[None]]


@dataclass(eq=False)
class _Watch:
    """The tick of one event loop (a server process has one; each test its own)."""

    consoles: set[Watched] = field(default_factory=set)
    task: asyncio.Task[None] | None = None


_watches: dict[asyncio.AbstractEventLoop, _Watch] = {}


def watch(watched: Watched) -> None:
    """Check this console on every tick from now on, until ``unwatch``."""
    loop = asyncio.get_running_loop()
    state = _watches.setdefault(loop, _Watch())
    state.consoles.add(watched)
    if state.task is None or state.task.done():
        state.task = loop.create_task(_tick(loop, state))


def unwatch(watched: Watched) -> None:
    state = _watches.get(asyncio.get_running_loop())
    if state is not None:
        state.consoles.discard(watched)


async def _tick(loop: asyncio.AbstractEventLoop, state: _Watch) -> None:
    """Every CHAT_CONSOLE_CHECK_SECONDS while any console is open: one check for all."""
    try:
        while state.consoles:
            await asyncio.sleep(settings.CHAT_CONSOLE_CHECK_SECONDS)
            consoles = list(state.consoles)
            if not consoles:
                break
            try:
                reasons = await database_sync_to_async(floor_check)([c.marks for c in consoles])
            except Exception as error:
                # A database that is away for a moment: the next tick asks again.
                logger.warning("console floor check failed (%s)", type(error).__name__)
                continue
            for console, reason in zip(consoles, reasons, strict=True):
                if reason is not None and console in state.consoles:
                    state.consoles.discard(console)
                    try:
                        await console.off_floor(reason)
                    except Exception:
                        logger.exception("closing a console off the floor failed")
    finally:
        if _watches.get(loop) is state and not state.consoles:
            del _watches[loop]
