"""The national office's view of the network's chat: counts and jour names only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.http import Http404

from fristad.accounts.models import User
from fristad.accounts.selectors import is_national_office
from fristad.chat import router
from fristad.chat.models import (
    Chat,
    ChatStatus,
)
from fristad.chat.selectors.queue import routing_snapshot
from fristad.directory.models import Jour
from fristad.geo.models import County


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
