"""The race: several jourer accept the same request at once and exactly one placement is
made; the others are told and nothing else changes.

On SQLite writing transactions run one at a time (BEGIN IMMEDIATE), so the race there is
the stale page: every jour loaded the request while it was open, then they accept one after
another. On PostgreSQL (marked ``services``) real threads accept at the same moment.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from fristad.directory.models import Jour
from fristad.housing import services
from fristad.housing.models import ItemState, Placement, PlacementRequest, RequestItem, RequestStatus, Stay
from tests.conftest import Staff
from tests.housing_helpers import make_unit, send_request
from tests.test_settings_and_services import need


def three_units(staff: Staff) -> list:  # type: ignore[type-arg]
    norrsken = Jour.objects.get(slug="norrsken")
    return [
        make_unit(staff.jour_a, staff.admin_a),
        make_unit(staff.jour_b, staff.admin_b),
        make_unit(norrsken, staff.admin_a),
    ]


def assert_one_placement(request: PlacementRequest) -> None:
    request.refresh_from_db()
    assert request.status == RequestStatus.PLACED
    states = sorted(request.items.values_list("state", flat=True))
    assert states == [ItemState.ACCEPTED, ItemState.WITHDRAWN, ItemState.WITHDRAWN]
    assert Stay.objects.filter(request=request).count() == 1
    assert Placement.objects.filter(stay__request=request).count() == 3  # the woman and two children


@pytest.mark.django_db
def test_stale_pages_accept_one_after_another(staff: Staff) -> None:
    request = send_request(staff.caseworker, three_units(staff))
    # Each jour opened the request while it was open.
    items = list(request.items.order_by("pk"))
    winners, refusals = [], []
    for item, actor in zip(items, (staff.admin_a, staff.admin_b, staff.admin_a), strict=True):
        try:
            winners.append(services.request_item_accept(actor=actor, item=item))
        except ValidationError as problem:
            refusals.append(problem.messages)
    assert len(winners) == 1 and len(refusals) == 2
    assert_one_placement(request)


@pytest.mark.django_db
def test_the_database_refuses_a_second_accepted_unit(staff: Staff) -> None:
    request = send_request(staff.caseworker, three_units(staff))
    first, second = list(request.items.order_by("pk"))[:2]
    RequestItem.objects.filter(pk=first.pk).update(state=ItemState.ACCEPTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        RequestItem.objects.filter(pk=second.pk).update(state=ItemState.ACCEPTED)


def run_at_once(calls: list[Callable[[], object]]) -> tuple[list[object], list[BaseException]]:
    """Start every call at the same moment, each in its own thread and connection."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            outcome = call()
            with lock:
                results.append(outcome)
        except BaseException as problem:
            with lock:
                errors.append(problem)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_threads_accepting_at_once_leave_exactly_one_placement(staff: Staff) -> None:
    need("DATABASE_URL")
    actors = (staff.admin_a, staff.admin_b, staff.admin_a)
    for _round in range(10):
        request = send_request(staff.caseworker, three_units(staff))
        items = list(request.items.order_by("pk"))
        calls: list[Callable[[], object]] = [
            (lambda item=item, actor=actor: services.request_item_accept(actor=actor, item=item))  # type: ignore[misc]
            for item, actor in zip(items, actors, strict=True)
        ]
        results, errors = run_at_once(calls)
        assert len(results) == 1, errors
        assert len(errors) == 2 and all(isinstance(e, ValidationError) for e in errors), errors
        assert_one_placement(request)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_accept_racing_decline_and_cancel(staff: Staff) -> None:
    need("DATABASE_URL")
    for _round in range(10):
        request = send_request(staff.caseworker, three_units(staff))
        first, second, _third = list(request.items.order_by("pk"))
        accept = functools.partial(services.request_item_accept, actor=staff.admin_a, item=first)
        decline = functools.partial(
            services.request_item_decline, actor=staff.admin_b, item=second, reason="full"
        )
        cancel = functools.partial(services.placement_request_cancel, actor=staff.caseworker, request=request)
        _results, errors = run_at_once([accept, decline, cancel])
        assert all(isinstance(e, ValidationError) for e in errors), errors
        request.refresh_from_db()
        placed = Stay.objects.filter(request=request).count()
        if request.status == RequestStatus.PLACED:
            assert placed == 1
        else:
            assert request.status == RequestStatus.CANCELLED and placed == 0
        assert not request.items.filter(state=ItemState.PENDING).exists()
