"""Who may open the console, and that one jour's console never touches another jour's chats."""

from __future__ import annotations

import asyncio
import functools
import json
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from fristad.accounts.middleware import AUTH_AT, SEEN_AT
from fristad.accounts.models import AuditAction, AuditEvent, Membership, Role
from fristad.accounts.selectors import pledge_current
from fristad.accounts.services import membership_remove, pledge_publish, sessions_end_elsewhere
from fristad.asgi import application
from fristad.chat import services
from fristad.chat.models import AgentPresence, CannedResponse, Chat, ChatBlock, ChatSettings, ChatStatus
from fristad.directory.models import Jour
from tests.chat_helpers import (
    ORIGIN,
    WebsocketCommunicator,
    answered_chat,
    console_socket,
    drain,
    her_socket,
    run,
    session_cookie,
)
from tests.conftest import Staff, make_staff_user

pytestmark = pytest.mark.django_db(transaction=True)


def chats_on_in_malmo() -> None:
    Jour.objects.filter(slug="malmo").update(chats=True)


def _with_session(user: Any, **marks: float) -> bytes:
    """A session cookie for her, with the staff middleware's time marks set."""
    cookie = session_cookie(user)
    key = cookie.decode().split("=", 1)[1]
    session = SessionStore(session_key=key)
    for name, value in marks.items():
        session[name] = value
    session.save()
    return cookie


def _member(email: str, jour: Jour, **options: Any) -> Any:
    user, _secret = make_staff_user(email, **options)
    Membership.objects.create(user=user, role=Role.JOURKVINNA, jour=jour)
    return user


# --- The handshake ------------------------------------------------------------------------


async def handshake(cookie: bytes | None) -> tuple[bool, int | None]:
    """Open the console with that cookie: (accepted, close code); closes it again if accepted."""
    headers = [ORIGIN] + ([(b"cookie", cookie)] if cookie else [])
    communicator = WebsocketCommunicator(application, "/ws/personal/chatt/", headers=headers)
    result = await communicator.connect()
    if result[0]:
        await communicator.disconnect()
    else:
        # Refused before accept: nothing else is sent.
        assert await communicator.receive_nothing(timeout=0.05)
    return result


def test_the_console_handshake_is_refused_below_the_staff_floor(staff: Staff) -> None:
    assert pledge_current() is not None
    assert not Jour.objects.get(slug="malmo").chats
    now = time.time()
    cookies: dict[str, bytes | None] = {
        "anonymous": None,
        "no such session": b"sessionid=not-a-session-at-all",
        "no second factor": session_cookie(_member("nofactor@staff.test", staff.jour_a, with_factor=False)),
        "pledge not signed": session_cookie(_member("unsigned@staff.test", staff.jour_a, sign_pledge=False)),
        "caseworker": session_cookie(staff.caseworker),
        "national office": session_cookie(staff.national),
        "jourkvinna of a jour without chat": session_cookie(staff.kvinna_b),
        "coordinator of a jour without chat": session_cookie(staff.admin_b),
        "idle session": _with_session(
            staff.kvinna_a, **{SEEN_AT: now - settings.STAFF_IDLE_TIMEOUT_SECONDS - 5}
        ),
        "session too old": _with_session(
            staff.kvinna_a, **{AUTH_AT: now - settings.STAFF_ABSOLUTE_TIMEOUT_SECONDS - 5, SEEN_AT: now}
        ),
    }

    async def scenario() -> dict[str, tuple[bool, int | None]]:
        return {name: await handshake(cookie) for name, cookie in cookies.items()}

    results = run(scenario)
    # The protocol's close code, for every one of them.
    assert results == dict.fromkeys(cookies, (False, 4403))


def test_the_console_handshake_is_refused_once_her_standing_changes(staff: Staff) -> None:
    """Each cookie opens the console before the change and not after it."""
    User = type(staff.kvinna_a)

    def end_elsewhere() -> None:
        sessions_end_elsewhere(user=staff.admin_a, request=None)

    def deactivate() -> None:
        User.objects.filter(pk=staff.kvinna_a.pk).update(is_active=False)

    def suspend_jour() -> None:
        Jour.objects.filter(pk=staff.jour_a.pk).update(is_active=False)

    def jour_chat_off() -> None:
        Jour.objects.filter(pk=staff.jour_a.pk).update(chats=False)

    def new_pledge() -> None:
        pledge_publish(text_sv="Version två.", text_en="Version two.")

    def jour_as_it_was() -> None:
        Jour.objects.filter(pk=staff.jour_a.pk).update(is_active=True, chats=True)

    changes: list[tuple[str, Any, Callable[[], None]]] = [
        ("her sessions ended elsewhere (a new factor)", staff.admin_a, end_elsewhere),
        ("account deactivated", staff.kvinna_a, deactivate),
        ("jour suspended", _member("suspended@staff.test", staff.jour_a), suspend_jour),
        ("jour turned chat off", _member("chatoff@staff.test", staff.jour_a), jour_chat_off),
        ("a new pledge version", _member("pledge@staff.test", staff.jour_a), new_pledge),
    ]
    for name, user, change in changes:
        jour_as_it_was()
        cookie = session_cookie(user)
        assert run(functools.partial(handshake, cookie)) == (True, None), f"before: {name}"
        change()
        assert run(functools.partial(handshake, cookie)) == (False, 4403), f"after: {name}"


@pytest.mark.parametrize("who", ["kvinna_a", "admin_a"])
def test_the_console_opens_for_jourkvinnor_of_a_jour_that_chats(staff: Staff, who: str) -> None:
    user = getattr(staff, who)
    cookie = session_cookie(user)

    async def scenario() -> None:
        ok, console = await console_socket(cookie)
        assert ok
        state = await console.expect("state")
        assert state["jourer"] == [{"id": staff.jour_a.pk, "name": staff.jour_a.name}]
        assert state["available"] is False and state["chats"] == []
        await console.send(t="presence", jour=staff.jour_a.pk, available=True)
        state = await console.expect("state", available=True)
        assert state["jour"] == staff.jour_a.pk
        await console.close()
        presence = await database_sync_to_async(AgentPresence.objects.get)(user=user)
        assert presence.jour_id == staff.jour_a.pk and presence.status == "available"

    run(scenario)


def test_a_recent_session_opens_the_console(staff: Staff) -> None:
    now = time.time()
    cookie = _with_session(
        staff.kvinna_a, **{AUTH_AT: now - 3600, SEEN_AT: now - settings.STAFF_IDLE_TIMEOUT_SECONDS + 60}
    )

    async def scenario() -> None:
        ok, console = await console_socket(cookie)
        assert ok
        await console.expect("state")
        await console.close()

    run(scenario)


def test_the_console_opens_once_her_jour_turns_chat_on(staff: Staff) -> None:
    cookie = session_cookie(staff.kvinna_b)

    async def scenario() -> None:
        ok, _console = await console_socket(cookie)
        assert ok is False
        await database_sync_to_async(chats_on_in_malmo)()
        ok, console = await console_socket(cookie)
        assert ok
        state = await console.expect("state")
        assert state["jourer"] == [{"id": staff.jour_b.pk, "name": staff.jour_b.name}]
        await console.close()

    run(scenario)


# --- Isolation between jourer -------------------------------------------------------------


def _frame_mentions(frame: dict[str, Any], chat_id: str) -> bool:
    return chat_id in json.dumps(frame)


def test_another_jours_console_cannot_act_on_a_chat_and_never_hears_it(staff: Staff) -> None:
    chats_on_in_malmo()
    cookie_a = session_cookie(staff.kvinna_a)
    cookie_b = session_cookie(staff.kvinna_b)

    async def scenario() -> None:
        her, console_a, chat_id = await answered_chat(staff, cookie_a)
        ok, console_b = await console_socket(cookie_b)
        assert ok
        await console_b.expect("state")
        await console_b.send(t="presence", jour=staff.jour_b.pk, available=True)
        await console_b.expect("state", available=True)

        attempts: list[tuple[dict[str, Any], str]] = [
            ({"t": "msg", "chat": chat_id, "seq": 1, "leg": "b1", "body": "Hej från Malmö"}, "not_yours"),
            ({"t": "ack", "chat": chat_id, "seq": 1, "leg": "h1"}, "not_yours"),
            ({"t": "leg", "chat": chat_id, "leg": "b1", "from": 1}, "not_yours"),
            ({"t": "typing", "chat": chat_id}, "not_yours"),
            ({"t": "end", "chat": chat_id}, "refused"),
            ({"t": "transfer", "chat": chat_id, "to_jour": staff.jour_b.pk, "note": "min nu"}, "refused"),
            ({"t": "transfer", "chat": chat_id, "to_user": staff.kvinna_b.pk, "note": "min nu"}, "refused"),
            ({"t": "block", "chat": chat_id, "minutes": 60}, "refused"),
            ({"t": "take", "chat": chat_id}, "refused"),
        ]
        for frame, code in attempts:
            await console_b.send(**frame)
            await console_b.expect("error", code=code)

        # Her words go to Stockholm's console only.
        await her.send(t="msg", seq=1, leg="h1", body="Bara till Stockholm")
        got = await console_a.expect("msg")
        assert got["body"] == "Bara till Stockholm" and got["chat"] == chat_id

        heard_by_her = await drain(her)
        assert all(f["t"] not in ("msg", "ack", "leg", "typing", "ended", "requeued") for f in heard_by_her)
        heard_by_b = await drain(console_b)
        assert not [f for f in heard_by_b if _frame_mentions(f, chat_id)]

        chat = await database_sync_to_async(Chat.objects.get)(pk=chat_id)
        assert chat.agent_id == staff.kvinna_a.pk and chat.status == ChatStatus.ACTIVE
        assert chat.jour_id == staff.jour_a.pk and chat.note == ""
        assert not await database_sync_to_async(ChatBlock.objects.exists)()
        blocks = AuditEvent.objects.filter(action=AuditAction.CHAT_BLOCK)
        assert not await database_sync_to_async(blocks.exists)()
        for socket in (her, console_a, console_b):
            await socket.close()

    run(scenario)


def test_another_jours_console_sees_only_the_overflow_queue(staff: Staff) -> None:
    chats_on_in_malmo()
    cookie_b = session_cookie(staff.kvinna_b)

    async def scenario() -> None:
        her = await her_socket()
        await her.send(t="start", jour="stockholm")
        chat_id = (await her.expect("started"))["chat"]
        ok, console_b = await console_socket(cookie_b)
        assert ok
        state = await console_b.expect("state")
        assert state["queue"] == [] and state["overflow"] == []
        assert not _frame_mentions(state, chat_id)

        # Waiting long does not make it the network's: only her yes does.
        old = timezone.now() - timedelta(seconds=settings.CHAT_OVERFLOW_AFTER_SECONDS + 5)
        await database_sync_to_async(Chat.objects.filter(pk=chat_id).update)(queued_at=old)
        await console_b.send(t="state")
        state = await console_b.expect("state")
        assert state["overflow"] == [] and not _frame_mentions(state, chat_id)
        # She says any jour may answer: now Malmö sees it, as overflow.
        await her.send(t="any_jour")
        await asyncio.sleep(0.2)
        await console_b.send(t="state")
        state = await console_b.expect("state")
        assert state["queue"] == []
        assert [row["id"] for row in state["overflow"]] == [chat_id]
        assert state["overflow"][0]["jour"] == staff.jour_a.name

        # A jour that does not answer the overflow does not see it at all.
        await database_sync_to_async(ChatSettings.objects.create)(jour=staff.jour_b, answers_overflow=False)
        await console_b.send(t="state")
        state = await console_b.expect("state")
        assert state["queue"] == [] and state["overflow"] == []
        assert not _frame_mentions(state, chat_id)
        await her.close()
        await console_b.close()

    run(scenario)


def test_another_jour_cannot_take_a_chat_of_stockholms_own_queue(staff: Staff) -> None:
    chats_on_in_malmo()
    cookie_b = session_cookie(staff.kvinna_b)

    async def scenario() -> None:
        her = await her_socket()
        await her.send(t="start", jour="stockholm")
        chat_id = (await her.expect("started"))["chat"]
        ok, console_b = await console_socket(cookie_b)
        assert ok
        await console_b.expect("state")
        await console_b.send(t="presence", jour=staff.jour_b.pk, available=True)
        await console_b.expect("state", available=True)
        await console_b.send(t="take", chat=chat_id)
        await console_b.expect("error", code="refused")
        await console_b.send(t="take")
        await console_b.expect("error", code="queue_empty")
        chat = await database_sync_to_async(Chat.objects.get)(pk=chat_id)
        assert chat.status == ChatStatus.WAITING and chat.agent_id is None
        assert all(f["t"] != "assigned" for f in await drain(her))
        await her.close()
        await console_b.close()

    run(scenario)


def test_presence_for_a_jour_she_is_not_a_member_of_is_refused(staff: Staff) -> None:
    chats_on_in_malmo()
    cookie_b = session_cookie(staff.kvinna_b)
    norrsken = Jour.objects.get(slug="norrsken")

    async def scenario() -> None:
        ok, console_b = await console_socket(cookie_b)
        assert ok
        await console_b.expect("state")
        for jour_id in (staff.jour_a.pk, norrsken.pk, 999_999):
            await console_b.send(t="presence", jour=jour_id, available=True)
            await console_b.expect("error", code="refused")
        assert not await database_sync_to_async(AgentPresence.objects.exists)()
        # Her own jour works.
        await console_b.send(t="presence", jour=staff.jour_b.pk, available=True)
        await console_b.expect("state", available=True, jour=staff.jour_b.pk)
        await console_b.close()

    run(scenario)


def test_presence_for_her_own_jour_with_chat_off_is_refused(staff: Staff) -> None:
    """Member of Stockholm (chats) and Norrsken (no chat): the console opens, Norrsken is refused."""
    norrsken = Jour.objects.get(slug="norrsken")
    Membership.objects.create(user=staff.kvinna_a, role=Role.JOURKVINNA, jour=norrsken)
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        ok, console = await console_socket(cookie)
        assert ok
        state = await console.expect("state")
        assert [j["id"] for j in state["jourer"]] == [staff.jour_a.pk]
        await console.send(t="presence", jour=norrsken.pk, available=True)
        await console.expect("error", code="refused")
        assert not await database_sync_to_async(AgentPresence.objects.exists)()
        await console.close()

    run(scenario)


def test_a_jourkvinna_removed_from_the_jour_gets_none_of_its_chats(staff: Staff) -> None:
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        ok, console = await console_socket(cookie)
        assert ok
        await console.expect("state")
        await console.send(t="presence", jour=staff.jour_a.pk, available=True)
        await console.expect("state", available=True)

        # The coordinator removes her from Stockholm while her console is open.
        membership = await database_sync_to_async(Membership.objects.get)(
            user=staff.kvinna_a, jour=staff.jour_a
        )
        await database_sync_to_async(membership_remove)(membership=membership, actor=staff.admin_a)

        her = await her_socket()
        await her.send(t="start", jour="stockholm")
        chat_id = (await her.expect("started"))["chat"]
        await asyncio.sleep(0.3)
        chat = await database_sync_to_async(Chat.objects.get)(pk=chat_id)
        assert chat.agent_id is None, "a chat of Stockholm went to someone no longer at Stockholm"
        await her.close()
        await console.close()

    run(scenario)


def test_a_console_never_shows_the_queue_of_a_jour_she_was_removed_from(staff: Staff) -> None:
    chats_on_in_malmo()
    stockholm = Membership.objects.create(user=staff.kvinna_b, role=Role.JOURKVINNA, jour=staff.jour_a)
    CannedResponse.objects.create(jour=staff.jour_a, title="Stockholms svar", body="Bara för Stockholm.")
    # She was available for Stockholm, then the coordinator removed her from it.
    services.presence_set(user=staff.kvinna_b, jour_id=staff.jour_a.pk, available=True)
    membership_remove(membership=stockholm, actor=staff.admin_a)
    cookie_b = session_cookie(staff.kvinna_b)

    async def scenario() -> None:
        her = await her_socket()
        await her.send(t="start", jour="stockholm")
        chat_id = (await her.expect("started"))["chat"]
        ok, console_b = await console_socket(cookie_b)
        assert ok  # Malmö chats: her console opens, for Malmö only
        state = await console_b.expect("state")
        assert state["jourer"] == [{"id": staff.jour_b.pk, "name": staff.jour_b.name}]
        assert not _frame_mentions(state, chat_id), state["queue"]
        assert "Stockholms svar" not in json.dumps(state)
        assert state["jour"] != staff.jour_a.pk
        await her.close()
        await console_b.close()

    run(scenario)
