"""The national office's live view of the network's chat (``chat_staff:national_network``):
counts only, right for presences, waiting and active chats, for the national office only,
and never a jourkvinna's name, an e-mail or a chat's id."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fristad.accounts.models import Membership, Role, User
from fristad.chat.models import AgentPresence, Chat, ChatStatus, PresenceStatus
from fristad.chat.selectors import NetworkNow, network_now
from fristad.directory.models import Jour
from tests.conftest import Staff, make_staff_user
from tests.isolation import LOGIN_PATH, ROLES, signed_in

pytestmark = pytest.mark.django_db
URL = reverse("chat_staff:national_network")


def presence(
    user: User, jour: Jour, now: datetime, *, status: str = PresenceStatus.AVAILABLE, **kw: object
) -> None:
    values: dict[str, object] = {"idle_since": now, "seen_at": now, "capacity": 2, **kw}
    AgentPresence.objects.create(user=user, jour=jour, status=status, **values)


def chat(
    chat_id: str, now: datetime, *, jour: Jour | None, minutes: int = 0, agent: User | None = None
) -> None:
    Chat.objects.create(
        id=chat_id,
        key_hash="k" * 64,
        session_hash=chat_id.ljust(64, "s"),
        jour=jour,
        queued_at=now - timedelta(minutes=minutes),
        status=ChatStatus.ACTIVE if agent else ChatStatus.WAITING,
        agent=agent,
        agent_jour=jour if agent else None,
        assigned_at=now if agent else None,
    )


@pytest.fixture
def busy_network(staff: Staff) -> tuple[Staff, datetime, list[User]]:
    """Stockholm (chats) has kvinna_a available with one chat of two, admin_a gone quiet;
    Söder (chats) has one jourkvinna away; Malmö does not chat, so kvinna_b's console does
    not open anything; a woman no longer at Stockholm still has a fresh presence."""
    now = timezone.now()
    soder = Jour.objects.get(slug="tjej-soder")
    soder_kvinna, _ = make_staff_user("soder-kvinna@staff.test")
    Membership.objects.create(user=soder_kvinna, role=Role.JOURKVINNA, jour=soder)
    former, _ = make_staff_user("former@staff.test")
    presence(staff.kvinna_a, staff.jour_a, now, capacity=2)
    presence(staff.admin_a, staff.jour_a, now, seen_at=now - timedelta(minutes=10))
    presence(soder_kvinna, soder, now, status=PresenceStatus.AWAY)
    presence(staff.kvinna_b, staff.jour_b, now)
    presence(former, staff.jour_a, now)
    chat("activechatsecret", now, jour=staff.jour_a, agent=staff.kvinna_a)
    chat("waitingsecretone", now, jour=staff.jour_a, minutes=7)
    chat("waitingsecrettwo", now, jour=None, minutes=1)
    return staff, now, [soder_kvinna, former]


@pytest.mark.parametrize("role", ROLES)
def test_only_the_national_office_sees_the_network(staff: Staff, role: str) -> None:
    client = Client() if role == "anonymous" else signed_in(getattr(staff, role))
    response = client.get(URL)
    posted = client.post(URL)
    if role == "anonymous":
        assert response.status_code == 302 and LOGIN_PATH in response["Location"]
        assert posted.status_code == 302
    elif role == "national":
        assert response.status_code == 200
        assert posted.status_code == 405
    else:
        assert response.status_code == 404
        assert posted.status_code in (404, 405)


def test_the_selector_refuses_anyone_but_the_national_office(staff: Staff) -> None:
    for user in (staff.admin_a, staff.kvinna_a, staff.admin_b, staff.kvinna_b, staff.caseworker):
        with pytest.raises(Http404):
            network_now(user=user, now=timezone.now())


def test_the_counts(busy_network: tuple[Staff, datetime, list[User]]) -> None:
    staff, now, _others = busy_network
    network = network_now(user=staff.national, now=now)
    assert isinstance(network, NetworkNow)
    # Stockholm and Söder chat; only Stockholm has someone available (kvinna_a).
    assert network.jourer_chatting == 2
    assert network.jourer_open == 1
    assert network.available == 1  # not the quiet one, not Malmö's, not the former member
    assert network.free_places == 1  # two places, one chat in progress
    assert network.waiting == 2
    assert network.oldest_wait_minutes == 7
    assert network.active == 1
    by_name = {c.name: c for c in network.counties}
    assert len(by_name) == 21
    assert (by_name["Stockholms län"].chatting, by_name["Stockholms län"].open) == (2, 1)
    assert (by_name["Skåne län"].chatting, by_name["Skåne län"].open) == (0, 0)
    assert {(j.name, j.open) for j in network.jourer} == {
        ("Kvinnojouren Stockholm (test)", True),
        ("Tjejjouren Söder (test)", False),
    }


def test_an_empty_network(staff: Staff) -> None:
    network = network_now(user=staff.national, now=timezone.now())
    assert (network.jourer_open, network.available, network.free_places) == (0, 0, 0)
    assert (network.waiting, network.oldest_wait_minutes, network.active) == (0, 0, 0)


def test_the_page_shows_counts_and_names_no_one(busy_network: tuple[Staff, datetime, list[User]]) -> None:
    staff, _now, others = busy_network
    response = signed_in(staff.national).get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    # Fresh without a timed meta refresh (WCAG 2.2.1): a link, and a script she can turn off.
    assert 'http-equiv="refresh"' not in body and 'id="auto-refresh"' in body
    assert '<script src="/static/accounts/refresh.js"' in body and "<script>" not in body
    assert "<strong>7 min</strong>" in body
    assert "Kvinnojouren Stockholm (test)" in body  # jour names are public
    people = [staff.admin_a, staff.kvinna_a, staff.admin_b, staff.kvinna_b, staff.caseworker, *others]
    for user in people:
        assert user.email not in body and user.full_name not in body, user.email
    for chat_id in ("activechatsecret", "waitingsecretone", "waitingsecrettwo"):
        assert chat_id not in body


def test_the_page_in_english(busy_network: tuple[Staff, datetime, list[User]]) -> None:
    staff, _now, _others = busy_network
    body = signed_in(staff.national).get("/en" + URL).content.decode()
    assert "The network&#x27;s chat now" in body or "The network's chat now" in body
    assert "jourkvinnor available" in body


def test_the_national_office_finds_it_from_her_start_page(staff: Staff) -> None:
    body = signed_in(staff.national).get(reverse("accounts:dashboard")).content.decode()
    assert f'href="{URL}"' in body
    assert f'href="{reverse("accounts:national_coverage")}"' in body
    assert f'href="{URL}"' not in signed_in(staff.admin_a).get(reverse("accounts:dashboard")).content.decode()
