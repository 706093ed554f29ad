"""The staffing simulation (bench/national_sim.py) is right where theory knows the answer:
for a stationary load its pooled bound matches Erlang C (and, with abandonment, Erlang A)
within the simulation's own 95 % confidence interval. Fixed seeds: the same figures on
every run."""

from __future__ import annotations

import random

import pytest

from bench import national_sim as sim
from fristad.chat import router

HANDLING = 600.0
PLACES = 10  # 5 jourkvinnor with 2 chats each
LOAD = 8.5  # offered load in chats at once: 85 % of the places
RATE = LOAD / HANDLING
DAYS = 4
ONE_JOUR = [sim.JourPlan(1, "one", 1.0, (sim.Shift(0.0, DAYS * sim.DAY, PLACES // sim.CAPACITY),))]


def _replications(*, abandonment: bool) -> tuple[list[float], list[float]]:
    within, abandoned = [], []
    for seed in range(6):
        stream = sim.arrivals(
            random.Random(seed),
            per_day=RATE * sim.DAY,
            days=DAYS,
            jourer=ONE_JOUR,
            profile=(1.0,) * 24,
            mean_handling=HANDLING,
            handling_sigma=None,  # exponential, as Erlang C assumes
            any_share=0.0,
        )
        out = sim.simulate(
            jourer=ONE_JOUR,
            stream=stream,
            policy=sim.Policy("pool", pool=True),
            accept=1.0,
            accept_again=1.0,
            abandonment=abandonment,
            warmup=0.5 * sim.DAY,
        )
        within.append(out.within(60))
        abandoned.append(out.abandoned / out.came)
    return within, abandoned


def test_the_pooled_bound_matches_erlang_c_for_a_stationary_load() -> None:
    within, _ = _replications(abandonment=False)
    mean, half = sim.mean_ci(within)
    analytic = sim.erlang_c_within(servers=PLACES, arrival_rate=RATE, service_rate=1 / HANDLING, seconds=60)
    assert 0.4 < analytic < 0.7  # a load where waiting matters
    assert abs(mean - analytic) <= half, (mean, half, analytic)


def test_with_abandonment_it_matches_erlang_a() -> None:
    within, abandoned = _replications(abandonment=True)
    share_abandoned, _, analytic_within = sim.erlang_a(
        servers=PLACES,
        arrival_rate=RATE,
        service_rate=1 / HANDLING,
        patience_rate=1 / sim.MEAN_PATIENCE,
        seconds=60,
    )
    mean, half = sim.mean_ci(within)
    assert abs(mean - analytic_within) <= half, (mean, half, analytic_within)
    mean, half = sim.mean_ci(abandoned)
    assert abs(mean - share_abandoned) <= half, (mean, half, share_abandoned)


def test_erlang_a_without_patience_limits_is_erlang_c() -> None:
    c = sim.erlang_c_within(servers=PLACES, arrival_rate=RATE, service_rate=1 / HANDLING, seconds=60)
    _, _, a = sim.erlang_a(
        servers=PLACES, arrival_rate=RATE, service_rate=1 / HANDLING, patience_rate=1e-12, seconds=60
    )
    assert a == pytest.approx(c, abs=1e-3)


def test_the_simulation_drives_the_projects_router() -> None:
    # No copy of the routing rules: the policies are the router's own functions.
    assert vars(sim)["router"] is router
