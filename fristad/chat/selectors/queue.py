"""The queue as the router sees it: presences, the routing snapshot, handling times, each
waiting chat's place and expected wait, and the queue's counts for the operator's metrics."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, Exists, OuterRef
from django.utils import timezone

from fristad.accounts.models import JOUR_ROLES, Membership
from fristad.chat import router
from fristad.chat.models import (
    AgentPresence,
    Chat,
    ChatLoad,
    ChatSettings,
    ChatStatus,
    PresenceStatus,
)
from fristad.ops.metrics import Metric


def stale_before(now: datetime) -> datetime:
    """A console not heard from since then counts as gone."""
    return now - timedelta(seconds=settings.CHAT_PRESENCE_TIMEOUT_SECONDS)


def still_a_member() -> Exists:
    """A presence counts only while she still belongs to that jour (a removal ends it)."""
    return Exists(
        Membership.objects.filter(
            user_id=OuterRef("user_id"), jour_id=OuterRef("jour_id"), role__in=JOUR_ROLES
        )
    )


def chat_progress(*, chat_id: str) -> tuple[str, str, int] | None:
    """Status, answering jour's name and staff leg of a chat her socket holds."""
    chat = Chat.objects.filter(id=chat_id).select_related("agent_jour").first()
    if chat is None:
        return None
    return chat.status, chat.agent_jour.name if chat.agent_jour else "", chat.staff_leg


def routing_snapshot(now: datetime, *, lock: bool = False, only_user: int | None = None) -> router.Snapshot:
    """Queue and presence as the router sees them; ``lock`` holds the presences until commit."""
    chat_settings = {s.jour_id: s for s in ChatSettings.objects.all()}
    default_after = settings.CHAT_OVERFLOW_AFTER_SECONDS
    waiting = tuple(
        router.WaitingChat(
            id=row["id"],
            jour_id=row["jour_id"],
            any_jour=row["any_jour"],
            queued_at=row["queued_at"],
            offer_after_seconds=(
                chat_settings[row["jour_id"]].overflow_after_seconds
                if row["jour_id"] in chat_settings
                else default_after
            ),
        )
        for row in Chat.objects.filter(status=ChatStatus.WAITING).values(
            "id", "jour_id", "any_jour", "queued_at"
        )
    )
    presences = AgentPresence.objects.filter(
        status=PresenceStatus.AVAILABLE,
        seen_at__gte=stale_before(now),
        jour__is_active=True,
        jour__chats=True,
    ).filter(still_a_member())
    if lock:
        presences = presences.select_for_update(of=("self",))
    if only_user is not None:
        presences = presences.filter(user_id=only_user)
    rows = list(presences.values("user_id", "jour_id", "capacity", "idle_since"))
    active = dict(
        Chat.objects.filter(status=ChatStatus.ACTIVE, agent_id__in=[r["user_id"] for r in rows])
        .values("agent_id")
        .annotate(n=Count("id"))
        .values_list("agent_id", "n")
    )
    agents = tuple(
        router.Agent(
            user_id=r["user_id"],
            jour_id=r["jour_id"],
            capacity=r["capacity"],
            active=active.get(r["user_id"], 0),
            idle_since=r["idle_since"],
            answers_overflow=(
                chat_settings[r["jour_id"]].answers_overflow if r["jour_id"] in chat_settings else True
            ),
        )
        for r in rows
    )
    return router.Snapshot(now=now, waiting=waiting, agents=agents)


def handling_seconds(jour_id: int | None) -> float:
    """Recent handling time at her jour; the network's average for the national chat."""
    if jour_id is not None:
        found = ChatLoad.objects.filter(jour_id=jour_id).values_list("average_seconds", flat=True).first()
        if found is not None:
            return found
    average = ChatLoad.objects.aggregate(a=Avg("average_seconds"))["a"]
    return float(average) if average is not None else float(router.DEFAULT_HANDLING_SECONDS)


def queue_estimates(snapshot: router.Snapshot | None = None) -> dict[str, tuple[int, int | None]]:
    """Place in the queue and expected wait (seconds, or None: no one who could answer is there).

    One pass over the queue (the same answer as ``router.queue_position`` for each chat,
    without its cost per chat), so a long queue stays cheap to announce.
    """
    snapshot = snapshot or routing_snapshot(timezone.now())
    result: dict[str, tuple[int, int | None]] = {}
    handling: dict[int | None, float] = {}
    slots: dict[tuple[int | None, bool], int] = {}
    same_jour: dict[int | None, int] = {}
    overflow_total = 0
    overflow_same_jour: dict[int | None, int] = {}
    for chat in router.queue_order(snapshot.waiting):
        overflow = router.in_overflow(chat)
        ahead = same_jour.get(chat.jour_id, 0) if chat.jour_id is not None else 0
        if overflow:
            ahead += overflow_total - (
                overflow_same_jour.get(chat.jour_id, 0) if chat.jour_id is not None else 0
            )
        if chat.jour_id not in handling:
            handling[chat.jour_id] = handling_seconds(chat.jour_id)
        key = (chat.jour_id, overflow)
        if key not in slots:
            slots[key] = sum(a.capacity for a in snapshot.agents if router.may_answer(a, chat))
        result[chat.id] = (
            ahead + 1,
            router.expected_wait_seconds(
                position=ahead + 1, slots=slots[key], handling_seconds=handling[chat.jour_id]
            ),
        )
        if chat.jour_id is not None:
            same_jour[chat.jour_id] = same_jour.get(chat.jour_id, 0) + 1
        if overflow:
            overflow_total += 1
            if chat.jour_id is not None:
                overflow_same_jour[chat.jour_id] = overflow_same_jour.get(chat.jour_id, 0) + 1
    return result


def queue_notices(snapshot: router.Snapshot | None = None) -> dict[str, dict[str, Any]]:
    """What each waiting chat's page is told (the ``queue`` frame without its type): place,
    expected wait (None: unknown, or no one there: ``open`` says which), and while she
    waits for her own jour only, whether the network could answer her instead (``network``),
    in how long (``any_wait``), and whether her page should ask her again now (``ask``)."""
    snapshot = snapshot or routing_snapshot(timezone.now())
    estimates = queue_estimates(snapshot)
    network_handling = handling_seconds(None)
    # Her wait if she said yes now, once per jour (not per chat: a broadcast with the
    # site's 200 waiting chats stays a few router passes): as a new chat of her jour that
    # may go anywhere, behind the queue as it is: never a shorter wait than her own would be.
    any_waits: dict[int, int | None] = {}
    notices: dict[str, dict[str, Any]] = {}
    for chat in snapshot.waiting:
        position, wait = estimates[chat.id]
        answerable = any(router.may_answer(a, chat) for a in snapshot.agents)
        notice: dict[str, Any] = {"position": position, "wait": wait, "open": answerable}
        if not router.in_overflow(chat) and chat.jour_id is not None:
            network = router.network_open(snapshot, besides=chat.jour_id)
            if network and chat.jour_id not in any_waits:
                any_waits[chat.jour_id] = router.arrival_wait_seconds(
                    snapshot, jour_id=chat.jour_id, any_jour=True, handling_seconds=network_handling
                )
            notice["network"] = network
            notice["any_wait"] = any_waits[chat.jour_id] if network else None
            notice["ask"] = network and router.offer_again(chat, snapshot.now)
        notices[chat.id] = notice
    return notices


def chat_metrics() -> list[Metric]:
    """The network's queue for the operator's metrics: counts and the oldest wait, nothing
    per chat (registered with fristad.ops.metrics at start-up)."""
    now = timezone.now()
    waiting = Chat.objects.filter(status=ChatStatus.WAITING)
    oldest = waiting.order_by("queued_at").values_list("queued_at", flat=True).first()
    available = (
        AgentPresence.objects.filter(status=PresenceStatus.AVAILABLE, seen_at__gte=stale_before(now))
        .filter(still_a_member())
        .count()
    )
    return [
        Metric("fristad_chats_waiting", "gauge", "Chats waiting for a jourkvinna.", [({}, waiting.count())]),
        Metric(
            "fristad_chats_active",
            "gauge",
            "Chats in progress.",
            [({}, Chat.objects.filter(status=ChatStatus.ACTIVE).count())],
        ),
        Metric(
            "fristad_chat_oldest_wait_seconds",
            "gauge",
            "How long the chat that has waited longest has waited (0 when none waits).",
            [({}, max((now - oldest).total_seconds(), 0.0) if oldest else 0.0)],
        ),
        Metric(
            "fristad_consoles_available",
            "gauge",
            "Consoles available to answer, heard from recently.",
            [({}, available)],
        ),
    ]
