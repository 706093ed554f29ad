"""A chat from start to end over the real consumers: queue, answer, relay, end."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from fristad.chat.models import Chat
from tests.chat_helpers import console_socket, her_socket, run, session_cookie
from tests.conftest import Staff

pytestmark = pytest.mark.django_db(transaction=True)


def test_she_waits_is_answered_talks_and_ends(staff: Staff) -> None:
    cookie = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        her = await her_socket()
        await her.send(t="start", jour="stockholm")
        started = await her.expect("started")
        queue = await her.expect("queue")
        assert queue["position"] == 1 and queue["wait"] is None

        ok, console = await console_socket(cookie)
        assert ok
        state = await console.expect("state")
        assert [q["id"] for q in state["queue"]] == [started["chat"]]
        await console.send(t="presence", jour=staff.jour_a.pk, available=True)
        assigned = await her.expect("assigned")
        assert assigned["jour"] == staff.jour_a.name
        await console.expect("state", chats=[{**(await _chat_row(started["chat"]))}])

        await her.send(t="msg", seq=1, leg="h1", body="hej")
        got = await console.expect("msg")
        assert got == {"t": "msg", "seq": 1, "leg": "h1", "body": "hej", "chat": started["chat"]}
        await console.send(t="ack", chat=started["chat"], seq=1, leg="h1")
        assert (await her.expect("ack")) == {"t": "ack", "seq": 1, "leg": "h1"}
        await console.send(t="msg", chat=started["chat"], seq=1, leg="s1", body="Hej, jag heter Anna.")
        assert (await her.expect("msg"))["body"] == "Hej, jag heter Anna."

        await console.send(t="end", chat=started["chat"])
        assert (await her.expect("ended"))["by"] == "staff"
        removed = await console.expect("removed")
        assert removed == {"t": "removed", "chat": started["chat"], "reason": "staff"}
        assert not await database_sync_to_async(Chat.objects.filter(pk=started["chat"]).exists)()
        await her.close()
        await console.close()

    run(scenario)


async def _chat_row(chat_id: str) -> dict[str, object]:
    chat = await database_sync_to_async(Chat.objects.select_related("agent_jour", "jour").get)(pk=chat_id)
    return {
        "id": chat_id,
        "jour_name": chat.agent_jour.name if chat.agent_jour else "",
        "chosen_jour_name": chat.jour.name if chat.jour else "",
        "note": "",
        "her_connected": True,
        "leg": chat.staff_leg,
    }
