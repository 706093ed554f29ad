"""What the public site may know of the chat: open now (and the expected wait) per jour and
for the network, and her choices before she starts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from fristad.chat import router
from fristad.chat.selectors.queue import handling_seconds, routing_snapshot
from fristad.directory.chatstatus import ChatStatus as PublicChatStatus
from fristad.directory.models import Jour


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
