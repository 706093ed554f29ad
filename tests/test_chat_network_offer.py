"""Her jour closed or full: her page offers the network at once, with the expected wait
of each choice, and asks her again while she waits; the network answers her only after
her yes, and she is told which jour answers."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.test import Client
from django.utils import timezone

from fristad.accounts.models import Membership
from fristad.chat import services
from fristad.chat.models import Chat, ChatSettings, ChatStatus
from fristad.directory.models import Jour
from tests.chat_helpers import Socket, answered_chat, console_socket, her_socket, run, session_cookie
from tests.conftest import Staff

pytestmark = pytest.mark.django_db(transaction=True)


def db(function: Any) -> Any:
    return database_sync_to_async(function)


def _page(url: str) -> str:
    return Client().get(url).content.decode()


async def _available(cookie: bytes, jour_id: int) -> Socket:
    ok, console = await console_socket(cookie)
    assert ok
    await console.expect("state")
    await console.send(t="presence", jour=jour_id, available=True)
    await console.expect("state", available=True)
    return console


@pytest.fixture
def malmo_chats(staff: Staff) -> None:
    Jour.objects.filter(pk=staff.jour_b.pk).update(chats=True)


def test_a_closed_jour_offers_the_open_jourer_at_once(staff: Staff, malmo_chats: None) -> None:
    cookie_b = session_cookie(staff.kvinna_b)

    async def scenario() -> None:
        console_b = await _available(cookie_b, staff.jour_b.pk)
        html = await db(_page)("/en/chatt/stockholm/")
        assert f"The chat at {staff.jour_a.name} is closed right now" in html
        # Each open jour with her wait there; the chat starts without a jour (the network's).
        assert (
            f'href="/en/chatt/{staff.jour_b.slug}/">{staff.jour_b.name}</a>: Someone can answer you now.'
            in html
        )
        assert '<div id="chat-app" data-jour="" hidden>' in html
        assert 'id="start-any"' not in html and 'id="any-jour"' not in html

        # She starts from that offer: Malmö answers, and her page is told it is Malmö.
        her = await her_socket()
        await her.send(t="start")
        await her.expect("started")
        assert (await her.expect("assigned"))["jour"] == staff.jour_b.name
        await her.close()
        await console_b.close()

    run(scenario)


def test_closed_everywhere_is_the_phone_numbers_not_an_offer(staff: Staff) -> None:
    html = _page("/en/chatt/stockholm/")
    assert "The chat is closed right now" in html and "020-50 50 50" in html
    assert 'id="offer-heading"' not in html and 'id="chat-app"' not in html


def test_a_full_jour_offers_both_choices_with_their_waits(staff: Staff, malmo_chats: None) -> None:
    Membership.objects.filter(user=staff.kvinna_a, jour=staff.jour_a).update(chat_capacity=1)
    cookie_a, cookie_b = session_cookie(staff.kvinna_a), session_cookie(staff.kvinna_b)

    async def scenario() -> None:
        her, console_a, _chat = await answered_chat(staff, cookie_a)  # Stockholm is full now
        console_b = await _available(cookie_b, staff.jour_b.pk)
        html = await db(_page)("/en/chatt/stockholm/")
        assert f"No one at {staff.jour_a.name} is free right now." in html
        # One place at Stockholm: too few for an honest figure.
        assert "We cannot say yet how long the wait will be." in html
        assert "may answer you instead: Someone can answer you now." in html
        assert 'id="start-any"' in html and f"Wait for {staff.jour_a.name}" in html
        assert 'id="any-jour"' not in html
        await her.close()
        await console_a.close()
        await console_b.close()

    run(scenario)


def test_a_jour_with_someone_free_asks_nothing(staff: Staff, malmo_chats: None) -> None:
    cookie_a = session_cookie(staff.kvinna_a)

    async def scenario() -> None:
        console_a = await _available(cookie_a, staff.jour_a.pk)
        html = await db(_page)("/en/chatt/stockholm/")
        assert "Someone can answer you now." in html and 'id="start-any"' not in html
        # Her conditional yes is still hers to give.
        assert 'id="any-jour"' in html
        await console_a.close()

    run(scenario)


def test_while_she_waits_she_sees_the_other_choice_and_is_asked_again(
    staff: Staff, malmo_chats: None
) -> None:
    Membership.objects.filter(user=staff.kvinna_a, jour=staff.jour_a).update(chat_capacity=1)
    cookie_a, cookie_b = session_cookie(staff.kvinna_a), session_cookie(staff.kvinna_b)

    async def scenario() -> None:
        first, console_a, _chat = await answered_chat(staff, cookie_a)
        console_b = await _available(cookie_b, staff.jour_b.pk)
        her = await her_socket()
        await her.send(t="start", jour="stockholm")
        chat_id = (await her.expect("started"))["chat"]
        queue = await her.expect("queue")
        assert queue["network"] is True and queue["any_wait"] == 0 and queue["ask"] is False
        assert queue["open"] is True and queue["wait"] is None  # one place at Stockholm
        # Malmö is free, yet it does not take her: she has not said yes.
        await db(services.chat_dispatch)()
        assert (await db(Chat.objects.get)(pk=chat_id)).status == ChatStatus.WAITING

        # Past Stockholm's threshold her page asks her again.
        old = timezone.now() - timedelta(seconds=settings.CHAT_OVERFLOW_AFTER_SECONDS + 5)
        await db(Chat.objects.filter(pk=chat_id).update)(queued_at=old)
        await db(services.chat_dispatch)()
        asked = await her.expect("queue", ask=True)
        assert asked["network"] is True
        # Her yes: Malmö answers, and she is told so.
        await her.send(t="any_jour")
        assert (await her.expect("assigned"))["jour"] == staff.jour_b.name
        for socket in (her, first, console_a, console_b):
            await socket.close()

    run(scenario)


def test_no_offer_when_the_other_jourer_keep_to_their_own(staff: Staff, malmo_chats: None) -> None:
    ChatSettings.objects.create(jour=staff.jour_b, answers_overflow=False)
    Membership.objects.filter(user=staff.kvinna_a, jour=staff.jour_a).update(chat_capacity=1)
    cookie_a, cookie_b = session_cookie(staff.kvinna_a), session_cookie(staff.kvinna_b)

    async def scenario() -> None:
        first, console_a, _chat = await answered_chat(staff, cookie_a)
        console_b = await _available(cookie_b, staff.jour_b.pk)
        html = await db(_page)("/en/chatt/stockholm/")
        assert 'id="start-any"' not in html
        her = await her_socket()
        await her.send(t="start", jour="stockholm")
        await her.expect("started")
        queue = await her.expect("queue")
        assert queue["network"] is False and queue["any_wait"] is None
        await asyncio.sleep(0)
        for socket in (her, first, console_a, console_b):
            await socket.close()

    run(scenario)
