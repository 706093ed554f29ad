"""The console's floor tick checks every open console of a server process together: its
queries do not grow with the number of consoles, and each console gets its own answer."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fristad.accounts.floor import AUTH_AT, DEACTIVATED, IDLE, SEEN_AT, SESSION_ENDED
from fristad.accounts.models import User
from fristad.chat.floor_watch import REMOVED, ConsoleMarks, floor_check
from tests.chat_helpers import session_cookie
from tests.conftest import Staff, make_staff_user

pytestmark = pytest.mark.django_db


def _marks(user: Any, **session: float) -> ConsoleMarks:
    from django.contrib.sessions.backends.db import SessionStore

    key = session_cookie(user).decode().split("=", 1)[1]
    if session:
        store = SessionStore(session_key=key)
        for name, value in session.items():
            store[name] = value
        store.save()
    return ConsoleMarks(user_id=user.pk, session_key=key, opened_at=time.time())


def _members(staff: Staff, count: int) -> list[Any]:
    from fristad.accounts.models import Membership, Role

    users = []
    for i in range(count):
        user, _ = make_staff_user(f"tick{i}@example.org")
        Membership.objects.create(user=user, jour=staff.jour_a, role=Role.JOURKVINNA)
        users.append(user)
    return users


def _queries(consoles: list[ConsoleMarks]) -> tuple[int, list[str | None]]:
    with CaptureQueriesContext(connection) as captured:
        reasons = floor_check(consoles)
    return len(captured.captured_queries), reasons


def test_the_tick_costs_the_same_queries_for_one_console_or_forty(staff: Staff) -> None:
    one, reasons = _queries([_marks(staff.kvinna_a)])
    assert reasons == [None]
    many, reasons = _queries([_marks(user) for user in [staff.kvinna_a, *_members(staff, 39)]])
    assert reasons == [None] * 40
    assert many == one


def test_each_console_gets_its_own_reason(staff: Staff) -> None:
    stranger, _ = make_staff_user("stranger@example.org")  # in no jour
    gone = _marks(staff.kvinna_b)
    gone.session_key = "x" * 32
    idle = _marks(staff.admin_a, **{SEEN_AT: time.time() - 10 * 3600, AUTH_AT: time.time()})
    deactivated = _marks(staff.admin_b)
    User.objects.filter(pk=staff.admin_b.pk).update(is_active=False)
    consoles = [_marks(staff.kvinna_a), gone, idle, deactivated, _marks(stranger)]
    assert floor_check(consoles) == [None, SESSION_ENDED, IDLE, DEACTIVATED, REMOVED]


def test_her_activity_on_the_console_is_written_to_her_session(staff: Staff) -> None:
    from django.contrib.sessions.backends.db import SessionStore

    marks = _marks(staff.kvinna_a, **{SEEN_AT: time.time() - 600})
    marks.active_at = time.time()
    assert floor_check([marks]) == [None]
    stored = SessionStore(session_key=marks.session_key)
    assert abs(float(stored[SEEN_AT]) - marks.active_at) < 1e-3
