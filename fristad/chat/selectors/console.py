"""What a console and a coordinator may see: her jourer, her chats, the queues (one
computation shared by the process's consoles per queue change), the jour's overview."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from fristad.accounts.models import JOUR_ROLES, Membership, Role, User
from fristad.accounts.selectors import jour_membership
from fristad.chat import router
from fristad.chat.models import (
    AgentPresence,
    CannedResponse,
    Chat,
    ChatSettings,
    ChatStatus,
    PresenceStatus,
)
from fristad.chat.selectors.queue import (
    handling_seconds,
    queue_estimates,
    routing_snapshot,
    stale_before,
    still_a_member,
)
from fristad.directory.models import Jour


@dataclass(frozen=True)
class ConsoleChat:
    id: str
    jour_name: str
    chosen_jour_name: str
    note: str
    her_connected: bool
    leg: int


def console_jourer(*, user: User) -> list[Jour]:
    """The jourer she may answer chats for: hers, with chat turned on."""
    return list(
        Jour.objects.filter(
            memberships__user=user, memberships__role__in=JOUR_ROLES, is_active=True, chats=True
        )
        .distinct()
        .order_by("name")
    )


def console_user_ids(*, user_ids: Iterable[int]) -> set[int]:
    """Of these staff, those who belong to a jour that chats (``console_jourer`` for many,
    one query)."""
    rows = Membership.objects.filter(
        user_id__in=list(user_ids), role__in=JOUR_ROLES, jour__is_active=True, jour__chats=True
    )
    return set(rows.values_list("user_id", flat=True))


def console_chat_ids(*, user: User) -> set[str]:
    return set(Chat.objects.filter(agent=user, status=ChatStatus.ACTIVE).values_list("id", flat=True))


QueueView = tuple[router.Snapshot, dict[str, tuple[int, int | None]], dict[int, str]]
_shared_view: tuple[str, QueueView] | None = None


def _queue_view(view: str | None, now: datetime) -> QueueView:
    """The queue and its estimates, computed once per queue change for every console of
    this process (``view`` names the change; None: compute afresh)."""
    global _shared_view
    found = _shared_view
    if view is not None and found is not None and found[0] == view:
        return found[1]
    snapshot = routing_snapshot(now)
    computed = (
        snapshot,
        queue_estimates(snapshot),
        dict(Jour.objects.filter(is_active=True).values_list("id", "name")),
    )
    if view is not None:
        _shared_view = (view, computed)
    return computed


def console_queues(
    *, jour_id: int | None, view: str | None, now: datetime | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Her jour's queue and the network's overflow queue, from the shared queue view:
    no query of its own when the view is already computed (waiting times, places; no text)."""
    now = now or timezone.now()
    snapshot, estimates, names = _queue_view(view, now)
    own_queue, overflow_queue = [], []
    for chat in router.queue_order(snapshot.waiting):
        row = {
            "id": chat.id,
            "waited": int(router.waited_seconds(chat, now)),
            "jour": names.get(chat.jour_id or 0, ""),
            "position": estimates.get(chat.id, (0, None))[0],
        }
        if jour_id is not None and chat.jour_id == jour_id:
            own_queue.append(row)
        elif router.in_overflow(chat):
            overflow_queue.append(row)
    return own_queue, overflow_queue


def console_state(*, user: User, view: str | None = None) -> dict[str, Any]:
    """Everything her console shows, as plain data for the socket. No message text exists.

    ``view``: the queue change this state answers; consoles answering the same change
    share one computation of the queue.
    """
    now = timezone.now()
    jourer = console_jourer(user=user)
    presence = AgentPresence.objects.filter(user=user).first()
    available = bool(
        presence and presence.status == PresenceStatus.AVAILABLE and presence.seen_at >= stale_before(now)
    )
    # Her presence names a jour only while she still belongs to it and it chats.
    mine_ids = [j.id for j in jourer]
    jour_id = (
        presence.jour_id if presence and presence.jour_id in mine_ids else (mine_ids[0] if mine_ids else None)
    )
    if presence and presence.jour_id not in mine_ids:
        available = False
    names = {j.id: j.name for j in Jour.objects.filter(is_active=True)}
    mine = [
        ConsoleChat(
            id=c.id,
            jour_name=names.get(c.agent_jour_id or 0, ""),
            chosen_jour_name=names.get(c.jour_id or 0, ""),
            note=c.note,
            her_connected=c.her_connected,
            leg=c.staff_leg,
        ).__dict__
        for c in Chat.objects.filter(agent=user, status=ChatStatus.ACTIVE).order_by("assigned_at")
    ]
    answers_overflow = True
    if jour_id is not None:
        found = (
            ChatSettings.objects.filter(jour_id=jour_id).values_list("answers_overflow", flat=True).first()
        )
        answers_overflow = True if found is None else bool(found)
    own_queue, overflow_queue = console_queues(jour_id=jour_id, view=view, now=now)
    colleagues = [
        {"id": p.user_id, "name": str(p.user)}
        for p in AgentPresence.objects.filter(
            jour_id=jour_id or 0, status=PresenceStatus.AVAILABLE, seen_at__gte=stale_before(now)
        )
        .filter(still_a_member())
        .exclude(user=user)
        .select_related("user")
    ]
    capacity = presence.capacity if presence else 0
    return {
        "available": available,
        "jour": jour_id,
        "capacity": capacity,
        "jourer": [{"id": j.id, "name": j.name} for j in jourer],
        "chats": mine,
        "queue": own_queue,
        "overflow": overflow_queue if answers_overflow else [],
        "answers_overflow": answers_overflow,
        "colleagues": colleagues,
        "transfer_jourer": [
            {"id": j.id, "name": j.name}
            for j in Jour.objects.filter(is_active=True, chats=True).exclude(id=jour_id or 0).order_by("name")
        ],
        "canned": [{"title": r.title, "body": r.body} for r in CannedResponse.objects.filter(jour_id=jour_id)]
        if jour_id
        else [],
    }


@dataclass(frozen=True)
class LoadRow:
    membership_id: int
    name: str
    available: bool
    active: int
    capacity: int


@dataclass(frozen=True)
class JourChatOverview:
    jour: Jour
    waiting: list[int]  # seconds waited, oldest first
    overflow_waiting: int
    people: list[LoadRow]
    handling_minutes: int
    settings: ChatSettings
    canned: list[CannedResponse]


def jour_chat_overview(*, user: User, jour_id: int) -> JourChatOverview:
    """The coordinator's view of her jour's live queue and load: counts and times, no text."""
    membership = jour_membership(user=user, jour_id=jour_id, roles=(Role.JOUR_ADMIN,))
    now = timezone.now()
    snapshot = routing_snapshot(now)
    waiting = [
        int(router.waited_seconds(c, now))
        for c in router.queue_order(snapshot.waiting)
        if c.jour_id == jour_id
    ]
    overflow_waiting = sum(1 for c in snapshot.waiting if c.jour_id != jour_id and router.in_overflow(c))
    active = dict(
        Chat.objects.filter(status=ChatStatus.ACTIVE, agent_jour_id=jour_id)
        .values("agent_id")
        .annotate(n=Count("id"))
        .values_list("agent_id", "n")
    )
    presences = {
        p.user_id: p for p in AgentPresence.objects.filter(jour_id=jour_id, seen_at__gte=stale_before(now))
    }
    people = []
    for member in Membership.objects.filter(jour_id=jour_id, role__in=JOUR_ROLES).select_related("user"):
        presence = presences.get(member.user_id)
        people.append(
            LoadRow(
                membership_id=member.pk,
                name=str(member.user),
                available=bool(presence and presence.status == PresenceStatus.AVAILABLE),
                active=active.get(member.user_id, 0),
                capacity=member.chat_capacity,
            )
        )
    people.sort(key=lambda r: (not r.available, -r.active, r.name))
    jour_settings = ChatSettings.objects.filter(jour_id=jour_id).first() or ChatSettings(
        jour_id=jour_id, overflow_after_seconds=settings.CHAT_OVERFLOW_AFTER_SECONDS
    )
    assert membership.jour is not None
    return JourChatOverview(
        jour=membership.jour,
        waiting=waiting,
        overflow_waiting=overflow_waiting,
        people=people,
        handling_minutes=round(handling_seconds(jour_id) / 60),
        settings=jour_settings,
        canned=list(CannedResponse.objects.filter(jour_id=jour_id)),
    )


def canned_responses_of(*, user: User, jour_id: int) -> list[CannedResponse]:
    jour_membership(user=user, jour_id=jour_id, roles=JOUR_ROLES)
    return list(CannedResponse.objects.filter(jour_id=jour_id))
