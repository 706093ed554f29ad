"""How long she waits for a person: a discrete-event simulation of one week of the
national chat, driving the project's own router (``fristad.chat.router``, no copy).

The network is the demo's (``fristad.directory.demo.demo_kvinnojourer`` over the
reference geography in ``fristad/geo/data``): about 70 kvinnojourer, each serving the
municipalities nearest it. Arrivals are spread over the jourer by the number of postal
codes they serve (the reference data has no population; postal codes follow it closely
enough for a share of load). The busiest eight jourer chat every day 10-22 with 2-3
jourkvinnor on shift; the others 2-4 evenings a week 18-22 with 1-2 (3 on a busy
evening now and then); each jourkvinna holds 2 chats at once. Arrivals are a
non-homogeneous Poisson process with an evening peak, at about 150, 250 and 400 chats a
day; handling time is lognormal (mean 37 min); patience exponential (mean 5 min), and a
run without abandonment. A share of women (15 %) choose "any jour" at once.

Policies, side by side on the same random streams (common random numbers):

- ``local``: her jour only; a closed jour is a closed chat.
- ``today``: the router as it was configured before issue 13: her jour first, and any
  jour of the network after 120 s of waiting without asking her; when her jour is closed
  her page links to the network's chat, which she follows with the same probability as
  she says yes when asked.
- ``ask``: the router as it is now, consent only: when her jour has no one free (closed
  or full) her page asks at once whether any open jour may answer (``network_offer``);
  she says yes with probability ``--accept`` (0.8); who says no waits for her own jour (a
  closed jour: she leaves for the phone numbers) and is asked again after ``--again``
  seconds (``offer_again``), saying yes with probability ``--accept-again`` (0.5).
- ``pool``: every chat to any free jourkvinna at once: the practical bound.

It prints per load and policy: the share answered within 60 s and within 5 min, mean
and p90 wait (answered chats), the share abandoned, the share that came while some jour
was open but was never answered, occupancy, fairness between jourkvinnor (spread of
their occupancy), and the gap to full pooling; the analytic pooled Erlang C and Erlang A
figures for the peak hour; and the expected wait her page shows at arrival
(``router.arrival_wait_seconds``) against the wait she then had.

    .venv/bin/python bench/national_sim.py [--seeds 5] [--days 7] [--loads 150,250,400]
"""

from __future__ import annotations

import argparse
import csv
import heapq
import math
import os
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fristad.chat import router  # noqa: E402 (the path above first)

DAY = 86_400.0
HOUR = 3_600.0
# The simulated week starts on a Monday at midnight (Stockholm time: the hours below are
# local; daylight saving does not fall inside it).
EPOCH = datetime(2026, 11, 30)
# Relative arrival rate per hour of the day: quiet at night, rising through the day,
# the peak in the evening (when most jourer have their chat open).
HOURLY_PROFILE = (
    0.35, 0.25, 0.18, 0.12, 0.10, 0.12, 0.20, 0.35, 0.55, 0.70, 0.80, 0.85,
    0.90, 0.90, 0.95, 1.00, 1.10, 1.30, 1.60, 1.90, 2.10, 2.10, 1.70, 1.00,
)  # fmt: skip
CAPACITY = 2
LARGE_JOURER = 8
MEAN_HANDLING = 37 * 60.0
HANDLING_SIGMA = 0.6
MEAN_PATIENCE = 300.0
ANY_AT_ONCE = 0.15
TODAY_OVERFLOW_AFTER = 120.0
GOAL_GAP = 0.05


# --- The network ------------------------------------------------------------------------


@dataclass(frozen=True)
class Shift:
    start: float
    end: float
    women: int


@dataclass(frozen=True)
class JourPlan:
    id: int
    name: str
    weight: float
    shifts: tuple[Shift, ...]


def demo_network(
    rng: random.Random, days: int, *, evenings: tuple[int, int] = (2, 4), thin: bool = False
) -> list[JourPlan]:
    """The demo's kvinnojourer with ``days`` of chat shifts drawn from ``rng``: the small
    ones chat ``evenings`` (low, high) evenings a week; ``thin``: one jourkvinna per shift
    at the small jourer and two at the large (the network on a bad week)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fristad.settings")
    import django

    django.setup()
    from fristad.directory.demo import DemoPlace, demo_kvinnojourer

    data = ROOT / "fristad" / "geo" / "data"
    with (data / "municipalities.csv").open(encoding="utf-8") as f:
        places = [
            DemoPlace(
                row["municipality_code"],
                row["municipality_name"],
                row["county_code"],
                float(row["latitude"]),
                float(row["longitude"]),
            )
            for row in csv.DictReader(f)
        ]
    places.sort(key=lambda p: p.code)
    with (data / "postal_codes.csv").open(encoding="utf-8") as f:
        postal = Counter(row["municipality_code"] for row in csv.DictReader(f))
    homes = demo_kvinnojourer(places)
    weights = [float(sum(postal[code] for code in served)) or 1.0 for _, served in homes]
    large = set(sorted(range(len(homes)), key=lambda i: -weights[i])[:LARGE_JOURER])
    plans = []
    for index, ((home, _), weight) in enumerate(zip(homes, weights, strict=True)):
        shifts = []
        if index in large:
            for day in range(days):
                women = 2 if thin else rng.choice((2, 2, 3))
                shifts.append(Shift(day * DAY + 10 * HOUR, day * DAY + 22 * HOUR, women))
        else:
            chosen = sorted(rng.sample(range(7), rng.randint(*evenings)))
            for day in range(days):
                if day % 7 in chosen:
                    women = 1 if thin else rng.choice((1, 1, 2, 2, 2, 3))
                    shifts.append(Shift(day * DAY + 18 * HOUR, day * DAY + 22 * HOUR, women))
        plans.append(JourPlan(id=index + 1, name=home.name, weight=weight, shifts=tuple(shifts)))
    return plans


# --- Her arrival ------------------------------------------------------------------------


@dataclass(frozen=True)
class Arrival:
    """One woman, with every random draw she needs in any policy (common random numbers)."""

    t: float
    jour_id: int
    any_at_once: bool
    handling: float
    patience: float
    accept_u: float
    again_u: float


def arrivals(
    rng: random.Random,
    *,
    per_day: float,
    days: int,
    jourer: Sequence[JourPlan],
    profile: Sequence[float] = HOURLY_PROFILE,
    mean_handling: float = MEAN_HANDLING,
    handling_sigma: float | None = HANDLING_SIGMA,
    any_share: float = ANY_AT_ONCE,
) -> list[Arrival]:
    """A non-homogeneous Poisson process by thinning (rate ``per_day`` times the hour's share).

    ``handling_sigma`` None: exponential handling (for the comparison with Erlang C)."""
    scale = per_day / sum(profile) / HOUR  # per second at profile 1.0
    peak = max(profile) * scale
    ids = [j.id for j in jourer]
    weights = [j.weight for j in jourer]
    mu = math.log(mean_handling) - (handling_sigma or 0.0) ** 2 / 2
    result = []
    t = 0.0
    end = days * DAY
    while True:
        t += rng.expovariate(peak)
        if t >= end:
            return result
        rate = profile[int(t // HOUR) % 24] * scale
        if rng.random() * peak > rate:
            continue
        handling = (
            rng.expovariate(1 / mean_handling)
            if handling_sigma is None
            else rng.lognormvariate(mu, handling_sigma)
        )
        result.append(
            Arrival(
                t=t,
                jour_id=rng.choices(ids, weights)[0],
                any_at_once=rng.random() < any_share,
                handling=handling,
                patience=rng.expovariate(1 / MEAN_PATIENCE),
                accept_u=rng.random(),
                again_u=rng.random(),
            )
        )


# --- Policies ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    name: str
    # Her chat may go to other jourer at all (False: local only).
    network: bool = True
    # Every chat to any free jourkvinna at once.
    pool: bool = False
    # Before issue 13: any jour after this many seconds, without asking her.
    auto_after: float | None = None
    # Ask her at once when her jour has no one free (router.network_offer).
    ask_at_once: bool = False
    # Ask her again after this many seconds of waiting (router.offer_again).
    ask_again_after: float | None = None


def policies(*, again: float) -> list[Policy]:
    return [
        Policy("local", network=False),
        Policy("today", auto_after=TODAY_OVERFLOW_AFTER),
        Policy(f"ask (again {again:.0f} s)", ask_at_once=True, ask_again_after=again),
        Policy("pool", pool=True),
    ]


# --- The simulation ---------------------------------------------------------------------


@dataclass
class AgentState:
    user_id: int
    jour_id: int
    capacity: int
    active: int = 0
    idle_since: float = 0.0
    on_shift: bool = True
    busy_area: float = 0.0  # chat-seconds held, for her occupancy
    changed_at: float = 0.0
    shift_start: float = 0.0

    def touch(self, now: float) -> None:
        self.busy_area += self.active * (now - self.changed_at)
        self.changed_at = now


@dataclass
class ChatState:
    arrival: Arrival
    jour_id: int | None
    any_jour: bool
    queued_at: float
    estimate: int | None
    answered_at: float | None = None
    abandoned: bool = False
    switched: bool = False  # she said yes to any jour after the estimate was shown


@dataclass
class Outcome:
    """What happened to every woman who came while some jour had its chat open."""

    came: int = 0
    came_no_one_open: int = 0
    started: int = 0  # chats started (she did not leave when asked at a closed jour)
    waits: list[float] = field(default_factory=list)  # answered chats
    abandoned: int = 0
    left_at_closed_jour: int = 0
    estimates: list[tuple[int, float]] = field(default_factory=list)  # (shown, realized)
    unknown_shown: int = 0
    slot_seconds: float = 0.0
    busy_seconds: float = 0.0
    agent_occupancy: list[float] = field(default_factory=list)
    peak_waits: list[float] = field(default_factory=list)  # answered, arrived in the peak hour
    peak_came: int = 0

    def within(self, seconds: float) -> float:
        """Of the women who came while some jour was open."""
        return sum(1 for w in self.waits if w <= seconds) / self.came if self.came else 0.0

    def started_within(self, seconds: float) -> float:
        """Of the chats she started (her choice made)."""
        return sum(1 for w in self.waits if w <= seconds) / self.started if self.started else 0.0

    def peak_within(self, seconds: float) -> float:
        return sum(1 for w in self.peak_waits if w <= seconds) / self.peak_came if self.peak_came else 0.0


def _dt(t: float) -> datetime:
    return EPOCH + timedelta(seconds=t)


def simulate(
    *,
    jourer: Sequence[JourPlan],
    stream: Sequence[Arrival],
    policy: Policy,
    accept: float,
    accept_again: float,
    abandonment: bool = True,
    warmup: float = 0.0,
    peak_hour: int | None = None,
) -> Outcome:
    """One run; statistics count the women who came after ``warmup`` seconds."""
    out = Outcome()
    events: list[tuple[float, int, str, object]] = []
    seq = 0

    def push(t: float, kind: str, payload: object) -> None:
        nonlocal seq
        seq += 1
        heapq.heappush(events, (t, seq, kind, payload))

    user_ids = iter(range(1, 1_000_000))
    for jour in jourer:
        for shift in jour.shifts:
            push(shift.start, "shift_start", (jour.id, shift))
    for arrival in stream:
        push(arrival.t, "arrive", arrival)

    agents: dict[int, AgentState] = {}
    waiting: dict[str, ChatState] = {}
    chats: dict[str, ChatState] = {}
    handling_avg: dict[int, tuple[float, int]] = {}  # jour -> (moving average, samples)
    chat_ids = iter(range(1, 10_000_000))

    def handling_seconds(jour_id: int | None) -> float:
        # As fristad.chat.selectors.handling_seconds: her jour's, else the network's mean.
        if jour_id is not None and jour_id in handling_avg:
            return handling_avg[jour_id][0]
        if handling_avg:
            return statistics.fmean(a for a, _ in handling_avg.values())
        return float(router.DEFAULT_HANDLING_SECONDS)

    def snapshot(now: float) -> router.Snapshot:
        return router.Snapshot(
            now=_dt(now),
            waiting=tuple(
                router.WaitingChat(
                    id=chat_id, jour_id=c.jour_id, any_jour=c.any_jour, queued_at=_dt(c.queued_at)
                )
                for chat_id, c in waiting.items()
            ),
            agents=tuple(
                router.Agent(
                    user_id=a.user_id,
                    jour_id=a.jour_id,
                    capacity=a.capacity,
                    active=a.active,
                    idle_since=_dt(a.idle_since),
                    answers_overflow=policy.network,
                )
                for a in agents.values()
                if a.on_shift
            ),
        )

    def dispatch(now: float) -> None:
        if not waiting:
            return
        for chat_id, user_id in router.assignments(snapshot(now)):
            chat = waiting.pop(chat_id)
            agent = agents[user_id]
            agent.touch(now)
            agent.active += 1
            agent.idle_since = now
            chat.answered_at = now
            push(now + chat.arrival.handling, "done", (chat_id, user_id))
            if chat.arrival.t >= warmup:
                wait = now - chat.queued_at
                out.waits.append(wait)
                if chat.estimate is not None and not chat.switched:
                    # Her estimate was for the choice she made; a later yes is a new choice.
                    out.estimates.append((chat.estimate, wait))
                if peak_hour is not None and int(chat.arrival.t // HOUR) % 24 == peak_hour:
                    out.peak_waits.append(wait)

    def network_open(now: float) -> bool:
        return any(a.on_shift for a in agents.values())

    while events:
        now, _, kind, payload = heapq.heappop(events)
        if kind == "shift_start":
            jour_id, shift = payload  # type: ignore[misc]
            for _ in range(shift.women):
                agent = AgentState(
                    next(user_ids), jour_id, CAPACITY, idle_since=now, changed_at=now, shift_start=now
                )
                agents[agent.user_id] = agent
                push(shift.end, "shift_end", agent.user_id)
            dispatch(now)
        elif kind == "shift_end":
            agent = agents[payload]  # type: ignore[index]
            agent.touch(now)
            agent.on_shift = False
            if agent.shift_start >= warmup:
                # Her occupancy over the shift (chats she finishes after it do not count).
                length = now - agent.shift_start
                out.slot_seconds += agent.capacity * length
                out.busy_seconds += agent.busy_area
                out.agent_occupancy.append(agent.busy_area / (agent.capacity * length))
        elif kind == "arrive":
            arrival: Arrival = payload  # type: ignore[assignment]
            counted = arrival.t >= warmup
            if not network_open(now):
                if counted:
                    out.came_no_one_open += 1
                continue
            if counted:
                out.came += 1
                if peak_hour is not None and int(arrival.t // HOUR) % 24 == peak_hour:
                    out.peak_came += 1
            snap = snapshot(now)
            jour_id: int | None = arrival.jour_id
            any_jour = policy.pool or (policy.network and arrival.any_at_once)
            own_open = any(a.on_shift and a.jour_id == arrival.jour_id for a in agents.values())
            if not policy.network and not own_open:
                if counted:
                    out.left_at_closed_jour += 1
                continue
            if policy.auto_after is not None and not any_jour and not own_open:
                # Before issue 13 her closed jour's page linked to the network's chat.
                if arrival.accept_u < accept:
                    jour_id, any_jour = None, True
                else:
                    if counted:
                        out.left_at_closed_jour += 1
                    continue
            if policy.ask_at_once and not any_jour and router.network_offer(snap, arrival.jour_id):
                if arrival.accept_u < accept:
                    any_jour = True
                elif not own_open:
                    if counted:
                        out.left_at_closed_jour += 1
                    continue
            estimate = router.arrival_wait_seconds(
                snap, jour_id=jour_id, any_jour=any_jour, handling_seconds=handling_seconds(jour_id)
            )
            if counted and estimate is None:
                out.unknown_shown += 1
            if counted:
                out.started += 1
            chat_id = str(next(chat_ids))
            chat = ChatState(arrival, jour_id, any_jour, queued_at=now, estimate=estimate)
            waiting[chat_id] = chat
            chats[chat_id] = chat
            if abandonment:
                push(now + arrival.patience, "abandon", chat_id)
            if not any_jour and policy.auto_after is not None:
                push(now + policy.auto_after, "overflow", chat_id)
            if not any_jour and policy.ask_again_after is not None:
                push(now + policy.ask_again_after, "ask_again", chat_id)
            dispatch(now)
        elif kind == "done":
            chat_id, user_id = payload  # type: ignore[misc]
            agent = agents[user_id]
            agent.touch(now)
            agent.active -= 1
            agent.idle_since = now
            chat = chats.pop(chat_id)
            jour = agent.jour_id
            previous, samples = handling_avg.get(jour, (None, 0))
            value = router.moving_average(previous=previous, samples=samples, value=chat.arrival.handling)
            handling_avg[jour] = (value, samples + 1)
            dispatch(now)
        elif kind == "abandon":
            chat = waiting.pop(payload, None)  # type: ignore[arg-type]
            if chat is not None:
                chats.pop(payload, None)  # type: ignore[arg-type]
                chat.abandoned = True
                if chat.arrival.t >= warmup:
                    out.abandoned += 1
        elif kind == "overflow":
            chat = waiting.get(payload)  # type: ignore[arg-type]
            if chat is not None:
                chat.any_jour = chat.switched = True
                dispatch(now)
        elif kind == "ask_again":
            chat = waiting.get(payload)  # type: ignore[arg-type]
            if chat is not None and chat.arrival.again_u < accept_again:
                chat.any_jour = chat.switched = True
                dispatch(now)
    return out


# --- Analytic: Erlang C and Erlang A ----------------------------------------------------


def erlang_c(*, servers: int, arrival_rate: float, service_rate: float) -> float:
    """Probability that a chat waits at all (M/M/c), by the stable Erlang B recursion."""
    load = arrival_rate / service_rate
    if load >= servers:
        return 1.0
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    rho = load / servers
    return b / (1 - rho + rho * b)


def erlang_c_within(*, servers: int, arrival_rate: float, service_rate: float, seconds: float) -> float:
    """Share answered within ``seconds`` (M/M/c, first come first served)."""
    c = erlang_c(servers=servers, arrival_rate=arrival_rate, service_rate=service_rate)
    if c >= 1.0:
        return 0.0
    return 1.0 - c * math.exp(-(servers * service_rate - arrival_rate) * seconds)


def erlang_c_mean_wait(*, servers: int, arrival_rate: float, service_rate: float) -> float:
    c = erlang_c(servers=servers, arrival_rate=arrival_rate, service_rate=service_rate)
    return math.inf if c >= 1.0 else c / (servers * service_rate - arrival_rate)


def erlang_a(
    *, servers: int, arrival_rate: float, service_rate: float, patience_rate: float, seconds: float
) -> tuple[float, float, float]:
    """M/M/c+M (Erlang A): (share abandoned, share answered at once, share answered within
    ``seconds``), from the birth-death chain's stationary distribution; the last by
    uniformisation of the waiting time of a chat that arrives behind n others."""
    states = servers + 400
    weights = [1.0]
    for n in range(1, states):
        death = min(n, servers) * service_rate + max(0, n - servers) * patience_rate
        weights.append(weights[-1] * arrival_rate / death)
    total = sum(weights)
    p = [w / total for w in weights]
    queue = sum((n - servers) * p[n] for n in range(servers, states))
    abandoned = patience_rate * queue / arrival_rate
    at_once = sum(p[:servers])
    # Behind k = n - c waiting chats she is served after k + 1 departures from the
    # queue's head; each step leaves at rate c·mu + (chats waiting ahead)·theta, and she
    # herself abandons at rate theta. P(served by t) by numeric integration.
    step = seconds / 400
    within = at_once
    for n in range(servers, min(states, servers + 60)):
        ahead = n - servers
        # Probability vector over "chats still ahead of her" (ahead .. 0) and "served".
        dist = [0.0] * (ahead + 1)
        dist[ahead] = 1.0
        served = 0.0
        for _ in range(400):
            new = dist[:]
            for k in range(ahead + 1):
                if dist[k] == 0.0:
                    continue
                leave = servers * service_rate + k * patience_rate
                moved = dist[k] * leave * step
                new[k] -= moved + dist[k] * patience_rate * step
                if k == 0:
                    served += dist[k] * servers * service_rate * step
                    # Those ahead who abandon do not exist at k = 0.
                else:
                    new[k - 1] += moved
            dist = new
        within += p[n] * served
    return abandoned, at_once, within


# --- Reporting --------------------------------------------------------------------------


def _p(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


@dataclass
class Row:
    answered_60: list[float] = field(default_factory=list)
    started_60: list[float] = field(default_factory=list)
    answered_300: list[float] = field(default_factory=list)
    mean_wait: list[float] = field(default_factory=list)
    p90_wait: list[float] = field(default_factory=list)
    abandoned: list[float] = field(default_factory=list)
    never: list[float] = field(default_factory=list)
    occupancy: list[float] = field(default_factory=list)
    fairness: list[float] = field(default_factory=list)
    peak_60: list[float] = field(default_factory=list)
    estimates: list[tuple[int, float]] = field(default_factory=list)
    unknown: list[float] = field(default_factory=list)

    def add(self, out: Outcome) -> None:
        came = max(1, out.came)
        self.answered_60.append(out.within(60))
        self.started_60.append(out.started_within(60))
        self.answered_300.append(out.within(300))
        self.mean_wait.append(statistics.fmean(out.waits) if out.waits else 0.0)
        self.p90_wait.append(_p(out.waits, 0.9))
        self.abandoned.append(out.abandoned / came)
        self.never.append((came - len(out.waits)) / came)
        self.peak_60.append(out.peak_within(60))
        self.occupancy.append(out.busy_seconds / out.slot_seconds if out.slot_seconds else 0.0)
        # Fairness between jourkvinnor: the spread of their occupancy (p90 - p10).
        self.fairness.append(_p(out.agent_occupancy, 0.9) - _p(out.agent_occupancy, 0.1))
        self.estimates.extend(out.estimates)
        self.unknown.append(out.unknown_shown / came)


def mean_ci(values: Sequence[float]) -> tuple[float, float]:
    """Mean and half-width of a 95 % confidence interval (t for small n)."""
    if len(values) < 2:
        return (values[0] if values else 0.0), 0.0
    t = {2: 12.71, 3: 4.30, 4: 3.18, 5: 2.78, 6: 2.57, 7: 2.45, 8: 2.36, 9: 2.31, 10: 2.26}
    return statistics.fmean(values), t.get(len(values), 2.0) * statistics.stdev(values) / math.sqrt(
        len(values)
    )


def calibration(pairs: Sequence[tuple[int, float]]) -> tuple[float, list[tuple[float, float, int]]]:
    """Mean absolute error, and (mean shown, mean realized, n) per decile of the shown wait."""
    if not pairs:
        return 0.0, []
    mae = statistics.fmean(abs(shown - real) for shown, real in pairs)
    ordered = sorted(pairs)
    deciles = []
    for d in range(10):
        part = ordered[d * len(ordered) // 10 : (d + 1) * len(ordered) // 10]
        if part:
            deciles.append(
                (statistics.fmean(s for s, _ in part), statistics.fmean(r for _, r in part), len(part))
            )
    return mae, deciles


def peak_hour_figures(jourer: Sequence[JourPlan], per_day: float, days: int) -> tuple[int, float, int]:
    """The peak hour of the profile, its arrival rate per second, and the mean number of
    chat places on shift in that hour over the days."""
    hour = max(range(24), key=lambda h: HOURLY_PROFILE[h])
    rate = per_day * HOURLY_PROFILE[hour] / sum(HOURLY_PROFILE) / HOUR
    places = 0
    for day in range(days):
        t = day * DAY + (hour + 0.5) * HOUR
        places += sum(s.women * CAPACITY for j in jourer for s in j.shifts if s.start <= t < s.end)
    return hour, rate, round(places / days)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--loads", default="150,250,400", help="chats a day, comma separated")
    parser.add_argument("--accept", type=float, default=0.8, help="she says yes when asked at once")
    parser.add_argument("--accept-again", type=float, default=0.5, help="she says yes when asked again")
    parser.add_argument("--again", type=float, default=120.0, help="seconds until she is asked again")
    parser.add_argument("--only", default="", help="run only the policies whose name starts with this")
    parser.add_argument("--evenings", default="2,4", help="chat evenings a week of a small jour: low,high")
    parser.add_argument("--thin", action="store_true", help="1 jourkvinna per shift (2 at the large jourer)")
    args = parser.parse_args(argv)
    loads = [float(x) for x in args.loads.split(",")]
    warmup = DAY  # one day before the measured week
    started = time.perf_counter()
    chosen = [p for p in policies(again=args.again) if p.name.startswith(args.only)]
    print(
        f"{args.days} days measured after 1 day of warm-up, {args.seeds} seeds; small jourer chat "
        f"{args.evenings.replace(',', '-')} evenings a week{', thin staffing' if args.thin else ''}; "
        "her yes when asked "
        f"{args.accept:.0%} at once, {args.accept_again:.0%} again after {args.again:.0f} s; "
        f"handling lognormal mean {MEAN_HANDLING / 60:.0f} min; {ANY_AT_ONCE:.0%} choose any jour at once"
    )
    for abandonment in (True, False):
        print(f"\n=== {'with abandonment (patience mean 5 min)' if abandonment else 'without abandonment'}")
        for per_day in loads:
            rows = {p.name: Row() for p in chosen}
            came: list[int] = []
            no_one: list[int] = []
            network = []
            for seed in range(args.seeds):
                rng = random.Random(seed)
                low, high = (int(x) for x in args.evenings.split(","))
                network = demo_network(rng, args.days + 1, evenings=(low, high), thin=args.thin)
                stream = arrivals(
                    random.Random(10_000 + seed), per_day=per_day, days=args.days + 1, jourer=network
                )
                hour = max(range(24), key=lambda h: HOURLY_PROFILE[h])
                for policy in chosen:
                    out = simulate(
                        jourer=network,
                        stream=stream,
                        policy=policy,
                        accept=args.accept,
                        accept_again=args.accept_again,
                        abandonment=abandonment,
                        warmup=warmup,
                        peak_hour=hour,
                    )
                    rows[policy.name].add(out)
                came.append(out.came)
                no_one.append(out.came_no_one_open)
            _print_load(per_day, rows, came, no_one, network, args.days, abandonment)
    print(f"\n(simulated in {time.perf_counter() - started:.0f} s)")


def _print_load(
    per_day: float,
    rows: dict[str, Row],
    came: list[int],
    no_one: list[int],
    network: Sequence[JourPlan],
    days: int,
    abandonment: bool,
) -> None:
    print(
        f"\n-- {per_day:.0f} chats a day: {statistics.fmean(came):.0f} a week came while some jour was open, "
        f"{statistics.fmean(no_one):.0f} while none was ({len(network)} jourer)"
    )
    print(
        f"{'policy':<20} {'≤60 s':>14} {'gap':>6} {'started ≤60':>11} {'gap':>6} {'≤5 min':>7} "
        f"{'mean s':>6} {'p90 s':>6} {'abandon':>7} {'never':>6} {'peak ≤60':>8} {'occup.':>6} {'spread':>6}"
    )
    pool = statistics.fmean(rows["pool"].answered_60) if "pool" in rows else None
    pool_started = statistics.fmean(rows["pool"].started_60) if "pool" in rows else None
    for name, row in rows.items():
        a60, ci = mean_ci(row.answered_60)
        s60 = statistics.fmean(row.started_60)
        gap = "" if not pool else f"{(pool - a60) / pool:6.1%}"
        gap_started = "" if not pool_started else f"{(pool_started - s60) / pool_started:6.1%}"
        print(
            f"{name:<20} {a60:7.1%} ±{ci:5.1%} {gap} {s60:11.1%} {gap_started} "
            f"{statistics.fmean(row.answered_300):7.1%} "
            f"{statistics.fmean(row.mean_wait):6.0f} {statistics.fmean(row.p90_wait):6.0f} "
            f"{statistics.fmean(row.abandoned):7.1%} {statistics.fmean(row.never):6.1%} "
            f"{statistics.fmean(row.peak_60):8.1%} {statistics.fmean(row.occupancy):6.1%} "
            f"{statistics.fmean(row.fairness):6.1%}"
        )
    hour, rate, places = peak_hour_figures(network, per_day, days)
    mu = 1 / MEAN_HANDLING
    c60 = erlang_c_within(servers=places, arrival_rate=rate, service_rate=mu, seconds=60)
    waits_at_all = erlang_c(servers=places, arrival_rate=rate, service_rate=mu)
    mean_wait = erlang_c_mean_wait(servers=places, arrival_rate=rate, service_rate=mu)
    line = (
        f"analytic, pooled peak hour {hour}-{hour + 1} ({rate * HOUR:.1f} chats/h, {places} places on "
        f"shift): Erlang C answered ≤60 s {c60:.1%}, waits at all {waits_at_all:.1%}, "
        f"mean wait {mean_wait:.0f} s"
    )
    if abandonment:
        abandoned, _, within = erlang_a(
            servers=places, arrival_rate=rate, service_rate=mu, patience_rate=1 / MEAN_PATIENCE, seconds=60
        )
        line += f"; Erlang A abandoned {abandoned:.1%}, answered ≤60 s {within:.1%}"
    print(line)
    for name, row in rows.items():
        if not name.startswith("ask"):
            continue
        mae, deciles = calibration(row.estimates)
        print(
            f"her page's expected wait ({name}): {len(row.estimates)} shown, mean absolute error "
            f"{mae:.0f} s, 'we don't know yet' for {statistics.fmean(row.unknown):.1%}; by decile "
            "(shown → realized, s): " + ", ".join(f"{s:.0f}→{r:.0f}" for s, r, _ in deciles)
        )


if __name__ == "__main__":
    main()
