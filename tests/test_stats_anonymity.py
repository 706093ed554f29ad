"""No statistic can be joined back to a chat, a person or a time finer than the date.

The rows the statistics read hold nothing that points at a chat, a user or a moment; the
queries that produce the figures touch only the counted tables; what leaves (exports,
reports) holds counts by jour and month or year, never a record, an id or a person."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from fristad.housing.models import TurnedAway
from fristad.stats.models import MULTI_CHOICE, ContactRecord
from fristad.stats.report import year_figures
from fristad.support.models import SupportAppointmentCount
from tests.conftest import Staff
from tests.test_stats_exports import get, parse_csv

STATS = Path(__file__).resolve().parent.parent / "fristad" / "stats"


def test_a_contact_record_holds_a_jour_a_date_and_answers_only() -> None:
    fields = {f.name: f for f in ContactRecord._meta.get_fields()}
    booleans = {f"{group}_{value}" for group, choices in MULTI_CHOICE.items() for value in choices.values}
    assert set(fields) == {"id", "jour", "date", "channel", "who", "age", *booleans}
    assert isinstance(fields["id"], models.UUIDField)  # random: its order says nothing about time
    assert type(fields["date"]) is models.DateField
    relations = [f for f in fields.values() if f.is_relation]
    assert [(f.name, f.related_model._meta.label) for f in relations] == [("jour", "directory.Jour")]  # type: ignore[union-attr]


def test_no_counted_table_has_a_time_of_day_or_a_link_to_a_person_or_a_chat() -> None:
    for model in (ContactRecord, SupportAppointmentCount):
        for field in model._meta.get_fields():
            assert not isinstance(field, models.DateTimeField | models.TimeField), (model, field.name)
            if field.is_relation:
                assert field.related_model._meta.label == "directory.Jour", (model, field.name)  # type: ignore[union-attr]
    # Turned-away counts are per month; the statistics read jour, month, reason and the counts.
    month = TurnedAway._meta.get_field("month")
    assert type(month) is models.DateField


def test_the_figures_read_only_counted_tables_and_return_only_counts(staff: Staff) -> None:
    ContactRecord.objects.create(
        jour=staff.jour_a, date=dt.date(2026, 1, 5), channel="chat", who="woman", age="unknown"
    )
    with CaptureQueriesContext(connection) as queries:
        figures = year_figures(
            year=2026, now=dt.datetime(2026, 11, 25, tzinfo=dt.UTC), today=dt.date(2026, 11, 25)
        )
    sql = " ".join(q["sql"] for q in queries.captured_queries).lower()
    tables = set(re.findall(r'from "?([a-z_]+)"?', sql)) | set(re.findall(r'join "?([a-z_]+)"?', sql))
    assert tables <= {
        "stats_contactrecord",
        "housing_placement",
        "housing_turnedaway",
        "support_supportappointmentcount",
        "accounts_shift",
        "directory_jour",
    }, tables
    for forbidden in (
        "chat_",
        "accounts_user",
        "support_supportcase",
        'support_appointment"',
        "placementrequest",
    ):
        assert forbidden not in sql, forbidden
    # What comes out is counts keyed by figure, category, jour and month or year.
    for key, cell in figures.cells.items():
        assert isinstance(key, tuple) and len(key) == 4 and isinstance(cell.value, int)
        assert key[3] in range(13)


def test_nothing_that_leaves_names_a_record_a_person_or_a_time(staff: Staff) -> None:
    year = dt.date.today().year
    record = ContactRecord.objects.create(
        jour=staff.jour_a, date=dt.date(year, 1, 5), channel="chat", who="woman", age="unknown"
    )
    people = [staff.admin_a, staff.kvinna_a, staff.national]
    for user, url in (
        (staff.national, f"/personal/forbund/statistik/statistik.csv?ar={year}"),
        (staff.admin_a, f"/personal/jour/{staff.jour_a.pk}/statistik/statistik.csv?ar={year}"),
        (staff.national, f"/personal/forbund/statistik/arsrapport/?ar={year}"),
        (staff.admin_a, f"/personal/jour/{staff.jour_a.pk}/statistik/arsrapport/?ar={year}"),
    ):
        body, _ = get(user, url)
        text = body.decode()
        assert str(record.pk) not in text and record.pk.hex not in text
        main = text.split('<main id="main"', 1)[-1]  # the page's header names the signed-in user's menu
        for person in people:
            assert person.email not in main and person.full_name not in main, (url, person)
        assert not re.search(r"\b\d{1,2}:\d{2}\b", main), url
        assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", main), url  # no date finer than a month
        if url.endswith(".csv"):
            assert {len(r) for r in parse_csv(body)} == {6}
