"""Benchmark: the national yearly report over 1,000,000 anonymous contact records.

Goal (issue 6): at most 3 s on PostgreSQL. Measures the national yearly report view (the
year and the year before, every member jour and the national figures, suppressed, rendered
to HTML) as the national office gets it, and its parts: the grouped SQL query over the
contact records of one year, and the suppression of one year's published system.

Data: the fictional demo network, 1,000,000 contact records spread over two full years
(skewed: a few large jourer, many small ones, so that suppression has work to do), with
support-appointment counts, turned-away counts, housing placements and held shifts. The
records are generated inside the database with one INSERT ... SELECT (generate_series on
PostgreSQL, a recursive CTE on SQLite): seconds, not minutes.

    .venv/bin/python bench/stats_report.py [--records 1000000] [--runs 5] [--only postgresql|sqlite]

PostgreSQL: creates the database fristad_bench_stats on BENCH_PG_URL (default
postgresql://postgres@127.0.0.1:5432/test: only the server is used), and drops it after.
SQLite: a temporary file.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from each_database import run_on_each_database

ROOT = Path(__file__).resolve().parent.parent
PG_DATABASE = "fristad_bench_stats"
YEAR = 2025  # the report's year; 2024 is the year before


# --- In the child process: one database ---------------------------------------------------


BOOLEAN_SHARES = {
    # column: share of contacts with it ticked (roughly what jourer report)
    "violence_physical": 35,
    "violence_psychological": 60,
    "violence_sexual": 15,
    "violence_economic": 12,
    "violence_digital": 8,
    "violence_threats": 25,
    "violence_honour": 3,
    "violence_neglect": 2,
    "violence_material": 4,
    "violence_children_exposed": 18,
    "violence_other": 2,
    "topics_police_report": 14,
    "topics_custody": 10,
    "topics_sexual_abuse": 8,
    "topics_protected_housing": 9,
    "topics_economy": 7,
    "topics_children": 15,
    "topics_housing": 8,
    "topics_migration": 3,
    "topics_health": 6,
    "topics_legal_process": 7,
    "topics_separation": 12,
    "topics_other": 4,
    "support_listening": 80,
    "support_information": 45,
    "support_support_person": 6,
    "support_protected_housing": 4,
    "support_practical": 10,
    "support_other": 3,
    "referred_to_police": 6,
    "referred_to_social_services": 9,
    "referred_to_health_care": 4,
    "referred_to_lawyer": 3,
    "referred_to_kvinnofridslinjen": 2,
    "referred_to_other_jour": 1,
    "referred_to_other": 2,
    "referred_to_none": 60,
}


def _pick(options: list[str], random: str) -> str:
    """A SQL CASE choosing one of ``options`` from a random number 0-99 (skewed to the first)."""
    weights = [40, 25, 15, 8, 5, 3, 2, 2][: len(options)]
    weights[-1] += 100 - sum(weights)
    parts, edge = [], 0
    for option, weight in zip(options, weights, strict=True):
        edge += weight
        parts.append(f"WHEN {random} < {edge} THEN '{option}'")
    return "CASE " + " ".join(parts) + f" ELSE '{options[0]}' END"


def _load(records: int) -> dict[str, Any]:
    from django.db import connection, transaction

    from fristad.accounts.models import Membership, Role, Shift, User
    from fristad.directory.demo import demo_network_build
    from fristad.directory.models import Jour
    from fristad.stats.models import AgeBand, Channel, Who

    started = time.perf_counter()
    result = demo_network_build()
    assert result.ok, result.errors
    jour_ids = list(Jour.objects.order_by("pk").values_list("pk", flat=True))
    n = len(jour_ids)
    postgres = connection.vendor == "postgresql"
    if postgres:
        rnd = "floor(random() * 100)::int"
        skew = f"(floor(power(random(), 2) * {n}))::int"
        uuid = "gen_random_uuid()"
        day = f"(DATE '{YEAR - 1}-01-01' + floor(random() * 731)::int)"
        source = f"generate_series(1, {records}) AS g"
    else:
        rnd = "(abs(random()) % 100)"
        fraction = "((abs(random()) % 1000000) / 1000000.0)"
        skew = f"(CAST({fraction} * {fraction} * {n} AS INTEGER))"
        uuid = "lower(hex(randomblob(16)))"
        day = f"date('{YEAR - 1}-01-01', '+' || (abs(random()) % 731) || ' days')"
        counter = f"SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {records}"  # noqa: S608
        source = f"(WITH RECURSIVE g(n) AS ({counter}) SELECT n FROM g) AS g"  # noqa: S608
    jours_array = (
        "(ARRAY[" + ",".join(map(str, jour_ids)) + f"])[{skew} + 1]"
        if postgres
        else "CASE " + " ".join(f"WHEN j = {i} THEN {pk}" for i, pk in enumerate(jour_ids)) + " END"
    )
    booleans = list(BOOLEAN_SHARES)
    columns = ["id", "jour_id", "date", "channel", "who", "age", *booleans]
    values = [
        uuid,
        jours_array,
        day,
        _pick(["phone", "chat", "email", "sms", "visit"], rnd),
        _pick(["woman", "relative", "professional", "girl", "other"], rnd),
        _pick(["unknown", "36_45", "26_35", "46_55", "18_25", "56_65", "under_18", "66_plus"], rnd),
        *[f"({rnd} < {BOOLEAN_SHARES[c]})" for c in booleans],
    ]
    assert set(Channel.values) >= {"phone", "chat", "email", "sms", "visit"}
    assert set(Who.values) >= {"woman", "girl"} and "66_plus" in AgeBand.values
    if postgres:
        select = f"SELECT {', '.join(values)} FROM {source}"  # noqa: S608 - constants only
    else:
        select = f"SELECT {', '.join(values)} FROM (SELECT {skew} AS j FROM {source})"  # noqa: S608
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO stats_contactrecord ({', '.join(columns)}) {select}")
    loaded_records = time.perf_counter() - started

    # The other sources, smaller (bulk_create in batches).
    import datetime as dt
    import random as rand

    from fristad.directory.hours import STOCKHOLM
    from fristad.housing.models import Placement, Stay, TurnedAway
    from fristad.support.models import SupportAppointmentCount

    rng = rand.Random(6)
    kinds = ["police", "lawyer", "social_services", "court", "health_care", "other"]
    SupportAppointmentCount.objects.bulk_create(
        [
            SupportAppointmentCount(
                jour_id=rng.choice(jour_ids),
                date=dt.date(YEAR - 1, 1, 1) + dt.timedelta(rng.randrange(731)),
                kind=rng.choice(kinds),
            )
            for _ in range(20_000)
        ],
        batch_size=5_000,
    )
    TurnedAway.objects.bulk_create(
        [
            TurnedAway(
                jour_id=rng.choice(jour_ids),
                month=dt.date(rng.choice([YEAR - 1, YEAR]), rng.randint(1, 12), 1),
                reason=rng.choice(["lack_of_space", "lack_of_space", "other"]),
                source="enquiry",
                women=1,
                children=rng.choice([0, 0, 1, 2, 3]),
            )
            for _ in range(3_000)
        ],
        batch_size=5_000,
    )
    stays = []
    for _ in range(5_000):
        start = dt.date(YEAR - 1, 1, 1) + dt.timedelta(rng.randrange(700))
        stays.append(
            Stay(jour_id=rng.choice(jour_ids), start=start, end=start + dt.timedelta(rng.randint(1, 120)))
        )
    Stay.objects.bulk_create(stays, batch_size=5_000)
    placements = []
    for stay in Stay.objects.all():
        for kind in ["woman"] + ["child"] * rng.choice([0, 1, 2, 3]):
            nights = (stay.end - stay.start).days  # type: ignore[operator]
            placements.append(
                Placement(
                    stay=stay, jour_id=stay.jour_id, kind=kind, start=stay.start, end=stay.end, nights=nights
                )
            )
    Placement.objects.bulk_create(placements, batch_size=5_000)
    people = [User.objects.create_user(f"jourkvinna{i}@bench.invalid", None) for i in range(20)]
    shifts = []
    for _ in range(30_000):
        start = dt.datetime(YEAR - 1, 1, 1, tzinfo=STOCKHOLM) + dt.timedelta(hours=rng.randrange(731 * 24))
        shifts.append(
            Shift(
                jour_id=rng.choice(jour_ids),
                start=start,
                end=start + dt.timedelta(hours=rng.choice([4, 6, 8])),
                person=rng.choice(people),
            )
        )
    Shift.objects.bulk_create(shifts, batch_size=5_000)
    national = User.objects.create_user("kansliet@bench.invalid", None)
    Membership.objects.create(user=national, role=Role.NATIONAL_OFFICE)
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "jourer": n,
        "records": records,
        "load_records_s": loaded_records,
        "load_all_s": time.perf_counter() - started,
        "national_user": national,
    }


def _child(records: int, runs: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import RequestFactory
    from django.utils import timezone

    from fristad.stats import report, report_views, sources
    from fristad.stats.periods import stockholm_today

    call_command("migrate", verbosity=0)
    loaded = _load(records)
    from fristad.stats.models import ContactRecord

    assert ContactRecord.objects.count() == records
    request = RequestFactory().get("/personal/forbund/statistik/arsrapport/", {"ar": str(YEAR)})
    request.user = loaded["national_user"]

    def view() -> None:
        response = report_views.national_report(request)
        assert response.status_code == 200 and b"<table" in response.content

    def sql() -> None:
        sources.contact_counts(year=YEAR)

    now, today = timezone.now(), stockholm_today()
    figures_input = report._counts(YEAR, today, None)

    def suppression() -> None:
        jours = sorted(
            {j for by in figures_input.values() for j, _p in by}, key=lambda j: (j is None, j or 0)
        )
        values = report._values(figures_input, jour_months=False)
        report.suppress(values, report._equations(jours), links=report._links(jours))

    def one_year() -> None:
        report.year_figures(year=YEAR, now=now, today=today)

    def housing() -> None:
        sources.housing_counts(year=YEAR, today=today)

    def hours() -> None:
        sources.shift_hours(year=YEAR, now=now)

    def small_sources() -> None:
        sources.turned_away_counts(year=YEAR)
        sources.support_appointment_counts(year=YEAR)

    results = {}
    for name, work in (
        ("report view (2 years)", view),
        ("year figures", one_year),
        ("contacts SQL (1 year)", sql),
        ("suppression (1 year)", suppression),
        ("housing SQL (1 year)", housing),
        ("shift hours SQL (1 year)", hours),
        ("turned away + support", small_sources),
    ):
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            work()
            timings.append(time.perf_counter() - started)
        results[name] = timings
    figures = report.year_figures(year=YEAR, now=now, today=today)
    hidden = sum(1 for c in figures.cells.values() if not c.shown)
    from collections import defaultdict

    from fristad.stats.suppression import _determined

    equations = report._equations(figures.jours)
    of_key: dict[Any, list[int]] = defaultdict(list)
    for index, equation in enumerate(equations):
        for key in {*equation.parts, equation.total}:
            of_key[key].append(index)
    pinned = _determined(equations, of_key, {k for k, c in figures.cells.items() if not c.shown})
    print(f"database: {connection.vendor}; jourer {loaded['jourer']}; contact records {records:,}")
    print(f"load: contact records {loaded['load_records_s']:.1f} s; everything {loaded['load_all_s']:.1f} s")
    print(
        f"published cells in {YEAR}: {len(figures.cells):,}, withheld {hidden:,}, "
        f"of which still determined by the equations: {len(pinned)}"
    )
    for name, timings in results.items():
        print(
            f"  {name:24} median {statistics.median(timings) * 1000:8.0f} ms"
            f"   min {min(timings) * 1000:8.0f} ms   max {max(timings) * 1000:8.0f} ms   ({runs} runs)"
        )


# --- The parent: one child per database ---------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", choices=["postgresql", "sqlite"])
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database (to explain)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT))  # this checkout's fristad, whatever is installed
        _child(args.records, args.runs)
        return
    command = [sys.executable, __file__, "--child", "--records", str(args.records), "--runs", str(args.runs)]
    run_on_each_database(command, database=PG_DATABASE, only=args.only, keep=args.keep)


if __name__ == "__main__":
    main()
