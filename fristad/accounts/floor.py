"""The staff floor, decided in one place: every staff page (``StaffSessionMiddleware``)
and the console's socket (at its handshake and on its tick) ask ``staff_floor``."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.utils.crypto import constant_time_compare

from fristad.accounts.selectors import (
    has_second_factor,
    pledge_signed_current,
    pledge_signed_user_ids,
    second_factor_user_ids,
)

# The session's marks: when she signed in, and when she last did something.
AUTH_AT = "fristad_auth_at"
SEEN_AT = "fristad_seen_at"

# Why she is not on the floor (the console's ``closed`` frame says the same words).
SESSION_ENDED = "session_ended"  # signed out, or every other session ended (a new factor or password)
DEACTIVATED = "deactivated"
TIMEOUT = "timeout"  # STAFF_ABSOLUTE_TIMEOUT_SECONDS after signing in
IDLE = "idle"  # STAFF_IDLE_TIMEOUT_SECONDS without anything she did
SECOND_FACTOR = "second_factor"  # no second factor yet
PLEDGE = "pledge"  # the current tystnadslöfte is not signed
# Signed out for these: the session itself is over.
SESSION_OVER = frozenset({SESSION_ENDED, DEACTIVATED, TIMEOUT, IDLE})


# A session, or a plain dict of its data.
SessionData = Mapping[str, Any] | SessionBase


def _session_holds(user: Any, session: SessionData) -> bool:
    """The session is hers and was signed with her current generation (as Django checks it)."""
    if str(session.get(SESSION_KEY, "")) != str(user.pk):
        return False
    stored = session.get(HASH_SESSION_KEY)
    if not isinstance(stored, str) or not stored:
        return False
    if constant_time_compare(stored, user.get_session_auth_hash()):
        return True
    return any(constant_time_compare(stored, other) for other in user.get_session_auth_fallback_hash())


@dataclass(frozen=True)
class FloorFacts:
    """What the floor asks of the database beyond her account and session, when it is read
    for many staff at once (``floor_facts``)."""

    second_factor: bool
    pledge_signed: bool


def floor_facts(*, user_ids: Collection[int]) -> dict[int, FloorFacts]:
    """The facts for many staff in three queries, however many: the console's tick checks
    every open console of a server process together."""
    ids = set(user_ids)
    factors = second_factor_user_ids(ids)
    signed = pledge_signed_user_ids(ids)
    return {pk: FloorFacts(second_factor=pk in factors, pledge_signed=pk in signed) for pk in ids}


def staff_floor(  # noqa: PLR0911  one ordered decision: one return per reason, first failing wins
    *, user: Any, session: SessionData, now: float, facts: FloorFacts | None = None
) -> str | None:
    """None if she stands on the staff floor now, else the reason (one of the names above).

    ``user``: as read from the database now (or Django's request user); ``session``: the
    session's data; ``now``: ``time.time()``; ``facts``: read together for many (else asked
    here, only when the cheaper checks pass). A session without marks has just signed in.
    """
    if user is None or not user.is_authenticated or not _session_holds(user, session):
        return SESSION_ENDED
    if not user.is_active:
        return DEACTIVATED
    if now - float(session.get(AUTH_AT, now)) > settings.STAFF_ABSOLUTE_TIMEOUT_SECONDS:
        return TIMEOUT
    if now - float(session.get(SEEN_AT, now)) > settings.STAFF_IDLE_TIMEOUT_SECONDS:
        return IDLE
    if not (facts.second_factor if facts is not None else has_second_factor(user)):
        return SECOND_FACTOR
    if not (facts.pledge_signed if facts is not None else pledge_signed_current(user)):
        return PLEDGE
    return None
