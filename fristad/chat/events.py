"""The only module of the chat that talks to the channel layer.

State changes are announced with ``*_on_commit``: the event leaves only after the
transaction that made the change has committed, so no socket hears of a chat that
a rollback undid. Relayed frames (``relay``) carry no database state and go at once.

Group names:
- ``chat.<id>``: her socket and the answering jourkvinna's console;
- ``agent.<user id>``: every console a jourkvinna has open;
- ``consoles``: every console (queues changed: fetch them again).
"""

from __future__ import annotations

import secrets
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def chat_group(chat_id: str) -> str:
    return f"chat.{chat_id}"


def agent_group(user_id: int) -> str:
    return f"agent.{user_id}"


CONSOLES = "consoles"


def _send_now(group: str, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, event)


def _on_commit(group: str, event: dict[str, Any]) -> None:
    transaction.on_commit(lambda: _send_now(group, event))


async def relay(*, chat_id: str, frame: dict[str, Any], side: str, sender: str) -> None:
    """A message (ciphertext), ack, leg, key or typing frame from one side of a chat to the other."""
    layer = get_channel_layer()
    if layer is not None:
        await layer.group_send(
            chat_group(chat_id),
            {"type": "chat.relay", "chat_id": chat_id, "frame": frame, "side": side, "sender": sender},
        )


async def presence(*, chat_id: str, side: str, here: bool, sender: str, reply: bool = False) -> None:
    """One side's socket came or went: the other side resends what was not acknowledged.

    A side that hears the other arrive answers once (``reply``) that it is here too: the
    two sockets may join the chat's group in either order, and the first one's news would
    otherwise reach no one.
    """
    layer = get_channel_layer()
    if layer is not None:
        await layer.group_send(
            chat_group(chat_id),
            {
                "type": "chat.peer",
                "chat_id": chat_id,
                "side": side,
                "here": here,
                "reply": reply,
                "sender": sender,
            },
        )


def chat_assigned_on_commit(
    *, chat_id: str, user_id: int, jour_name: str, leg: int, console_row: dict[str, Any]
) -> None:
    """Her page learns who answers; the jourkvinna's consoles get the chat's row at once
    (so a panel opens before her first frame arrives, without a database round trip)."""
    _on_commit(chat_group(chat_id), {"type": "chat.assigned", "jour": jour_name, "leg": leg})
    _on_commit(agent_group(user_id), {"type": "agent.chat_added", "chat": chat_id, "row": console_row})


def chat_released_on_commit(*, chat_id: str, user_id: int, reason: str) -> None:
    """The chat left her console: ended, transferred, or she went away."""
    _on_commit(agent_group(user_id), {"type": "agent.chat_removed", "chat": chat_id, "reason": reason})


def chat_requeued_on_commit(*, chat_id: str, jour_name: str | None) -> None:
    _on_commit(chat_group(chat_id), {"type": "chat.requeued", "jour": jour_name or ""})


def chat_ended_on_commit(*, chat_id: str, by: str) -> None:
    _on_commit(chat_group(chat_id), {"type": "chat.ended", "by": by})


def queue_position_on_commit(*, chat_id: str, notice: dict[str, Any]) -> None:
    """Her place, expected wait and the network's offer (``selectors.queue_notices``)."""
    _on_commit(chat_group(chat_id), {"type": "chat.queue", "notice": notice})


def queues_changed_on_commit() -> None:
    """Every console fetches the queues again; ``view`` lets them share that work."""
    _on_commit(CONSOLES, {"type": "console.refresh", "view": secrets.token_hex(8), "full": False})


def consoles_changed_on_commit() -> None:
    """Presence, colleagues or canned responses changed: every console fetches its whole state."""
    _on_commit(CONSOLES, {"type": "console.refresh", "view": secrets.token_hex(8), "full": True})


def agent_changed_on_commit(*, user_id: int) -> None:
    _on_commit(agent_group(user_id), {"type": "console.refresh"})


def her_socket_replaced_on_commit(*, channel: str) -> None:
    """Her chat moved to another socket: the old one leaves it (sent to that socket only)."""

    def send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.send)(channel, {"type": "chat.moved"})

    transaction.on_commit(send)
