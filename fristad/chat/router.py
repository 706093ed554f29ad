"""Who gets which chat, as pure functions over a snapshot of queue and presence.

No sockets, no ORM: the services build a ``Snapshot`` from the database, ask the
router, and apply its answer. The staffing simulation reuses the same functions.

The rules:
- a chat goes to a jourkvinna of the jour she chose first;
- it may go to any jour of the network (national overflow) only with her consent: she
  chose "any jour" (at the start, or when her page asked her), or started from the
  national page; and then only to jourer that answer the overflow queue;
- her page asks her at once when her jour has no one free (``network_offer``), and again
  while she waits, after her jour's threshold (``offer_again``);
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
    # When her page asks her again whether any jour may answer (her jour's setting).
    offer_after_seconds: int = 120


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


def in_overflow(chat: WaitingChat) -> bool:
    """Open to every jour of the network: only with her consent ("any jour", the national page)."""
    return chat.jour_id is None or chat.any_jour


def may_answer(agent: Agent, chat: WaitingChat) -> bool:
    if agent.jour_id == chat.jour_id:
        return True
    return agent.answers_overflow and in_overflow(chat)


def own_jour_free(snapshot: Snapshot, jour_id: int) -> bool:
    """Someone at her jour could answer a new chat at once."""
    return any(a.jour_id == jour_id and a.room > 0 for a in snapshot.agents)


def network_open(snapshot: Snapshot, *, besides: int | None = None) -> bool:
    """Someone who answers the network's queue is there (free or not), at a jour other than
    ``besides``."""
    return any(a.answers_overflow and a.jour_id != besides for a in snapshot.agents)


def network_offer(snapshot: Snapshot, jour_id: int | None) -> bool:
    """Ask her at once whether any open jour may answer: she chose a jour that has no one
    free right now (closed, or everyone busy), and another jour of the network has someone."""
    return (
        jour_id is not None
        and not own_jour_free(snapshot, jour_id)
        and network_open(snapshot, besides=jour_id)
    )


def offer_again(chat: WaitingChat, now: datetime) -> bool:
    """Ask her again while she waits for her own jour: her jour's threshold has passed."""
    return not in_overflow(chat) and waited_seconds(chat, now) >= chat.offer_after_seconds


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
        chosen = _pick((a for a in agents.values() if may_answer(a, chat)), chat)
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
    others = [c for c in snapshot.waiting if may_answer(agent, c)]
    return queue_order(others)[0].id if others else None


def queue_position(snapshot: Snapshot, chat_id: str) -> int:
    """1 for the next chat to be answered among those the same jourkvinnor would answer."""
    chat = next((c for c in snapshot.waiting if c.id == chat_id), None)
    if chat is None:
        return 0
    mine_overflow = in_overflow(chat)
    ahead = 0
    for other in queue_order(snapshot.waiting):
        if other.id == chat.id:
            break
        same_jour = other.jour_id is not None and other.jour_id == chat.jour_id
        if same_jour or (mine_overflow and in_overflow(other)):
            ahead += 1
    return ahead + 1


def serving_slots(snapshot: Snapshot, chat_id: str) -> int:
    """How many chats at once the jourkvinnor who may answer her can hold."""
    chat = next((c for c in snapshot.waiting if c.id == chat_id), None)
    if chat is None:
        return 0
    return sum(a.capacity for a in snapshot.agents if may_answer(a, chat))


# Fewer places than this who could answer her, and a wait in minutes is a guess: with one
# or two jourkvinnor the next free place comes any time from now to the end of a long
# chat (bench/national_sim.py measured the error as large as the figure). Her page then
# says it does not know yet, rather than a figure that is wrong.
MIN_PLACES_FOR_ESTIMATE = 4


def expected_wait_seconds(*, position: int, slots: int, handling_seconds: float) -> int | None:
    """Her expected wait: a slot frees up every handling/slots seconds on average.

    0 when someone has room for her. None when no one who could answer her is there, or
    when too few are (``MIN_PLACES_FOR_ESTIMATE``) for a figure: we do not guess.
    """
    if slots <= 0:
        return None
    if position <= 0:
        return 0
    if slots < MIN_PLACES_FOR_ESTIMATE:
        return None
    return math.ceil(position * handling_seconds / slots)


def arrival_wait_seconds(
    snapshot: Snapshot, *, jour_id: int | None, any_jour: bool, handling_seconds: float
) -> int | None:
    """Her expected wait if she started a chat now with this choice (her jour only, or any
    open jour too): what her page shows before she starts. None: no one who could answer
    her is there. The simulation (bench/national_sim.py) measures how honest it is."""
    probe = WaitingChat(id="", jour_id=jour_id, any_jour=any_jour or jour_id is None, queued_at=snapshot.now)
    agents = [a for a in snapshot.agents if may_answer(a, probe)]
    if not agents:
        return None
    # As the router would place her now: answered at once, or behind the chats it leaves
    # waiting that the same jourkvinnor could answer.
    given = assignments(replace(snapshot, waiting=(*snapshot.waiting, probe)))
    if any(chat_id == probe.id for chat_id, _ in given):
        return 0
    answered = {chat_id for chat_id, _ in given}
    ahead = sum(
        1
        for c in snapshot.waiting
        if c.id not in answered and c.queued_at <= probe.queued_at and any(may_answer(a, c) for a in agents)
    )
    return expected_wait_seconds(
        position=ahead + 1, slots=sum(a.capacity for a in agents), handling_seconds=handling_seconds
    )


def moving_average(*, previous: float | None, samples: int, value: float, window: int = 20) -> float:
    """Recent handling time: the mean of the first ``window`` chats, then exponential."""
    if previous is None or samples <= 0:
        return value
    weight = 1.0 / min(samples + 1, window)
    return previous + weight * (value - previous)
