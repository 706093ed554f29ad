"""Who gets which chat, as pure functions over a snapshot of queue and presence.

No sockets, no ORM: the services build a ``Snapshot`` from the database, ask the
router, and apply its answer. The staffing simulation reuses the same functions.

The rules:
- a chat goes to a jourkvinna of the jour she chose first;
- it may go to any jour of the network (national overflow) when she chose "any jour",
  started from the national page, or has waited longer than her jour's threshold,
  and then only to jourer that answer the overflow queue;
- among the jourkvinnor who may take it and have room (fewer chats than their
  capacity), the one idle longest gets it;
- chats are served oldest first.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

DEFAULT_HANDLING_SECONDS = 20 * 60


@dataclass(frozen=True)
class WaitingChat:
    id: str
    jour_id: int | None  # None: started from the national page
    any_jour: bool
    queued_at: datetime
    overflow_after_seconds: int = 120


@dataclass(frozen=True)
class Agent:
    user_id: int
    jour_id: int
    capacity: int
    active: int
    idle_since: datetime
    answers_overflow: bool = True

    @property
    def room(self) -> int:
        return max(0, self.capacity - self.active)


@dataclass(frozen=True)
class Snapshot:
    now: datetime
    waiting: tuple[WaitingChat, ...]
    agents: tuple[Agent, ...]


def waited_seconds(chat: WaitingChat, now: datetime) -> float:
    return max(0.0, (now - chat.queued_at).total_seconds())


def in_overflow(chat: WaitingChat, now: datetime) -> bool:
    """Open to every jour of the network: her choice, the national page, or the threshold passed."""
    return chat.jour_id is None or chat.any_jour or waited_seconds(chat, now) >= chat.overflow_after_seconds


def may_answer(agent: Agent, chat: WaitingChat, now: datetime) -> bool:
    if agent.jour_id == chat.jour_id:
        return True
    return agent.answers_overflow and in_overflow(chat, now)


def queue_order(chats: Iterable[WaitingChat]) -> list[WaitingChat]:
    return sorted(chats, key=lambda chat: (chat.queued_at, chat.id))


def _pick(agents: Iterable[Agent], chat: WaitingChat) -> Agent | None:
    """Her own jour's jourkvinnor before the network's; then idle longest; then most room."""
    return min(
        agents,
        key=lambda a: (a.jour_id != chat.jour_id, a.idle_since, -a.room, a.user_id),
        default=None,
    )


def assignments(snapshot: Snapshot) -> list[tuple[str, int]]:
    """(chat id, user id) for every chat that can be answered now, oldest chat first."""
    agents = {agent.user_id: agent for agent in snapshot.agents if agent.room > 0}
    result: list[tuple[str, int]] = []
    for chat in queue_order(snapshot.waiting):
        chosen = _pick((a for a in agents.values() if may_answer(a, chat, snapshot.now)), chat)
        if chosen is None:
            continue
        result.append((chat.id, chosen.user_id))
        updated = replace(chosen, active=chosen.active + 1, idle_since=snapshot.now)
        if updated.room > 0:
            agents[chosen.user_id] = updated
        else:
            del agents[chosen.user_id]
    return result


def next_chat_for(snapshot: Snapshot, user_id: int) -> str | None:
    """The chat she takes with "take next": her jour's oldest, else the overflow queue's oldest."""
    agent = next((a for a in snapshot.agents if a.user_id == user_id), None)
    if agent is None or agent.room == 0:
        return None
    own = [c for c in snapshot.waiting if c.jour_id == agent.jour_id]
    if own:
        return queue_order(own)[0].id
    others = [c for c in snapshot.waiting if may_answer(agent, c, snapshot.now)]
    return queue_order(others)[0].id if others else None


def queue_position(snapshot: Snapshot, chat_id: str) -> int:
    """1 for the next chat to be answered among those the same jourkvinnor would answer."""
    chat = next((c for c in snapshot.waiting if c.id == chat_id), None)
    if chat is None:
        return 0
    mine_overflow = in_overflow(chat, snapshot.now)
    ahead = 0
    for other in queue_order(snapshot.waiting):
        if other.id == chat.id:
            break
        same_jour = other.jour_id is not None and other.jour_id == chat.jour_id
        if same_jour or (mine_overflow and in_overflow(other, snapshot.now)):
            ahead += 1
    return ahead + 1


def serving_slots(snapshot: Snapshot, chat_id: str) -> int:
    """How many chats at once the jourkvinnor who may answer her can hold."""
    chat = next((c for c in snapshot.waiting if c.id == chat_id), None)
    if chat is None:
        return 0
    return sum(a.capacity for a in snapshot.agents if may_answer(a, chat, snapshot.now))


def expected_wait_seconds(*, position: int, slots: int, handling_seconds: float) -> int | None:
    """Her expected wait: a slot frees up every handling/slots seconds on average.

    None when no one who could answer her is available: we do not guess.
    """
    if slots <= 0:
        return None
    if position <= 0:
        return 0
    return math.ceil(position * handling_seconds / slots)


def moving_average(*, previous: float | None, samples: int, value: float, window: int = 20) -> float:
    """Recent handling time: the mean of the first ``window`` chats, then exponential."""
    if previous is None or samples <= 0:
        return value
    weight = 1.0 / min(samples + 1, window)
    return previous + weight * (value - previous)
