"""The router as pure functions over a snapshot: who gets which chat, queue places, waits.

No database and no sockets: every case builds a ``Snapshot`` by hand.
"""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from fristad.chat import router
from fristad.chat.router import Agent, Snapshot, WaitingChat

NOW = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
STOCKHOLM, MALMO, NORRSKEN = 1, 2, 3


def chat(
    chat_id: str, jour: int | None, *, ago: float = 0, any_jour: bool = False, after: int = 120
) -> WaitingChat:
    return WaitingChat(
        id=chat_id,
        jour_id=jour,
        any_jour=any_jour,
        queued_at=NOW - timedelta(seconds=ago),
        offer_after_seconds=after,
    )


def agent(
    user_id: int, jour: int, *, capacity: int = 2, active: int = 0, idle: float = 0, overflow: bool = True
) -> Agent:
    return Agent(
        user_id=user_id,
        jour_id=jour,
        capacity=capacity,
        active=active,
        idle_since=NOW - timedelta(seconds=idle),
        answers_overflow=overflow,
    )


def snap(waiting: list[WaitingChat], agents: list[Agent]) -> Snapshot:
    return Snapshot(now=NOW, waiting=tuple(waiting), agents=tuple(agents))


# --- assignments ------------------------------------------------------------------------


def test_her_own_jour_answers_before_a_jour_idle_longer() -> None:
    # The chat is open to the network (she chose "any jour"), and the Malmö jourkvinna
    # has been idle far longer, yet Stockholm's own jourkvinna gets it.
    snapshot = snap(
        [chat("c1", STOCKHOLM, any_jour=True)],
        [agent(20, MALMO, idle=3600), agent(10, STOCKHOLM, idle=5)],
    )
    assert router.assignments(snapshot) == [("c1", 10)]


def test_the_jourkvinna_idle_longest_gets_the_chat() -> None:
    snapshot = snap(
        [chat("c1", STOCKHOLM)],
        [agent(10, STOCKHOLM, idle=100), agent(11, STOCKHOLM, idle=500), agent(12, STOCKHOLM, idle=300)],
    )
    assert router.assignments(snapshot) == [("c1", 11)]


def test_capacity_holds_across_several_chats_in_one_snapshot() -> None:
    # Anna has room for two, Berit for one; four chats wait. Anna (idle longest) gets
    # the first, then Berit is idle longest, then Anna again; the fourth waits.
    snapshot = snap(
        [chat(f"c{i}", STOCKHOLM, ago=100 - i) for i in range(1, 5)],
        [agent(10, STOCKHOLM, capacity=2, idle=300), agent(11, STOCKHOLM, capacity=1, idle=200)],
    )
    result = router.assignments(snapshot)
    assert result == [("c1", 10), ("c2", 11), ("c3", 10)]


def test_a_jourkvinna_at_capacity_gets_nothing() -> None:
    snapshot = snap(
        [chat("c1", STOCKHOLM), chat("c2", STOCKHOLM, ago=5)],
        [agent(10, STOCKHOLM, capacity=2, active=1, idle=900), agent(11, STOCKHOLM, capacity=3, active=3)],
    )
    assert router.assignments(snapshot) == [("c2", 10)]


def test_the_oldest_chat_is_served_first_whatever_the_order_given() -> None:
    newer, older = chat("newer", STOCKHOLM, ago=10), chat("older", STOCKHOLM, ago=50)
    agents = [agent(10, STOCKHOLM, capacity=1)]
    assert router.assignments(snap([newer, older], agents)) == [("older", 10)]
    assert router.assignments(snap([older, newer], agents)) == [("older", 10)]


def test_no_one_available_no_assignment() -> None:
    assert router.assignments(snap([chat("c1", STOCKHOLM, any_jour=True)], [])) == []


@pytest.mark.parametrize(
    ("waiting", "eligible"),
    [
        (chat("c", STOCKHOLM, any_jour=True), True),  # she chose any jour
        (chat("c", None), True),  # the national page
        (chat("c", STOCKHOLM, ago=120), False),  # waiting long does not decide for her
        (chat("c", STOCKHOLM, ago=5000), False),
        (chat("c", STOCKHOLM), False),  # just started
    ],
)
def test_overflow_only_with_her_consent(waiting: WaitingChat, eligible: bool) -> None:
    other = agent(20, MALMO)
    assert router.in_overflow(waiting) is eligible
    assert router.may_answer(other, waiting) is eligible
    assert router.assignments(snap([waiting], [other])) == ([("c", 20)] if eligible else [])


def test_a_jour_that_does_not_answer_the_overflow_never_gets_other_jourers_chats() -> None:
    closed = agent(20, MALMO, capacity=5, overflow=False, idle=1000)
    waiting = [
        chat("national", None, ago=900),
        chat("any", STOCKHOLM, any_jour=True, ago=800),
        chat("late", STOCKHOLM, ago=700),
        chat("norrsken", NORRSKEN, ago=10_000),
        chat("own", MALMO, ago=1),
    ]
    assert router.assignments(snap(waiting, [closed])) == [("own", 20)]
    for other in waiting[:4]:
        assert not router.may_answer(closed, other)
    assert router.next_chat_for(snap(waiting[:4], [closed]), 20) is None


def test_a_jour_without_anyone_available_is_answered_elsewhere_only_once_she_agrees() -> None:
    waiting = chat("c1", STOCKHOLM, ago=60)
    helpers = [agent(20, MALMO), agent(30, NORRSKEN, idle=50)]
    assert router.assignments(snap([waiting], helpers)) == []
    later = Snapshot(now=NOW + timedelta(seconds=3600), waiting=(waiting,), agents=tuple(helpers))
    assert router.assignments(later) == []
    agreed = replace(waiting, any_jour=True)
    assert router.assignments(snap([agreed], helpers)) == [("c1", 30)]


# --- asking her: network_offer, offer_again ------------------------------------------------


@pytest.mark.parametrize(
    ("agents", "offered"),
    [
        ([], False),  # no one anywhere: nothing to offer (her page shows the phone numbers)
        ([agent(20, MALMO)], True),  # her jour closed, the network open
        ([agent(10, STOCKHOLM, active=2), agent(20, MALMO)], True),  # her jour full
        ([agent(10, STOCKHOLM, active=1), agent(20, MALMO)], False),  # her jour has room
        ([agent(10, STOCKHOLM, active=2)], False),  # full, and no one else is there
        (
            [agent(10, STOCKHOLM, active=2), agent(20, MALMO, overflow=False)],
            False,
        ),  # others keep to their own
        (
            [agent(10, STOCKHOLM, active=2), agent(20, MALMO, active=2)],
            True,
        ),  # busy elsewhere too: she may still choose
    ],
)
def test_she_is_asked_at_once_when_her_jour_has_no_one_free(agents: list[Agent], offered: bool) -> None:
    assert router.network_offer(snap([], agents), STOCKHOLM) is offered


def test_the_national_page_is_never_asked() -> None:
    assert router.network_offer(snap([], [agent(20, MALMO)]), None) is False


@pytest.mark.parametrize(
    ("waiting", "asked"),
    [
        (chat("c", STOCKHOLM, ago=119), False),
        (chat("c", STOCKHOLM, ago=120), True),
        (chat("c", STOCKHOLM, ago=200, after=300), False),  # her jour's own threshold
        (chat("c", STOCKHOLM, ago=300, after=300), True),
        (chat("c", STOCKHOLM, ago=900, any_jour=True), False),  # she already agreed
        (chat("c", None, ago=900), False),
    ],
)
def test_she_is_asked_again_after_her_jours_threshold(waiting: WaitingChat, asked: bool) -> None:
    assert router.offer_again(waiting, NOW) is asked


# --- arrival_wait_seconds: what her page shows before she starts ----------------------------


def test_arrival_wait_is_zero_with_someone_free_and_none_with_no_one() -> None:
    agents = [agent(10, STOCKHOLM, capacity=2, active=1)]
    assert (
        router.arrival_wait_seconds(snap([], agents), jour_id=STOCKHOLM, any_jour=False, handling_seconds=600)
        == 0
    )
    assert (
        router.arrival_wait_seconds(snap([], agents), jour_id=MALMO, any_jour=False, handling_seconds=600)
        is None
    )


def test_arrival_wait_of_each_choice() -> None:
    # Stockholm: two jourkvinnor, both full, one chat waiting for them. Malmö: one place free.
    agents = [
        agent(10, STOCKHOLM, capacity=2, active=2),
        agent(11, STOCKHOLM, capacity=2, active=2),
        agent(20, MALMO, active=1),
        agent(21, MALMO, active=2),
    ]
    waiting = [chat("w", STOCKHOLM, ago=30)]
    snapshot = snap(waiting, agents)
    own = router.arrival_wait_seconds(snapshot, jour_id=STOCKHOLM, any_jour=False, handling_seconds=1200)
    anywhere = router.arrival_wait_seconds(snapshot, jour_id=STOCKHOLM, any_jour=True, handling_seconds=1200)
    assert own == math.ceil(2 * 1200 / 4)  # second in line for four places
    assert anywhere == 0  # the free place in Malmö takes her (the waiting chat wants Stockholm)


def test_arrival_wait_with_too_few_places_is_unknown() -> None:
    agents = [agent(10, STOCKHOLM, capacity=2, active=2)]
    assert (
        router.arrival_wait_seconds(snap([], agents), jour_id=STOCKHOLM, any_jour=False, handling_seconds=60)
        is None
    )


def _random_snapshot(rng: random.Random) -> Snapshot:
    jourer = [STOCKHOLM, MALMO, NORRSKEN]
    waiting = [
        chat(
            f"c{i}",
            rng.choice([*jourer, None]),
            ago=rng.randint(0, 400),
            any_jour=rng.random() < 0.2,
            after=rng.choice([60, 120, 300]),
        )
        for i in range(rng.randint(0, 12))
    ]
    agents = []
    for user_id in range(rng.randint(0, 6)):
        capacity = rng.randint(1, 3)
        agents.append(
            agent(
                100 + user_id,
                rng.choice(jourer),
                capacity=capacity,
                active=rng.randint(0, capacity),
                idle=rng.randint(0, 1000),
                overflow=rng.random() < 0.7,
            )
        )
    return snap(waiting, agents)


@pytest.mark.parametrize("seed", range(60))
def test_assignments_respect_the_rules_on_random_snapshots(seed: int) -> None:
    snapshot = _random_snapshot(random.Random(seed))
    result = router.assignments(snapshot)
    chats = {c.id: c for c in snapshot.waiting}
    agents = {a.user_id: a for a in snapshot.agents}

    chat_ids = [chat_id for chat_id, _ in result]
    assert len(chat_ids) == len(set(chat_ids)), "a chat assigned twice"
    taken: dict[int, int] = {}
    for chat_id, user_id in result:
        assert router.may_answer(agents[user_id], chats[chat_id])
        taken[user_id] = taken.get(user_id, 0) + 1
    for user_id, count in taken.items():
        assert count <= agents[user_id].room, "over capacity"
    # Nothing left undone: every chat still waiting has no one with room who may answer it.
    for waiting in snapshot.waiting:
        if waiting.id in chat_ids:
            continue
        for candidate in snapshot.agents:
            if candidate.room - taken.get(candidate.user_id, 0) > 0:
                assert not router.may_answer(candidate, waiting)
    # Oldest first: the assigned chats come in queue order.
    order = [c.id for c in router.queue_order(snapshot.waiting)]
    assert chat_ids == sorted(chat_ids, key=order.index)


# --- next_chat_for ----------------------------------------------------------------------


def test_take_next_prefers_her_own_jour_over_an_older_overflow_chat() -> None:
    waiting = [
        chat("overflow", MALMO, any_jour=True, ago=900),
        chat("own-new", STOCKHOLM, ago=5),
        chat("own-old", STOCKHOLM, ago=50),
    ]
    assert router.next_chat_for(snap(waiting, [agent(10, STOCKHOLM)]), 10) == "own-old"


def test_take_next_falls_back_to_the_oldest_overflow_chat() -> None:
    waiting = [
        chat("own-only", MALMO, ago=300),
        chat("any-newer", MALMO, any_jour=True, ago=40),
        chat("national-older", None, ago=60),
    ]
    assert router.next_chat_for(snap(waiting, [agent(10, STOCKHOLM)]), 10) == "national-older"
    assert router.next_chat_for(snap(waiting[:1], [agent(10, STOCKHOLM)]), 10) is None


def test_take_next_is_none_at_capacity_or_for_someone_not_available() -> None:
    waiting = [chat("c1", STOCKHOLM)]
    assert router.next_chat_for(snap(waiting, [agent(10, STOCKHOLM, capacity=2, active=2)]), 10) is None
    assert router.next_chat_for(snap(waiting, [agent(10, STOCKHOLM)]), 99) is None
    assert router.next_chat_for(snap([], [agent(10, STOCKHOLM)]), 10) is None


# --- queue_position, serving_slots, expected_wait_seconds ---------------------------------


def test_queue_position_counts_her_own_jour_only() -> None:
    waiting = [
        chat("malmo-oldest", MALMO, ago=100),
        chat("sthlm-1", STOCKHOLM, ago=50),
        chat("sthlm-2", STOCKHOLM, ago=40),
        chat("malmo-2", MALMO, ago=30),
        chat("sthlm-3", STOCKHOLM, ago=10),
    ]
    snapshot = snap(waiting, [])
    assert [router.queue_position(snapshot, c) for c in ("sthlm-1", "sthlm-2", "sthlm-3")] == [1, 2, 3]
    assert [router.queue_position(snapshot, c) for c in ("malmo-oldest", "malmo-2")] == [1, 2]


def test_queue_position_of_an_overflow_chat_counts_the_overflow_chats_ahead() -> None:
    waiting = [
        chat("national", None, ago=100),
        chat("malmo-waiting", MALMO, ago=90),  # not in overflow: not ahead of her
        chat("malmo-late", MALMO, ago=200, any_jour=True),  # she agreed when asked again
        chat("sthlm-own", STOCKHOLM, ago=80),
        chat("sthlm-any", STOCKHOLM, any_jour=True, ago=70),
        chat("later-national", None, ago=60),
    ]
    snapshot = snap(waiting, [])
    # Queue order: malmo-late, national, malmo-waiting, sthlm-own, sthlm-any, later-national.
    assert router.queue_position(snapshot, "malmo-late") == 1
    assert router.queue_position(snapshot, "national") == 2
    # sthlm-any: malmo-late and national (overflow) and sthlm-own (her own jour).
    assert router.queue_position(snapshot, "sthlm-any") == 4
    # later-national: malmo-late, national, sthlm-any; neither malmo-waiting nor sthlm-own.
    assert router.queue_position(snapshot, "later-national") == 4
    # A chat of her jour not in overflow: only her own jour's chats ahead.
    assert router.queue_position(snapshot, "sthlm-own") == 1
    assert router.queue_position(snapshot, "malmo-waiting") == 2


def test_queue_position_of_a_chat_not_waiting_is_zero() -> None:
    assert router.queue_position(snap([chat("c1", STOCKHOLM)], []), "gone") == 0


def test_serving_slots_sum_the_capacity_of_those_who_may_answer() -> None:
    agents = [
        agent(10, STOCKHOLM, capacity=2, active=2),
        agent(11, STOCKHOLM, capacity=3),
        agent(20, MALMO, capacity=4),
        agent(30, NORRSKEN, capacity=5, overflow=False),
    ]
    own = snap([chat("c1", STOCKHOLM)], agents)
    assert router.serving_slots(own, "c1") == 5
    network = snap([chat("c1", STOCKHOLM, any_jour=True)], agents)
    assert router.serving_slots(network, "c1") == 9
    assert router.serving_slots(network, "gone") == 0


@pytest.mark.parametrize("position", [0, 1, 5])
def test_no_expected_wait_without_anyone_to_answer(position: int) -> None:
    assert router.expected_wait_seconds(position=position, slots=0, handling_seconds=600) is None
    assert router.expected_wait_seconds(position=position, slots=-1, handling_seconds=600) is None


@pytest.mark.parametrize(
    ("position", "slots", "handling", "expected"),
    [
        (0, 3, 600, 0),
        (-2, 3, 600, 0),
        (1, 4, 600, 150),
        (3, 8, 100, 38),  # rounded up
        (4, 4, 1200.5, 1201),
    ],
)
def test_expected_wait_formula(position: int, slots: int, handling: float, expected: int) -> None:
    assert router.expected_wait_seconds(position=position, slots=slots, handling_seconds=handling) == expected
    if position > 0:
        assert expected == math.ceil(position * handling / slots)


@pytest.mark.parametrize("slots", [1, 2, 3])
def test_too_few_places_for_a_figure_is_unknown_not_a_guess(slots: int) -> None:
    assert slots < router.MIN_PLACES_FOR_ESTIMATE
    assert router.expected_wait_seconds(position=1, slots=slots, handling_seconds=600) is None
    # Someone with room for her is known, however few they are.
    assert router.expected_wait_seconds(position=0, slots=slots, handling_seconds=600) == 0


# --- moving_average -----------------------------------------------------------------------


def test_moving_average_starts_with_the_first_value() -> None:
    assert router.moving_average(previous=None, samples=0, value=300.0) == 300.0
    assert router.moving_average(previous=None, samples=7, value=42.0) == 42.0
    assert router.moving_average(previous=999.0, samples=0, value=42.0) == 42.0


def test_moving_average_is_the_mean_of_the_first_window_then_exponential() -> None:
    values = [float(60 * (i % 7 + 1)) for i in range(20)]
    average: float | None = None
    for samples, value in enumerate(values):
        average = router.moving_average(previous=average, samples=samples, value=value, window=20)
    assert average is not None and average == pytest.approx(sum(values) / 20)
    # From then on each new chat weighs 1/window.
    after = router.moving_average(previous=average, samples=20, value=average + 2000.0, window=20)
    assert after == pytest.approx(average + 100.0)
    much_later = router.moving_average(previous=500.0, samples=10_000, value=700.0, window=20)
    assert much_later == pytest.approx(510.0)


def test_moving_average_with_a_small_window() -> None:
    assert router.moving_average(previous=100.0, samples=1, value=200.0, window=4) == pytest.approx(150.0)
    assert router.moving_average(previous=100.0, samples=9, value=200.0, window=4) == pytest.approx(125.0)
