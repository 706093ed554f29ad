"""Reads of the chat: the routing snapshot, queue estimates, the public "open now",
and what a console or a coordinator may see (never message text: there is none)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, Exists, OuterRef
from django.http import Http404
from django.utils import timezone

from fristad.accounts.models import JOUR_ROLES, Membership, Role, User
from fristad.accounts.selectors import is_national_office, jour_membership
from fristad.chat import router
from fristad.chat.models import (
    AgentPresence,
    CannedResponse,
    Chat,
    ChatLoad,
    ChatSettings,
    ChatStatus,
    PresenceStatus,
)
from fristad.directory.chatstatus import ChatStatus as PublicChatStatus
from fristad.directory.models import Jour
from fristad.geo.models import County
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
    notices: dict[str, dict[str, Any]] = {}
    for chat in snapshot.waiting:
        position, wait = estimates[chat.id]
        answerable = any(router.may_answer(a, chat) for a in snapshot.agents)
        notice: dict[str, Any] = {"position": position, "wait": wait, "open": answerable}
        if not router.in_overflow(chat) and chat.jour_id is not None:
            others = replace(snapshot, waiting=tuple(c for c in snapshot.waiting if c.id != chat.id))
            network = router.network_open(snapshot, besides=chat.jour_id)
            notice["network"] = network
            notice["any_wait"] = (
                router.arrival_wait_seconds(
                    others, jour_id=chat.jour_id, any_jour=True, handling_seconds=network_handling
                )
                if network
                else None
            )
            notice["ask"] = network and router.offer_again(chat, snapshot.now)
        notices[chat.id] = notice
    return notices


@dataclass(frozen=True)
class ChatChoices:
    """Her choices before she starts, from one snapshot: her jour (``own``), any open jour
    with her own first (``network``), whether to ask her at once (``offer``: her jour has
    no one free and another jour has someone), and the other jourer open now with the
    expected wait at each, soonest first (``open_jourer``)."""

    own: PublicChatStatus
    network: PublicChatStatus
    offer: bool
    open_jourer: list[tuple[Jour, PublicChatStatus]]


def chat_choices(*, jour_id: int | None) -> ChatChoices:
    snapshot = routing_snapshot(timezone.now())
    [own] = _statuses(snapshot, [jour_id]).values()
    if jour_id is None:
        return ChatChoices(own=own, network=own, offer=False, open_jourer=[])
    network_open = router.network_open(snapshot, besides=jour_id)
    network = (
        PublicChatStatus(
            open=True,
            wait_seconds=router.arrival_wait_seconds(
                snapshot, jour_id=jour_id, any_jour=True, handling_seconds=handling_seconds(None)
            ),
        )
        if network_open or own.open
        else PublicChatStatus(open=False)
    )
    ids = {a.jour_id for a in snapshot.agents} - {jour_id}
    statuses = _statuses(snapshot, list(ids))
    found = [
        (jour, statuses[jour.pk])
        for jour in Jour.objects.filter(pk__in=ids, is_active=True, chats=True)
        if statuses[jour.pk].open
    ]
    found.sort(key=lambda row: (row[1].wait_seconds is None, row[1].wait_seconds or 0, row[0].name))
    return ChatChoices(
        own=own, network=network, offer=router.network_offer(snapshot, jour_id), open_jourer=found
    )


def chat_status_for_jourer(jour_ids: Iterable[int | None]) -> dict[int | None, PublicChatStatus]:
    """Open only when a jourkvinna who would answer is available right now.

    A jour's chat is open when one of its own jourkvinnor is available; the national
    chat (id None) when anyone who answers the network's overflow is.
    """
    return _statuses(routing_snapshot(timezone.now()), list(jour_ids))


def _statuses(snapshot: router.Snapshot, jour_ids: list[int | None]) -> dict[int | None, PublicChatStatus]:
    result: dict[int | None, PublicChatStatus] = {}
    for jour_id in jour_ids:
        if jour_id is None:
            agents = [a for a in snapshot.agents if a.answers_overflow]
        else:
            agents = [a for a in snapshot.agents if a.jour_id == jour_id]
        if not agents:
            result[jour_id] = PublicChatStatus(open=False)
            continue
        wait = router.arrival_wait_seconds(
            snapshot, jour_id=jour_id, any_jour=jour_id is None, handling_seconds=handling_seconds(jour_id)
        )
        result[jour_id] = PublicChatStatus(open=True, wait_seconds=wait)
    return result


def chat_jour_public(*, slug: str) -> Jour | None:
    """The jour whose chat page she opened, if it chats and is public."""
    return Jour.objects.filter(slug=slug, is_active=True, chats=True).first()


# --- The console ----------------------------------------------------------------------


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


# --- The national office's view of the network -----------------------------------------


@dataclass(frozen=True)
class JourOpenNow:
    """A jour that chats, and whether its chat is open now (jour names are public)."""

    name: str
    county: str
    open: bool


@dataclass(frozen=True)
class CountyOpenNow:
    name: str
    chatting: int  # member jourer of the county that chat at all
    open: int  # of them, open for chat now


@dataclass(frozen=True)
class NetworkNow:
    """The network's chat as counts only: no person, no chat, no text."""

    at: datetime
    jourer_open: int
    jourer_chatting: int
    available: int  # jourkvinnor available in a console
    free_places: int  # chats they could take on now
    waiting: int
    oldest_wait_minutes: int  # 0 when no one waits
    active: int
    counties: list[CountyOpenNow]
    jourer: list[JourOpenNow]


def network_now(*, user: User, now: datetime) -> NetworkNow:
    """The network's chat right now for the national office (404 for anyone else).

    "Open" is the public site's rule (``chat_status_for_jourer``): a jour's chat is open
    while one of its own jourkvinnor is available. Counts and jour names only: who is
    available, and every chat's id, jour and times, stay in this function.
    """
    if not is_national_office(user):
        raise Http404
    snapshot = routing_snapshot(now)
    open_ids = {a.jour_id for a in snapshot.agents}
    waited = [router.waited_seconds(c, now) for c in snapshot.waiting]
    jourer = list(
        Jour.objects.filter(is_active=True, chats=True)
        .select_related("home_municipality__county")
        .order_by("home_municipality__county__code", "name")
    )
    per_county: dict[str, list[bool]] = {}
    for jour in jourer:
        per_county.setdefault(jour.home_municipality.county_id, []).append(jour.pk in open_ids)
    counties = [
        CountyOpenNow(
            name=county.name,
            chatting=len(per_county.get(county.code, [])),
            open=sum(per_county.get(county.code, [])),
        )
        for county in County.objects.order_by("code")
    ]
    return NetworkNow(
        at=now,
        jourer_open=sum(1 for j in jourer if j.pk in open_ids),
        jourer_chatting=len(jourer),
        available=len({a.user_id for a in snapshot.agents}),
        free_places=sum(a.room for a in snapshot.agents),
        waiting=len(waited),
        oldest_wait_minutes=int(max(waited, default=0.0) // 60),
        active=Chat.objects.filter(status=ChatStatus.ACTIVE).count(),
        counties=counties,
        jourer=[
            JourOpenNow(name=j.name, county=j.home_municipality.county.name, open=j.pk in open_ids)
            for j in jourer
        ],
    )
