"""Routing through the services and the sockets: overflow, capacity, take, transfer, block,
a console that goes silent, queue estimates, and the public "chat open" status."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.utils import timezone

from fristad.accounts.models import AuditAction, AuditEvent, Membership
from fristad.chat import router, services
from fristad.chat.models import AgentPresence, Chat, ChatBlock, ChatSettings, ChatStatus
from fristad.directory.chatstatus import CLOSED, chat_status
from fristad.directory.models import Jour
from tests.chat_helpers import (
    Socket,
    answered_chat,
    answered_chat_started,
    console_socket,
    drain,
    her_socket,
    run,
    session_cookie,
)
from tests.conftest import Staff

pytestmark = pytest.mark.django_db(transaction=True)

HANDLING = 20 * 60  # the router's default handling time while no chat has ended yet


def db(function: Any) -> Any:
    return database_sync_to_async(function)


def chats_on_in_malmo() -> None:
    Jour.objects.filter(slug="malmo").update(chats=True)


async def get_chat(chat_id: str) -> Chat:
    chat: Chat = await db(Chat.objects.get)(pk=chat_id)
    return chat


async def start(jour: str | None = "stockholm", **extra: Any) -> tuple[Socket, dict[str, Any]]:
    her = await her_socket()
    frame: dict[str, Any] = {"t": "start", **extra}
    if jour is not None:
        frame["jour"] = jour
    await her.send(**frame)
    return her, await her.expect("started")


async def available(cookie: bytes, jour_id: int) -> Socket:
    ok, console = await console_socket(cookie)
    assert ok
    await console.expect("state")
    await console.send(t="presence", jour=jour_id, available=True)
    await console.expect("state", available=True)
    return console


async def close(*sockets: Socket) -> None:
    for socket in sockets:
        await socket.close()


def _back_beyond_overflow(chat_id: str) -> None:
    old = timezone.now() - timedelta(seconds=settings.CHAT_OVERFLOW_AFTER_SECONDS + 5)
    Chat.objects.filter(pk=chat_id).update(queued_at=old)


def _she_agreed(chat_id: str) -> None:
    """Her yes to "any jour" (the row as ``chat_any_jour`` leaves it, without its dispatch)."""
    Chat.objects.filter(pk=chat_id).update(any_jour=True)


# --- Overflow ---------------------------------------------------------------------------------


def test_any_jour_moves_her_waiting_chat_to_another_jour(staff: Staff) -> None:
    chats_on_in_malmo()
    cookie_b = session_cookie(staff.kvinna_b)

    async def scenario() -> None:
        console_b = await available(cookie_b, staff.jour_b.pk)
        her, started = await start("stockholm")
        queue = await her.expect("queue")
        # No one at Stockholm: no one who could answer her, so no guess at the wait; but
        # Malmö could answer her now, if she says yes.
        assert queue == {
            "t": "queue",
            "position": 1,
            "wait": None,
            "open": False,
            "network": True,
            "any_wait": 0,
            "ask": False,
        }
        assert (await get_chat(started["chat"])).status == ChatStatus.WAITING

        await her.send(t="any_jour")
        assigned = await her.expect("assigned")
        assert assigned == {"t": "assigned", "jour": staff.jour_b.name, "leg": 1}
        state = await console_b.expect("state", chats=[_row(started["chat"], staff, by_b=True)])
        assert state["queue"] == [] and state["overflow"] == []
        chat = await get_chat(started["chat"])
        assert chat.agent_id == staff.kvinna_b.pk and chat.agent_jour_id == staff.jour_b.pk
        assert chat.jour_id == staff.jour_a.pk and chat.any_jour
        await close(her, console_b)

    run(scenario)


def _row(chat_id: str, staff: Staff, *, by_b: bool = False, note: str = "", leg: int = 1) -> dict[str, Any]:
    return {
        "id": chat_id,
        "jour_name": (staff.jour_b if by_b else staff.jour_a).name,
        "chosen_jour_name": staff.jour_a.name,
        "note": note,
        "her_connected": True,
        "leg": leg,
    }


def test_past_the_threshold_her_chat_stays_at_home_until_she_says_yes(staff: Staff) -> None:
    chats_on_in_malmo()
    cookie_b = session_cookie(staff.kvinna_b)

    async def scenario() -> None:
        console_b = await available(cookie_b, staff.jour_b.pk)
        her, started = await start("stockholm")
        await db(services.chat_dispatch)()
        assert (await get_chat(started["chat"])).agent_id is None, "before the threshold it stays at home"
        await db(_back_beyond_overflow)(started["chat"])
        assert await db(services.chat_dispatch)() == []
        assert (await get_chat(started["chat"])).agent_id is None, "and after it, without her yes"

        await db(_she_agreed)(started["chat"])
        done = await db(services.chat_dispatch)()
        assert done == [(started["chat"], staff.kvinna_b.pk)]
        assert (await her.expect("assigned"))["jour"] == staff.jour_b.name
        await console_b.expect("state", chats=[_row(started["chat"], staff, by_b=True)])
        await close(her, console_b)

    run(scenario)


def test_a_jour_that_does_not_answer_the_overflow_is_never_given_it(staff: Staff) -> None:
    chats_on_in_malmo()
    ChatSettings.objects.create(jour=staff.jour_b, answers_overflow=False)
    cookie_b = session_cookie(staff.kvinna_b)

    async def scenario() -> None:
        console_b = await available(cookie_b, staff.jour_b.pk)
        her, started = await start("stockholm", any=True)
        national, national_started = await start(None)
        await db(_back_beyond_overflow)(started["chat"])
        assert await db(services.chat_dispatch)() == []
        for chat_id in (started["chat"], national_started["chat"]):
            assert (await get_chat(chat_id)).status == ChatStatus.WAITING
        await console_b.send(t="take")
        await console_b.expect("error", code="queue_empty")
        await close(her, national, console_b)

    run(scenario)


def test_a_national_chat_goes_to_whoever_answers_the_network(staff: Staff) -> None:
    chats_on_in_malmo()
    cookie_b = session_cookie(staff.kvinna_b)

    async def scenario() -> None:
        her, started = await start(None)
        chat = await get_chat(started["chat"])
        assert chat.jour_id is None and chat.any_jour
        console_b = await available(cookie_b, staff.jour_b.pk)
        assigned = await her.expect("assigned")
        assert assigned["jour"] == staff.jour_b.name
        assert (await get_chat(started["chat"])).agent_id == staff.kvinna_b.pk
        await close(her, console_b)

    run(scenario)


# --- Capacity and take ---------------------------------------------------------------------------


def test_capacity_from_the_membership_limits_her_chats_and_the_third_waits(
    staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(router, "MIN_PLACES_FOR_ESTIMATE", 1)  # a figure even for two places
    Membership.objects.filter(user=staff.kvinna_a, jour=staff.jour_a).update(chat_capacity=2)
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        sockets = [await start("stockholm") for _ in range(3)]
        console = await available(cookie, staff.jour_a.pk)
        (first, s1), (second, s2), (third, s3) = sockets
        await first.expect("assigned")
        await second.expect("assigned")
        # One waiting, Kvinna A's two slots: half a handling time.
        await third.expect("queue", position=1, wait=HANDLING // 2)
        state = await drain(console)
        latest = [f for f in state if f["t"] == "state"][-1]
        assert latest["capacity"] == 2
        assert sorted(c["id"] for c in latest["chats"]) == sorted([s1["chat"], s2["chat"]])
        assert [q["id"] for q in latest["queue"]] == [s3["chat"]]
        assert (await get_chat(s3["chat"])).status == ChatStatus.WAITING

        # One ends: the third is hers at once.
        await console.send(t="end", chat=s1["chat"])
        assert (await first.expect("ended"))["by"] == "staff"
        await third.expect("assigned")
        assert (await get_chat(s3["chat"])).agent_id == staff.kvinna_a.pk
        await close(first, second, third, console)

    run(scenario)


def test_take_next_gets_the_overflow_chat_before_the_dispatch_does(staff: Staff) -> None:
    chats_on_in_malmo()
    cookie_b = session_cookie(staff.kvinna_b)

    async def scenario() -> None:
        console_b = await available(cookie_b, staff.jour_b.pk)
        her, started = await start("stockholm")
        await console_b.send(t="take")
        await console_b.expect("error", code="queue_empty")

        await db(_she_agreed)(started["chat"])
        await console_b.send(t="take")
        assert (await her.expect("assigned"))["jour"] == staff.jour_b.name
        chat = await get_chat(started["chat"])
        assert chat.agent_id == staff.kvinna_b.pk and chat.status == ChatStatus.ACTIVE
        await console_b.expect("state", chats=[_row(started["chat"], staff, by_b=True)])
        await close(her, console_b)

    run(scenario)


def test_take_a_chosen_chat_from_the_queue(staff: Staff) -> None:
    chats_on_in_malmo()
    cookie_b = session_cookie(staff.kvinna_b)

    async def scenario() -> None:
        console_b = await available(cookie_b, staff.jour_b.pk)
        older, older_started = await start("stockholm")
        newer, newer_started = await start("stockholm")
        for chat_id in (older_started["chat"], newer_started["chat"]):
            await db(_she_agreed)(chat_id)
        await console_b.send(t="take", chat=newer_started["chat"])
        await newer.expect("assigned")
        assert (await get_chat(newer_started["chat"])).agent_id == staff.kvinna_b.pk
        assert (await get_chat(older_started["chat"])).agent_id is None
        await close(older, newer, console_b)

    run(scenario)


def test_take_needs_her_available(staff: Staff) -> None:
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        her, _started = await start("stockholm")
        ok, console = await console_socket(cookie)
        assert ok
        await console.expect("state")
        await console.send(t="take")
        await console.expect("error", code="refused")
        await console.send(t="presence", jour=staff.jour_a.pk, available=False)
        await console.send(t="take")
        await console.expect("error", code="refused")
        await close(her, console)

    run(scenario)


# --- Transfer --------------------------------------------------------------------------------------


def test_transfer_to_an_available_colleague(staff: Staff) -> None:
    cookie_a = session_cookie(staff.kvinna_a)
    cookie_admin = session_cookie(staff.admin_a)
    note = "Vill prata om skyddat boende."

    async def scenario() -> None:
        her, console_a, chat_id = await answered_chat(staff, cookie_a)
        colleague = await available(cookie_admin, staff.jour_a.pk)
        await console_a.send(t="state")
        state = await console_a.expect("state", colleagues=[{"id": staff.admin_a.pk, "name": "Admin_A"}])
        assert [c["id"] for c in state["chats"]] == [chat_id]

        await console_a.send(t="transfer", chat=chat_id, to_user=staff.admin_a.pk, note=note)
        assigned = await her.expect("assigned")
        assert assigned == {"t": "assigned", "jour": staff.jour_a.name, "leg": 2}
        assert await console_a.expect("removed") == {"t": "removed", "chat": chat_id, "reason": "transferred"}
        await colleague.expect("state", chats=[{**_row(chat_id, staff, note=note, leg=2)}])
        chat = await get_chat(chat_id)
        assert chat.agent_id == staff.admin_a.pk and chat.note == note and chat.staff_leg == 2

        # Her words go to the colleague now; the first jourkvinna can no longer write.
        await her.send(t="msg", seq=1, leg="h1", body="hej igen")
        assert (await colleague.expect("msg"))["body"] == "hej igen"
        await console_a.send(t="msg", chat=chat_id, seq=1, leg="a1", body="jag igen")
        await console_a.expect("error", code="not_yours")
        # Nothing of the chat reaches her console after the handover: no message, and no
        # news of who comes and goes (events already on their way when it left included).
        assert [f for f in await drain(console_a) if f.get("chat") == chat_id] == []
        await close(her, console_a, colleague)

    run(scenario)


def test_transfer_to_a_colleague_who_is_not_available_is_refused(staff: Staff) -> None:
    cookie_a = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        her, console_a, chat_id = await answered_chat(staff, cookie_a)
        for to_user in (staff.admin_a.pk, staff.kvinna_a.pk, staff.kvinna_b.pk):
            await console_a.send(t="transfer", chat=chat_id, to_user=to_user, note="")
            await console_a.expect("error", code="refused")
        await console_a.send(t="transfer", chat=chat_id, to_user=staff.admin_a.pk, to_jour=staff.jour_a.pk)
        await console_a.expect("error", code="refused")
        # Malmö does not chat.
        await console_a.send(t="transfer", chat=chat_id, to_jour=staff.jour_b.pk, note="")
        await console_a.expect("error", code="refused")
        chat = await get_chat(chat_id)
        assert chat.agent_id == staff.kvinna_a.pk and chat.staff_leg == 1
        await close(her, console_a)

    run(scenario)


def test_transfer_to_another_jour_queues_her_there_with_the_note(staff: Staff) -> None:
    chats_on_in_malmo()
    cookie_a = session_cookie(staff.kvinna_a)
    cookie_b = session_cookie(staff.kvinna_b)
    note = "Bor i Malmö, vill ha kontakt där."

    async def scenario() -> None:
        her, console_a, chat_id = await answered_chat(staff, cookie_a)
        await console_a.send(t="transfer", chat=chat_id, to_jour=staff.jour_b.pk, note=note)
        assert await her.expect("requeued") == {"t": "requeued", "jour": staff.jour_b.name}
        assert (await her.expect("queue"))["position"] == 1
        await console_a.expect("removed", chat=chat_id, reason="transferred")
        chat = await get_chat(chat_id)
        assert chat.status == ChatStatus.WAITING and chat.agent_id is None and chat.agent_jour_id is None
        assert chat.jour_id == staff.jour_b.pk and chat.note == note and not chat.any_jour

        # Malmö's jourkvinna comes: the chat is hers, with the note, on a new leg.
        console_b = await available(cookie_b, staff.jour_b.pk)
        assert (await her.expect("assigned")) == {"t": "assigned", "jour": staff.jour_b.name, "leg": 2}
        state = await console_b.expect("state", chats=[_b_row(chat_id, staff, note)])
        assert state["queue"] == []
        await close(her, console_a, console_b)

    run(scenario)


def _b_row(chat_id: str, staff: Staff, note: str) -> dict[str, Any]:
    return {
        "id": chat_id,
        "jour_name": staff.jour_b.name,
        "chosen_jour_name": staff.jour_b.name,
        "note": note,
        "her_connected": True,
        "leg": 2,
    }


# --- Block -----------------------------------------------------------------------------------------


def test_block_ends_the_chat_and_refuses_that_page_session_for_a_while(staff: Staff) -> None:
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        her, console, first = await answered_chat_started(staff, cookie)
        chat_id, session = first["chat"], first["session"]
        await console.send(t="block", chat=chat_id, minutes=30)
        assert await her.expect("ended") == {"t": "ended", "by": "blocked"}
        assert await console.expect("removed") == {"t": "removed", "chat": chat_id, "reason": "blocked"}
        assert not await db(Chat.objects.filter(pk=chat_id).exists)()

        events = await db(lambda: list(AuditEvent.objects.filter(action=AuditAction.CHAT_BLOCK)))()
        assert len(events) == 1
        event = events[0]
        assert event.actor_id == staff.kvinna_a.pk and event.jour_id == staff.jour_a.pk
        assert event.detail == "30 min"
        stored = json.dumps({f.name: str(getattr(event, f.attname)) for f in event._meta.fields})
        assert chat_id not in stored and session not in stored
        assert await db(ChatBlock.objects.count)() == 1

        # The same page session may not start again; the socket lives and says for how long.
        await her.send(t="start", jour="stockholm", session=session)
        refused = await her.expect("refused")
        assert refused["code"] == "blocked" and 29 <= refused["minutes"] <= 31
        again = await her_socket()
        await again.send(t="start", session=session)
        assert (await again.expect("refused"))["code"] == "blocked"

        # A page without that token starts as anyone does.
        await her.send(t="start", jour="stockholm")
        fresh = await her.expect("started")
        assert fresh["session"] != session
        await close(her, again, console)

    run(scenario)


def test_block_minutes_are_bounded_and_only_for_her_own_chat(staff: Staff) -> None:
    cookie = session_cookie(staff.kvinna_a)
    cookie_admin = session_cookie(staff.admin_a)

    async def scenario() -> None:
        her, console, chat_id = await answered_chat(staff, cookie)
        colleague = await available(cookie_admin, staff.jour_a.pk)
        await colleague.send(t="block", chat=chat_id, minutes=10)
        await colleague.expect("error", code="refused")
        for minutes in (0, settings.CHAT_BLOCK_MAX_MINUTES + 1):
            await console.send(t="block", chat=chat_id, minutes=minutes)
            await console.expect("error", code="bad_field")
        assert await db(Chat.objects.filter(pk=chat_id).exists)()
        assert not await db(ChatBlock.objects.exists)()
        await close(her, console, colleague)

    run(scenario)


# --- A console that goes silent ------------------------------------------------------------------


def test_a_silent_console_loses_its_chats_to_the_queue(staff: Staff) -> None:
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        her, console, chat_id = await answered_chat(staff, cookie)
        # Heard from recently: nothing happens.
        await db(services.chat_dispatch)()
        assert (await get_chat(chat_id)).agent_id == staff.kvinna_a.pk

        silent = timezone.now() - timedelta(seconds=settings.CHAT_PRESENCE_TIMEOUT_SECONDS + 5)
        await db(AgentPresence.objects.filter(user=staff.kvinna_a).update)(seen_at=silent)
        await db(services.chat_dispatch)()
        assert await her.expect("requeued") == {"t": "requeued", "jour": ""}
        assert await console.expect("removed") == {"t": "removed", "chat": chat_id, "reason": "lost"}
        chat = await get_chat(chat_id)
        assert chat.status == ChatStatus.WAITING and chat.agent_id is None and chat.assigned_at is None
        # No one is there: no wait is promised, and no other jour is open either.
        assert (await her.expect("queue")) == {
            "t": "queue",
            "position": 1,
            "wait": None,
            "open": False,
            "network": False,
            "any_wait": None,
            "ask": False,
        }

        # Back and available again: the chat is hers again, on a new leg.
        await console.send(t="presence", jour=staff.jour_a.pk, available=True)
        assigned = await her.expect("assigned")
        assert assigned["leg"] == 2
        await close(her, console)

    run(scenario)


def test_a_console_that_pings_keeps_its_chats(staff: Staff) -> None:
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        her, console, chat_id = await answered_chat(staff, cookie)
        almost = timezone.now() - timedelta(seconds=settings.CHAT_PRESENCE_TIMEOUT_SECONDS - 10)
        await db(AgentPresence.objects.filter(user=staff.kvinna_a).update)(seen_at=almost)
        await console.send(t="ping")
        await console.expect("pong")
        presence = await db(AgentPresence.objects.get)(user=staff.kvinna_a)
        assert (timezone.now() - presence.seen_at).total_seconds() < 5
        await db(services.chat_dispatch)()
        assert (await get_chat(chat_id)).agent_id == staff.kvinna_a.pk
        await close(her, console)

    run(scenario)


# --- Queue estimates -------------------------------------------------------------------------------


def test_queue_place_and_wait_update_when_a_chat_ahead_is_answered(
    staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(router, "MIN_PLACES_FOR_ESTIMATE", 1)  # figures even for one or two places
    Membership.objects.filter(user=staff.kvinna_a, jour=staff.jour_a).update(chat_capacity=1)
    Membership.objects.filter(user=staff.admin_a, jour=staff.jour_a).update(chat_capacity=1)
    cookie_a = session_cookie(staff.kvinna_a)
    cookie_admin = session_cookie(staff.admin_a)

    async def scenario() -> None:
        first, console_a, _first_chat = await answered_chat(staff, cookie_a)
        # Kvinna A is full; two more wait, one handling time apart.
        second, _s2 = await start("stockholm")
        assert await second.expect("queue") == {
            "t": "queue",
            "position": 1,
            "wait": HANDLING,
            "open": True,
            "network": False,
            "any_wait": None,
            "ask": False,
        }
        third, _s3 = await start("stockholm")
        assert await third.expect("queue") == {
            "t": "queue",
            "position": 2,
            "wait": 2 * HANDLING,
            "open": True,
            "network": False,
            "any_wait": None,
            "ask": False,
        }

        # A colleague comes and answers the second: the third moves up, with two slots now.
        colleague = await available(cookie_admin, staff.jour_a.pk)
        await second.expect("assigned")
        assert await third.expect("queue", position=1) == {
            "t": "queue",
            "position": 1,
            "wait": HANDLING // 2,
            "open": True,
            "network": False,
            "any_wait": None,
            "ask": False,
        }
        await close(first, second, third, console_a, colleague)

    run(scenario)


# --- The public status -------------------------------------------------------------------------------


def test_the_public_chat_status_is_open_only_with_someone_available(staff: Staff) -> None:
    chats_on_in_malmo()
    ids = [staff.jour_a.pk, None]
    assert chat_status(ids) == {staff.jour_a.pk: CLOSED, None: CLOSED}

    services.presence_set(user=staff.kvinna_a, jour_id=staff.jour_a.pk, available=True)
    status = chat_status(ids)
    assert status[staff.jour_a.pk].open and status[None].open
    assert status[staff.jour_a.pk].wait_seconds == 0

    # Away again: closed.
    services.presence_set(user=staff.kvinna_a, jour_id=staff.jour_a.pk, available=False)
    assert chat_status(ids) == {staff.jour_a.pk: CLOSED, None: CLOSED}

    # Someone at Malmö opens the national chat, not Stockholm's.
    services.presence_set(user=staff.kvinna_b, jour_id=staff.jour_b.pk, available=True)
    status = chat_status([*ids, staff.jour_b.pk])
    assert not status[staff.jour_a.pk].open and status[None].open and status[staff.jour_b.pk].open

    # A console gone silent counts as gone.
    silent = timezone.now() - timedelta(seconds=settings.CHAT_PRESENCE_TIMEOUT_SECONDS + 5)
    AgentPresence.objects.update(seen_at=silent)
    assert chat_status([*ids, staff.jour_b.pk]) == {
        staff.jour_a.pk: CLOSED,
        None: CLOSED,
        staff.jour_b.pk: CLOSED,
    }


def test_the_national_status_is_closed_when_only_a_jour_not_answering_the_overflow_is_there(
    staff: Staff,
) -> None:
    ChatSettings.objects.create(jour=staff.jour_a, answers_overflow=False)
    services.presence_set(user=staff.kvinna_a, jour_id=staff.jour_a.pk, available=True)
    status = chat_status([staff.jour_a.pk, None])
    assert status[staff.jour_a.pk].open
    assert not status[None].open


# --- Answered at once ----------------------------------------------------------------------------


def test_she_is_told_assigned_when_a_jourkvinna_is_already_available(staff: Staff) -> None:
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        console = await available(cookie, staff.jour_a.pk)
        her, started = await start("stockholm")
        assert (await get_chat(started["chat"])).agent_id == staff.kvinna_a.pk
        # Her page learns who answers and the staff leg, and that the console is there.
        heard = await drain(her)
        assert {"t": "assigned", "jour": staff.jour_a.name, "leg": 1} in heard, heard
        assert {"t": "peer", "here": True} in heard, heard
        assert all(f["t"] != "queue" for f in heard)
        await her.send(t="msg", seq=1, leg="h1", body="hej")
        await console.expect("msg", chat=started["chat"], body="hej")
        await close(her, console)

    run(scenario)


def test_she_is_told_assigned_when_answered_while_her_socket_joins(
    staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process's dispatch (a jourkvinna setting herself available) lands in the
    moment after chat_start returned and before her socket joined the chat's group."""
    original = services.chat_start

    def start_then_someone_becomes_available(**kwargs: Any) -> services.ChatTicket:
        ticket = original(**kwargs)
        services.presence_set(user=staff.kvinna_a, jour_id=staff.jour_a.pk, available=True)
        return ticket

    monkeypatch.setattr(services, "chat_start", start_then_someone_becomes_available)

    async def scenario() -> None:
        her, started = await start("stockholm")
        assert (await get_chat(started["chat"])).agent_id == staff.kvinna_a.pk
        heard = await drain(her)
        assert any(f["t"] == "assigned" for f in heard), f"her page still thinks she waits: {heard}"
        await her.close()

    run(scenario)
