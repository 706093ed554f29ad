"""Benchmark: the caseworker's vacancy search over 300 jourer x 5 units and 50,000 historical
placements.

Goal (issue 5): p95 at most 30 ms on SQLite and on PostgreSQL. Measures, over many varied
searches (household, children's ages and sex, accessibility, pets, allergy, language,
substance use, mental ill-health, security, distance band, excluded municipalities and
counties, from ten different municipalities):

- the search itself (``housing.selectors.housing_search``: scope check, one query over the
  units, ranking, one query for the units shown with their phones), and
- the whole search page as she gets it (the view, forms, ranking and the rendered HTML).

Data (FICTIONAL): 300 jourer in real municipalities, 1,500 units with random features and
vacancies (about 40 % with a free place, confirmed within the last two days), and the
history the search must not be slowed by: 20,000 requests with 40,000 answers, 20,000
stays and 50,000 placement rows.

    .venv/bin/python bench/housing_search.py [--searches 2000] [--only postgresql|sqlite] [--keep]

PostgreSQL: creates the database fristad_bench_housing on BENCH_PG_URL (default
postgresql://postgres@127.0.0.1:5432/test: only the server is used) and drops it after.
SQLite: a temporary file.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from typing import Any

from each_database import run_on_each_database

PG_DATABASE = "fristad_bench_housing"
JOURER = 300
UNITS_PER_JOUR = 5
PLACEMENTS = 50_000
ORIGINS = ("0180", "1280", "1480", "0380", "2480", "2584", "0580", "1880", "0980", "2380")


def _load() -> Any:
    """Build the fictional network and its history; returns the caseworker."""
    import datetime as dt
    import random

    from django.db import transaction
    from django.utils import timezone

    from fristad.accounts.models import Membership, Role, User
    from fristad.directory.models import Jour, Language, Phone
    from fristad.geo.models import Municipality
    from fristad.housing.models import (
        HousingUnit,
        ItemState,
        Placement,
        PlacementRequest,
        RequestItem,
        RequestStatus,
        Stay,
    )

    rng = random.Random(5)
    now = timezone.now()
    today = now.date()
    codes = list(Municipality.objects.order_by("code").values_list("code", flat=True))
    languages = [code for code in Language.values if code != "sv"]
    with transaction.atomic():
        Jour.objects.bulk_create(
            [
                Jour(
                    name=f"Kvinnojouren Bänk {n} (demo)",
                    slug=f"bench-{n}",
                    home_municipality_id=codes[(n * 7) % len(codes)],
                    is_demo=True,
                )
                for n in range(JOURER)
            ],
            batch_size=1000,
        )
        jours = list(Jour.objects.filter(slug__startswith="bench-").order_by("pk"))
        Phone.objects.bulk_create(
            [Phone(jour=j, kind="office", number=f"08-465004{n % 100:02d}") for n, j in enumerate(jours)]
        )
        units = []
        for n, jour in enumerate(jours):
            for k in range(UNITS_PER_JOUR):
                places_adults = rng.randint(1, 6)
                places_children = rng.randint(0, 10)
                vacant = rng.random() < 0.4
                units.append(
                    HousingUnit(
                        jour=jour,
                        name=f"Enhet {n}-{k}",
                        address=f"Påhittad gatan {n}-{k}",
                        municipality_id=jour.home_municipality_id if k < 3 else rng.choice(codes),
                        is_active=rng.random() < 0.95,
                        permit_status=rng.choice(["granted"] * 8 + ["applied", "revoked"]),
                        permit_number=f"IVO {n}-{k}",
                        security_level=rng.choice(["basic", "high", "very_high"]),
                        staffed_hours=rng.choice(["office", "extended", "round_the_clock"]),
                        places_adults=places_adults,
                        places_children=places_children,
                        wheelchair_accessible=rng.random() < 0.25,
                        limited_mobility=rng.random() < 0.4,
                        pets_allowed=rng.random() < 0.2,
                        allergy_rooms=rng.random() < 0.3,
                        max_children=rng.choice([None, None, 3, 4, 6]),
                        son_age_limit=rng.choice([None, 12, 14, 15, 16]),
                        accepts_substance_use=rng.random() < 0.15,
                        mental_health_support=rng.random() < 0.5,
                        languages=["sv", *rng.sample(languages, rng.randint(0, 3))],
                        self_catering=rng.random() < 0.7,
                        free_adults=rng.randint(1, places_adults) if vacant else 0,
                        free_children=rng.randint(0, places_children) if vacant else 0,
                        vacancies_confirmed_at=now - dt.timedelta(minutes=rng.randint(0, 48 * 60)),
                    )
                )
        HousingUnit.objects.bulk_create(units, batch_size=1000)
        units = list(HousingUnit.objects.defer("address").order_by("pk"))
        caseworker = User.objects.create_user("bench-caseworker@demo.invalid", "x", full_name="Bänk")
        Membership.objects.bulk_create(
            [Membership(user=caseworker, role=Role.CASEWORKER, municipality_id=code) for code in ORIGINS]
        )
        # History: requests with their answers, stays and one row per person.
        requests = []
        for n in range(20_000):
            created = now - dt.timedelta(days=rng.randint(3, 700), minutes=rng.randint(0, 1440))
            requests.append(
                PlacementRequest(
                    municipality_id=rng.choice(codes),
                    case_reference=f"IFO-{n}",
                    adults=1,
                    children=[{"age": rng.randint(0, 17), "sex": rng.choice(["girl", "boy"])}],
                    desired_start=created.date(),
                    status=rng.choice([RequestStatus.PLACED, RequestStatus.CLOSED]),
                    created_at=created,
                    expires_at=created + dt.timedelta(hours=48),
                    closed_at=created + dt.timedelta(hours=5),
                )
            )
        PlacementRequest.objects.bulk_create(requests, batch_size=2000)
        request_ids = list(PlacementRequest.objects.order_by("pk").values_list("pk", flat=True))
        items = []
        for request_id in request_ids:
            for unit in rng.sample(units, 2):
                items.append(
                    RequestItem(
                        request_id=request_id,
                        unit=unit,
                        jour_id=unit.jour_id,
                        state=rng.choice([ItemState.DECLINED, ItemState.WITHDRAWN, ItemState.EXPIRED]),
                    )
                )
        RequestItem.objects.bulk_create(items, batch_size=5000)
        stays = []
        for _n in range(20_000):
            unit = rng.choice(units)
            start = today - dt.timedelta(days=rng.randint(30, 720))
            stays.append(
                Stay(
                    jour_id=unit.jour_id,
                    unit=unit,
                    municipality_id=rng.choice(codes) if rng.random() < 0.85 else None,
                    start=start,
                    end=start + dt.timedelta(days=rng.randint(1, 120)),
                )
            )
        Stay.objects.bulk_create(stays, batch_size=5000)
        people: list[Placement] = []
        saved = list(Stay.objects.order_by("pk").only("pk", "jour_id", "municipality_id", "start", "end"))
        while len(people) < PLACEMENTS:
            stay = (
                saved[len(people) % len(saved)] if len(people) >= len(saved) * 2 else saved[len(people) // 2]
            )
            for kind in ["woman"] + ["child"] * rng.choice([0, 1, 1, 2, 3]):
                people.append(
                    Placement(
                        stay_id=stay.pk,
                        jour_id=stay.jour_id,
                        municipality_id=stay.municipality_id,
                        kind=kind,
                        child_age=rng.randint(0, 17) if kind == "child" else None,
                        child_sex=rng.choice(["girl", "boy"]) if kind == "child" else "",
                        start=stay.start,
                        end=stay.end,
                        nights=(stay.end - stay.start).days if stay.end else None,
                    )
                )
        people = people[:PLACEMENTS]
        Placement.objects.bulk_create(people, batch_size=5000)
    return caseworker


def _searches(count: int) -> list[dict[str, Any]]:
    """Varied searches as the search page's GET parameters (the same for both databases)."""
    import datetime as dt
    import random

    from fristad.directory.models import Language
    from fristad.geo.models import County, Municipality

    rng = random.Random(55)
    counties = list(County.objects.values_list("code", flat=True))
    names = list(Municipality.objects.values_list("name", flat=True))
    languages = [code for code in Language.values if code != "sv"]
    result = []
    for _n in range(count):
        children = rng.choice([0, 1, 1, 2, 2, 3, 4])
        query: dict[str, Any] = {
            "adults": rng.choice([1, 1, 1, 2]),
            "barn-TOTAL_FORMS": 4,
            "barn-INITIAL_FORMS": 0,
            "earliest": (dt.date.today() + dt.timedelta(days=rng.randint(0, 5))).isoformat(),
            "band": rng.choice(["any", "any", "near", "region", "far", "very_far"]),
            "language": rng.choice([""] * 6 + languages),
            "security_level": rng.choice(["", "", "", "high", "very_high"]),
        }
        for n in range(children):
            query[f"barn-{n}-age"] = rng.randint(0, 17)
            query[f"barn-{n}-sex"] = rng.choice(["girl", "boy"])
        for flag, share in (
            ("wheelchair", 0.1),
            ("limited_mobility", 0.15),
            ("pets", 0.1),
            ("allergy", 0.1),
            ("substance_use", 0.1),
            ("mental_health", 0.3),
        ):
            if rng.random() < share:
                query[flag] = "on"
        excluded = rng.sample(names, rng.choice([0, 0, 1, 2, 3]))
        query["exclude_municipalities"] = ", ".join(excluded)
        query["exclude_counties"] = rng.sample(counties, rng.choice([0, 0, 0, 1, 2]))
        result.append({"origin": rng.choice(ORIGINS), "query": query})
    return result


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    return (
        f"p50 {at(0.50):6.1f} ms  p95 {at(0.95):6.1f} ms  p99 {at(0.99):6.1f} ms  "
        f"max {ordered[-1] * 1000:6.1f} ms  mean {statistics.fmean(ordered) * 1000:6.1f} ms  "
        f"(n={len(ordered)})"
    )


def _child(count: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.http import QueryDict
    from django.test import RequestFactory
    from django.utils import timezone
    from django.utils.http import urlencode

    from fristad.housing import selectors, views
    from fristad.housing.forms import NeedsForm, child_formset
    from fristad.housing.models import HousingUnit, Placement

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    caseworker = _load()
    print(
        f"\n== {connection.vendor}: {HousingUnit.objects.count()} units at "
        f"{HousingUnit.objects.values('jour').distinct().count()} jourer, "
        f"{HousingUnit.objects.filter(free_adults__gt=0, is_active=True).count()} with a free place, "
        f"{Placement.objects.count()} placements; loaded in {time.perf_counter() - started:.1f} s"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    searches = _searches(count)
    parsed = []
    today = timezone.now().date()
    for search in searches:
        data = QueryDict(urlencode(search["query"], doseq=True))
        form, children = NeedsForm(data, today=today), child_formset(data)
        assert form.is_valid() and children.is_valid(), (form.errors, children.errors)
        parsed.append((search["origin"], form, children.children()))
    # Warm up (first queries, template loading), then measure.
    factory = RequestFactory()
    for origin, form, children in parsed[:20]:
        selectors.housing_search(
            user=caseworker,
            code=origin,
            needs=form.needs(children),
            exclude_municipalities=form.cleaned_data["exclude_municipalities"],
            exclude_counties=form.cleaned_data["exclude_counties"],
            now=timezone.now(),
        )
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for origin, form, children in parsed[: 0 if os.environ["BENCH_PROFILE"] == "view" else 300]:
            selectors.housing_search(
                user=caseworker,
                code=origin,
                needs=form.needs(children),
                exclude_municipalities=form.cleaned_data["exclude_municipalities"],
                exclude_counties=form.cleaned_data["exclude_counties"],
                now=timezone.now(),
            )
        for search in searches[:100]:
            request = factory.get(f"/personal/boende/kommun/{search['origin']}/sok/", search["query"])
            request.user = caseworker
            views.search(request, code=search["origin"])
        profiler.disable()
        pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT", "tottime")).print_stats(40)
    selector_times, full, near = [], [], []
    for origin, form, children in parsed:
        t0 = time.perf_counter()
        result = selectors.housing_search(
            user=caseworker,
            code=origin,
            needs=form.needs(children),
            exclude_municipalities=form.cleaned_data["exclude_municipalities"],
            exclude_counties=form.cleaned_data["exclude_counties"],
            now=timezone.now(),
        )
        selector_times.append(time.perf_counter() - t0)
        full.append(len(result.full))
        near.append(len(result.near))
    view_times = []
    for search in searches[: max(200, count // 4)]:
        request = factory.get(f"/personal/boende/kommun/{search['origin']}/sok/", search["query"])
        request.user = caseworker
        t0 = time.perf_counter()
        response = views.search(request, code=search["origin"])
        view_times.append(time.perf_counter() - t0)
        assert response.status_code == 200
    print(f"search (selector: scope, units, ranking, shown) {_percentiles(selector_times)}")
    print(f"search page (view: forms, search, rendered HTML) {_percentiles(view_times)}")
    print(
        f"results per search: full matches median {statistics.median(full):.0f} (max {max(full)}), "
        f"near matches median {statistics.median(near):.0f} (max {max(near)})"
    )
    if connection.vendor == "postgresql":
        from django.db.models import Q

        plan = (
            HousingUnit.objects.filter(is_active=True, jour__is_active=True, free_adults__gt=0)
            .exclude(municipality__county_id__in=["12"])
            .filter(~Q(municipality_id__in=["0180"]))
            .order_by()
            .values_list("pk", "free_adults", "municipality__latitude")
            .explain()
        )
        print("plan of the units query:\n  " + plan.replace("\n", "\n  "))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--searches", type=int, default=2000)
    parser.add_argument("--only", choices=["postgresql", "sqlite"])
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database (to explain)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.searches)
        return
    command = [sys.executable, __file__, "--child", "--searches", str(args.searches)]
    run_on_each_database(
        command, database=PG_DATABASE, only=args.only, keep=args.keep, env={"LOG_LEVEL": "WARNING"}
    )


if __name__ == "__main__":
    main()
