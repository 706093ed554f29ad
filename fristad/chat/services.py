"""Writes of the chat: its life from start to end, presence, routing, blocks, canned replies.

Every function runs in one transaction and announces what changed through
``fristad.chat.events`` after commit. Message text never reaches this module.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from fristad.accounts.models import JOUR_ROLES, AuditAction, User
from fristad.accounts.selectors import jour_membership
from fristad.accounts.services import audit_record
from fristad.chat import events, router, selectors
from fristad.chat.models import (
    AgentPresence,
    CannedResponse,
    Chat,
    ChatBlock,
    ChatLoad,
    ChatSettings,
    ChatStatus,
    PresenceStatus,
)
from fristad.chat.returncode import return_code_hash, return_code_new, token_hash
from fristad.directory.models import Jour

DISPATCH_EVERY_SECONDS = 5


class ChatRefused(Exception):
    """She may not start or resume; ``code`` is what her page is told."""

    def __init__(self, code: str, *, minutes: int = 0) -> None:
        super().__init__(code)
        self.code = code
        self.minutes = minutes


@dataclass(frozen=True)
class ChatTicket:
    """What her page keeps in memory: the chat, its secret, and the page's session token."""

    chat_id: str
    key: str
    session: str


def _now() -> datetime:
    return timezone.now()


def _chat_jour(slug: str | None) -> Jour | None:
    if not slug:
        return None
    jour = Jour.objects.filter(slug=slug, is_active=True, chats=True).first()
    if jour is None:
        raise ChatRefused("no_such_jour")
    return jour


# --- Her side -------------------------------------------------------------------------


def chat_start(*, jour_slug: str | None, any_jour: bool, session: str | None, channel: str) -> ChatTicket:
    """Put her in the queue of the jour she chose (or the network's) and try to route at once."""
    now = _now()
    session = session or secrets.token_urlsafe(18)
    session_hash = token_hash(session)
    with transaction.atomic():
        block = ChatBlock.objects.filter(session_hash=session_hash, until__gt=now).first()
        if block is not None:
            minutes = max(1, int((block.until - now).total_seconds() // 60) + 1)
            raise ChatRefused("blocked", minutes=minutes)
        if Chat.objects.filter(session_hash=session_hash).count() >= settings.CHAT_MAX_PER_SESSION:
            raise ChatRefused("too_many")
        jour = _chat_jour(jour_slug)
        _waiting_cap(jour=jour)
        key = secrets.token_urlsafe(24)
        chat = Chat.objects.create(
            id=secrets.token_urlsafe(16),
            key_hash=token_hash(key),
            session_hash=session_hash,
            jour=jour,
            any_jour=any_jour or jour is None,
            queued_at=now,
            her_channel=channel,
        )
        events.queues_changed_on_commit()
    chat_dispatch()
    return ChatTicket(chat_id=chat.id, key=key, session=session)


def _waiting_cap(*, jour: Jour | None) -> None:
    """No more than CHAT_MAX_WAITING_SITE chats waiting in the site, CHAT_MAX_WAITING_PER_JOUR
    at one jour: a script opening sockets cannot fill every queue and every console.

    Counted in the start's own transaction: with SQLite (transactions begin IMMEDIATE)
    starts are serialised and the cap is exact; with PostgreSQL two processes starting at
    the same moment may each count before the other's insert, so the cap may be passed
    by one chat per other server process. Counts, never who.
    """
    waiting = Chat.objects.filter(status=ChatStatus.WAITING)
    if waiting.count() >= settings.CHAT_MAX_WAITING_SITE:
        raise ChatRefused("busy")
    if jour is not None and waiting.filter(jour=jour).count() >= settings.CHAT_MAX_WAITING_PER_JOUR:
        raise ChatRefused("busy")


def chat_resume(*, chat_id: str, key: str, channel: str) -> Chat:
    """Her page reconnects after a dropped connection (``channel``: her new socket)."""
    with transaction.atomic():
        chat = Chat.objects.select_for_update().filter(id=chat_id).first()
        if chat is None or not constant_time_compare(chat.key_hash, token_hash(key)):
            raise ChatRefused("no_such_chat")
        _her_moves(chat=chat, channel=channel)
        chat.her_connected = True
        chat.her_left_at = None
        chat.her_channel = channel
        chat.save(update_fields=["her_connected", "her_left_at", "her_channel"])
        return chat


def chat_resume_by_code(*, code: str, channel: str) -> tuple[Chat, str]:
    """She continues on another device (or later) with her return code; it works once."""
    failures_key = "fristad:chat:return-code-failures"
    if cache.get(failures_key, 0) >= settings.CHAT_RETURN_CODE_FAILURES_PER_MINUTE:
        raise ChatRefused("try_later")
    now = _now()
    with transaction.atomic():
        chat = (
            Chat.objects.select_for_update()
            .filter(
                return_code_hash=return_code_hash(code, secret=settings.SECRET_KEY),
                return_code_until__gt=now,
            )
            .first()
        )
        if chat is None:
            if not cache.add(failures_key, 1, timeout=60):
                try:
                    cache.incr(failures_key)
                except ValueError:
                    cache.add(failures_key, 1, timeout=60)
            raise ChatRefused("no_such_code")
        key = secrets.token_urlsafe(24)
        chat.key_hash = token_hash(key)
        chat.return_code_hash = ""
        chat.return_code_until = None
        _her_moves(chat=chat, channel=channel)
        chat.her_connected = True
        chat.her_left_at = None
        chat.her_channel = channel
        chat.save(
            update_fields=[
                "key_hash",
                "return_code_hash",
                "return_code_until",
                "her_connected",
                "her_left_at",
                "her_channel",
            ]
        )
        return chat, key


def _her_moves(*, chat: Chat, channel: str) -> None:
    """A new socket of hers takes the chat: the one that held it (a page left open on a
    shared computer, a half-dead connection) is told and leaves the chat."""
    if chat.her_channel and chat.her_channel != channel:
        events.her_socket_replaced_on_commit(channel=chat.her_channel)


def chat_return_code_issue(*, chat_id: str) -> str:
    """A one-time code to continue this chat elsewhere within the window."""
    code = return_code_new()
    until = _now() + timedelta(minutes=settings.CHAT_RETURN_CODE_MINUTES)
    updated = Chat.objects.filter(id=chat_id).update(
        return_code_hash=return_code_hash(code, secret=settings.SECRET_KEY), return_code_until=until
    )
    if not updated:
        raise ChatRefused("no_such_chat")
    return code


def chat_her_left(*, chat_id: str, channel: str) -> bool:
    """Her socket closed: she may come back (a mobile network), so the chat waits a while.

    Only the socket that holds the chat counts: a late close of an older one is ignored
    (and returns False, so no one is told she left).
    """
    return bool(
        Chat.objects.filter(id=chat_id, her_channel=channel).update(her_connected=False, her_left_at=_now())
    )


def chat_any_jour(*, chat_id: str) -> None:
    """She accepts an answer from any open jour of the network."""
    with transaction.atomic():
        Chat.objects.filter(id=chat_id, status=ChatStatus.WAITING).update(any_jour=True)
        events.queues_changed_on_commit()
    chat_dispatch()


def chat_end(*, chat_id: str, by: str) -> bool:
    """End the chat and forget it: the row goes, her socket and the console are told."""
    with transaction.atomic():
        chat = Chat.objects.select_for_update().filter(id=chat_id).first()
        if chat is None:
            return False
        _chat_forget(chat=chat, by=by, now=_now())
    chat_dispatch()
    return True


def _chat_forget(*, chat: Chat, by: str, now: datetime) -> None:
    if chat.status == ChatStatus.ACTIVE and chat.assigned_at and chat.agent_jour_id:
        _load_record(jour_id=chat.agent_jour_id, seconds=(now - chat.assigned_at).total_seconds())
    if chat.agent_id is not None:
        events.chat_released_on_commit(chat_id=chat.id, user_id=chat.agent_id, reason=by)
        AgentPresence.objects.filter(user_id=chat.agent_id).update(idle_since=now)
    events.chat_ended_on_commit(chat_id=chat.id, by=by)
    events.queues_changed_on_commit()
    chat.delete()


def _load_record(*, jour_id: int, seconds: float) -> None:
    load = ChatLoad.objects.select_for_update().filter(jour_id=jour_id).first()
    if load is None:
        ChatLoad.objects.create(jour_id=jour_id, average_seconds=seconds, samples=1)
        return
    load.average_seconds = router.moving_average(
        previous=load.average_seconds, samples=load.samples, value=seconds
    )
    load.samples += 1
    load.save(update_fields=["average_seconds", "samples"])


# --- The jourkvinna's side ------------------------------------------------------------


def presence_set(*, user: User, jour_id: int, available: bool) -> AgentPresence:
    """She sets herself available (for one of her jourer that chats) or away."""
    membership = jour_membership(user=user, jour_id=jour_id, roles=JOUR_ROLES)
    if membership.jour is None or not membership.jour.chats:
        raise ValidationError(_("This jour does not offer chat."))
    now = _now()
    with transaction.atomic():
        presence, _created = AgentPresence.objects.select_for_update().get_or_create(
            user=user, defaults={"jour_id": jour_id, "idle_since": now, "seen_at": now}
        )
        becoming = available and presence.status != PresenceStatus.AVAILABLE
        presence.jour_id = jour_id
        presence.status = PresenceStatus.AVAILABLE if available else PresenceStatus.AWAY
        presence.capacity = membership.chat_capacity
        presence.seen_at = now
        if becoming:
            presence.idle_since = now
        presence.save()
        events.consoles_changed_on_commit()
    chat_dispatch()
    return presence


def presence_withdraw(*, user_id: int) -> int:
    """She left the staff floor (signed out elsewhere, deactivated, removed, a new
    tystnadslöfte, timed out): she is away, and her chats go back to the queue now, as
    the reap gives back the chats of a console that went quiet. Returns how many."""
    with transaction.atomic():
        AgentPresence.objects.filter(user_id=user_id).update(status=PresenceStatus.AWAY)
        chats = list(Chat.objects.select_for_update().filter(agent_id=user_id, status=ChatStatus.ACTIVE))
        for chat in chats:
            _requeue(chat=chat)
        events.consoles_changed_on_commit()
    chat_dispatch()
    return len(chats)


def presence_heartbeat(*, user: User) -> None:
    """Her console is still there; also the clock that moves chats into overflow."""
    AgentPresence.objects.filter(user=user).update(seen_at=_now())
    chat_dispatch_if_due()


def chat_take(*, user: User, chat_id: str | None) -> str | None:
    """She takes the next chat (or the one she picked from a queue she may answer)."""
    now = _now()
    with transaction.atomic():
        presence = AgentPresence.objects.select_for_update().filter(user=user).first()
        if presence is None or presence.status != PresenceStatus.AVAILABLE:
            raise ValidationError(_("Set yourself available first."))
        snapshot = selectors.routing_snapshot(now, lock=True, only_user=user.pk)
        if chat_id is None:
            chosen = router.next_chat_for(snapshot, user.pk)
        else:
            agent = next((a for a in snapshot.agents if a.user_id == user.pk), None)
            chat = next((c for c in snapshot.waiting if c.id == chat_id), None)
            if agent is None or agent.room == 0:
                raise ValidationError(_("You have as many chats as you can take."))
            if chat is None or not router.may_answer(agent, chat):
                raise ValidationError(_("That chat is no longer waiting for you."))
            chosen = chat.id
        if chosen is None:
            return None
        if not _assign(chat_id=chosen, user_id=user.pk, jour_id=presence.jour_id, now=now):
            raise ValidationError(_("That chat is no longer waiting for you."))
    _positions_broadcast()
    return chosen


def chat_transfer(
    *, user: User, chat_id: str, to_user_id: int | None, to_jour_id: int | None, note: str
) -> None:
    """Hand the chat to a colleague, or to another jour's queue, with a private note.

    The new jourkvinna sees the note; she never sees what was written before she came.
    """
    note = note.strip()[:500]
    now = _now()
    with transaction.atomic():
        chat = Chat.objects.select_for_update().filter(id=chat_id, agent=user).first()
        if chat is None:
            raise ValidationError(_("That chat is not yours."))
        if (to_user_id is None) == (to_jour_id is None):
            raise ValidationError(_("Choose a colleague or a jour."))
        if to_user_id is not None:
            colleague = (
                AgentPresence.objects.select_for_update()
                .filter(
                    user_id=to_user_id,
                    jour_id=chat.agent_jour_id or 0,
                    status=PresenceStatus.AVAILABLE,
                    seen_at__gte=selectors.stale_before(now),
                )
                .exclude(user=user)
                .first()
            )
            busy = Chat.objects.filter(agent_id=to_user_id, status=ChatStatus.ACTIVE).count()
            if colleague is None or busy >= colleague.capacity:
                raise ValidationError(_("That colleague is not available for another chat."))
            chat.note = note
            chat.save(update_fields=["note"])
            events.chat_released_on_commit(chat_id=chat.id, user_id=user.pk, reason="transferred")
            _assign(chat_id=chat.id, user_id=to_user_id, jour_id=colleague.jour_id, now=now, transfer=True)
        else:
            jour = Jour.objects.filter(id=to_jour_id or 0, is_active=True, chats=True).first()
            if jour is None:
                raise ValidationError(_("That jour does not take chats."))
            Chat.objects.filter(id=chat.id).update(
                status=ChatStatus.WAITING,
                jour=jour,
                any_jour=False,
                agent=None,
                agent_jour=None,
                assigned_at=None,
                queued_at=now,
                note=note,
            )
            events.chat_released_on_commit(chat_id=chat.id, user_id=user.pk, reason="transferred")
            events.chat_requeued_on_commit(chat_id=chat.id, jour_name=jour.name)
        AgentPresence.objects.filter(user=user).update(idle_since=now)
        events.queues_changed_on_commit()
    chat_dispatch()


def chat_block(*, user: User, chat_id: str, minutes: int) -> None:
    """End an abusive chat and keep that page session from starting another for a while.

    The block holds the session token her page got, not a person or an address.
    """
    if not 1 <= minutes <= settings.CHAT_BLOCK_MAX_MINUTES:
        raise ValidationError(_("Choose a block between 1 minute and 24 hours."))
    with transaction.atomic():
        chat = Chat.objects.select_for_update().filter(id=chat_id, agent=user).first()
        if chat is None:
            raise ValidationError(_("That chat is not yours."))
        until = _now() + timedelta(minutes=minutes)
        ChatBlock.objects.update_or_create(session_hash=chat.session_hash, defaults={"until": until})
        ChatBlock.objects.filter(until__lte=_now()).delete()
        audit_record(
            action=AuditAction.CHAT_BLOCK,
            actor=user,
            jour=chat.agent_jour,
            detail=f"{minutes} min",
        )
    chat_end(chat_id=chat_id, by="blocked")


def chat_end_by_staff(*, user: User, chat_id: str) -> bool:
    if not Chat.objects.filter(id=chat_id, agent=user).exists():
        raise ValidationError(_("That chat is not yours."))
    return chat_end(chat_id=chat_id, by="staff")


def canned_response_save(
    *, user: User, jour_id: int, title: str, body: str, response_id: int | None = None
) -> CannedResponse:
    jour_membership(user=user, jour_id=jour_id, roles=JOUR_ROLES)
    title, body = title.strip(), body.strip()
    if not title or not body:
        raise ValidationError(_("A canned response needs a title and a text."))
    with transaction.atomic():
        if response_id is None:
            response = CannedResponse(jour_id=jour_id)
        else:
            found = CannedResponse.objects.filter(id=response_id, jour_id=jour_id).first()
            if found is None:
                raise ValidationError(_("That canned response does not exist."))
            response = found
        response.title, response.body = title[:80], body[:2000]
        response.full_clean()
        response.save()
        events.consoles_changed_on_commit()
        return response


def canned_response_delete(*, user: User, jour_id: int, response_id: int) -> None:
    jour_membership(user=user, jour_id=jour_id, roles=JOUR_ROLES)
    CannedResponse.objects.filter(id=response_id, jour_id=jour_id).delete()


def chat_settings_save(
    *, user: User, jour_id: int, overflow_after_seconds: int, answers_overflow: bool
) -> None:
    from fristad.accounts.models import Role

    jour_membership(user=user, jour_id=jour_id, roles=(Role.JOUR_ADMIN,))
    if not 30 <= overflow_after_seconds <= 3600:
        raise ValidationError(_("The overflow threshold must be between 30 seconds and an hour."))
    ChatSettings.objects.update_or_create(
        jour_id=jour_id,
        defaults={"overflow_after_seconds": overflow_after_seconds, "answers_overflow": answers_overflow},
    )
    chat_dispatch()


# --- Routing --------------------------------------------------------------------------


def _assign(*, chat_id: str, user_id: int, jour_id: int, now: datetime, transfer: bool = False) -> bool:
    """Give the chat to her, if it is still waiting (or being handed over)."""
    chat = Chat.objects.select_for_update().filter(id=chat_id).first()
    if chat is None or (chat.status != ChatStatus.WAITING and not transfer):
        return False
    jour = Jour.objects.get(id=jour_id)
    chosen = (
        Jour.objects.filter(id=chat.jour_id).values_list("name", flat=True).first() if chat.jour_id else ""
    )
    chat.status = ChatStatus.ACTIVE
    chat.agent_id = user_id
    chat.agent_jour = jour
    if not transfer or chat.assigned_at is None:
        chat.assigned_at = now
    chat.staff_leg += 1
    chat.save(update_fields=["status", "agent", "agent_jour", "assigned_at", "staff_leg"])
    AgentPresence.objects.filter(user_id=user_id).update(idle_since=now)
    events.chat_assigned_on_commit(
        chat_id=chat.id,
        user_id=user_id,
        jour_name=jour.name,
        leg=chat.staff_leg,
        console_row=selectors.ConsoleChat(
            id=chat.id,
            jour_name=jour.name,
            chosen_jour_name=chosen or "",
            note=chat.note,
            her_connected=chat.her_connected,
            leg=chat.staff_leg,
        ).__dict__,
    )
    events.queues_changed_on_commit()
    return True


def _reap(now: datetime) -> None:
    """Forget chats she left for good; put back in the queue chats whose jourkvinna is gone."""
    grace = now - timedelta(seconds=settings.CHAT_RECONNECT_GRACE_SECONDS)
    gone = Chat.objects.filter(her_connected=False, her_left_at__lt=grace).exclude(return_code_until__gt=now)
    for chat in list(gone.select_for_update()):
        _chat_forget(chat=chat, by="left", now=now)
    live = (
        AgentPresence.objects.filter(seen_at__gte=selectors.stale_before(now))
        .filter(selectors.still_a_member())
        .values("user_id")
    )
    orphans = Chat.objects.filter(status=ChatStatus.ACTIVE).exclude(agent_id__in=live)
    for chat in list(orphans.select_for_update()):
        _requeue(chat=chat)


def _requeue(*, chat: Chat) -> None:
    """Her jourkvinna is gone: back to the queue, keeping her place (her ``queued_at``)."""
    if chat.agent_id is not None:
        events.chat_released_on_commit(chat_id=chat.id, user_id=chat.agent_id, reason="lost")
    Chat.objects.filter(id=chat.id).update(
        status=ChatStatus.WAITING, agent=None, agent_jour=None, assigned_at=None
    )
    events.chat_requeued_on_commit(chat_id=chat.id, jour_name=None)
    events.queues_changed_on_commit()


def chat_dispatch() -> list[tuple[str, int]]:
    """Reap, then give every chat that can be answered to the jourkvinna the router picks."""
    now = _now()
    with transaction.atomic():
        _reap(now)
        snapshot = selectors.routing_snapshot(now, lock=True)
        done = []
        agent_jour = {a.user_id: a.jour_id for a in snapshot.agents}
        for chat_id, user_id in router.assignments(snapshot):
            if _assign(chat_id=chat_id, user_id=user_id, jour_id=agent_jour[user_id], now=now):
                done.append((chat_id, user_id))
    _positions_broadcast()
    return done


def chat_dispatch_if_due() -> None:
    """Run the dispatch at most every few seconds across all processes (the clock's tick)."""
    if cache.add("fristad:chat:dispatch", 1, timeout=DISPATCH_EVERY_SECONDS):
        chat_dispatch()


def _positions_broadcast() -> None:
    """Tell every waiting chat its place in the queue and expected wait."""
    with transaction.atomic():
        for chat_id, notice in selectors.queue_notices().items():
            events.queue_position_on_commit(chat_id=chat_id, notice=notice)
