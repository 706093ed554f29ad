"""The anonymous contact record: what the table may hold, the services that write it,
the scoped reads, and the pages a jour records and corrects its contacts on."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import translation

from fristad.accounts.models import AuditEvent, User
from fristad.directory.models import Jour
from fristad.directory.services import jour_delete
from fristad.stats import selectors, services
from fristad.stats.models import MULTI_CHOICE, Channel, ContactRecord
from fristad.stats.periods import month_bounds, month_step, oldest_allowed, parse_month, stockholm_today
from tests.conftest import Staff

TODAY = stockholm_today()


def record(jour: Jour, **overrides: Any) -> ContactRecord:
    answers: dict[str, Any] = {"date": TODAY, "channel": "phone", "who": "woman", "age": "26_35"}
    answers.update(overrides)
    return services.contact_record_create(jour=jour, **answers)


def problems(call: Any, **kwargs: Any) -> dict[str, list[str]]:
    """The field errors a service call raises, in English."""
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        call(**kwargs)
    return raised.value.message_dict


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, jour: Jour, record_id: uuid.UUID | str | None = None) -> str:
    """The English page (so that assertions on text survive the Swedish catalogue)."""
    kwargs: dict[str, Any] = {"jour_id": jour.pk}
    if record_id is not None:
        kwargs["record_id"] = record_id
    with translation.override("en"):
        return reverse(f"stats:{name}", kwargs=kwargs)


# --- What the table may hold -----------------------------------------------------------------


def test_the_table_holds_no_time_no_free_text_and_no_link_to_a_person_or_a_chat() -> None:
    fields = ContactRecord._meta.get_fields()
    for field in fields:
        assert not isinstance(field, models.DateTimeField | models.TimeField | models.DurationField), field
        assert not isinstance(field, models.TextField | models.JSONField | models.BinaryField), field
        if isinstance(field, models.CharField):
            assert field.choices, f"{field.name} would be free text"
        if field.is_relation:
            assert field.related_model is Jour, f"{field.name} links to {field.related_model}"
            assert "chat" not in field.related_model._meta.app_label
    names = {f.name for f in fields}
    assert not names & {"created_at", "updated_at", "created_by", "recorded_by", "user", "chat", "time"}
    assert {f.name for f in fields if isinstance(f, models.DateField)} == {"date"}


def test_the_key_is_a_random_uuid_so_row_order_says_nothing_about_time(sample_jourer: list[Jour]) -> None:
    pk = ContactRecord._meta.pk
    assert isinstance(pk, models.UUIDField)
    assert pk.default is uuid.uuid4
    jour = sample_jourer[0]
    made = [record(jour).pk for _ in range(20)]
    assert all(isinstance(k, uuid.UUID) and k.version == 4 for k in made)
    assert sorted(made) != made  # 1 in 20! by chance
    assert not ContactRecord._meta.ordering


def test_every_option_of_a_multi_choice_question_is_a_boolean_column() -> None:
    columns = {f.name for f in ContactRecord._meta.get_fields() if isinstance(f, models.BooleanField)}
    expected = {f"{group}_{value}" for group, choices in MULTI_CHOICE.items() for value in choices.values}
    assert columns == expected


def test_the_jour_and_date_are_indexed() -> None:
    assert any(list(index.fields) == ["jour", "date"] for index in ContactRecord._meta.indexes)


def test_a_removed_jours_records_stay_in_the_national_totals(sample_jourer: list[Jour]) -> None:
    jour = sample_jourer[0]
    kept = record(jour)
    jour_delete(jour=jour)
    kept.refresh_from_db()
    assert kept.jour_id is None


# --- Services --------------------------------------------------------------------------------


def test_create_stores_the_answers_as_columns(sample_jourer: list[Jour]) -> None:
    jour = sample_jourer[0]
    created = record(
        jour,
        channel="chat",
        who="girl",
        age="under_18",
        violence=["physical", "children_exposed"],
        topics=["custody", "police_report"],
        support=["listening"],
        referred_to=["kvinnofridslinjen"],
    )
    stored = ContactRecord.objects.get(pk=created.pk)
    assert (stored.jour_id, stored.date, stored.channel, stored.who, stored.age) == (
        jour.pk,
        TODAY,
        "chat",
        "girl",
        "under_18",
    )
    assert stored.violence_physical and stored.violence_children_exposed and not stored.violence_sexual
    assert stored.topics_custody and stored.topics_police_report and not stored.topics_other
    assert stored.support_listening and not stored.support_other
    assert stored.referred_to_kvinnofridslinjen and not stored.referred_to_none


def test_recording_writes_no_audit_event(sample_jourer: list[Jour]) -> None:
    jour = sample_jourer[0]
    before = AuditEvent.objects.count()
    created = record(jour)
    services.contact_record_update(record=created, date=TODAY, channel="sms", who="other", age="unknown")
    services.contact_record_delete(record=created)
    assert AuditEvent.objects.count() == before


def test_the_date_is_today_or_up_to_a_year_back(sample_jourer: list[Jour]) -> None:
    jour = sample_jourer[0]
    base = {"jour": jour, "channel": "phone", "who": "woman", "age": "unknown"}
    tomorrow = TODAY + dt.timedelta(days=1)
    assert problems(services.contact_record_create, date=tomorrow, **base) == {
        "date": ["The date cannot be in the future."]
    }
    too_old = oldest_allowed(TODAY) - dt.timedelta(days=1)
    message = problems(services.contact_record_create, date=too_old, **base)["date"][0]
    assert "older than a year" in message and oldest_allowed(TODAY).isoformat() in message
    assert "date" in problems(
        services.contact_record_create, date=dt.datetime.now(tz=dt.UTC), **base
    )  # a time is never stored
    assert record(jour, date=oldest_allowed(TODAY)).date == oldest_allowed(TODAY)
    assert record(jour, date=TODAY).date == TODAY


def test_unknown_choices_are_refused_with_a_clear_message(sample_jourer: list[Jour]) -> None:
    jour = sample_jourer[0]
    found = problems(
        services.contact_record_create,
        jour=jour,
        date=TODAY,
        channel="fax",
        who="man",
        age="40",
        violence=["physical", "telepathic"],
        topics="custody",
        support=[3],
        referred_to=["police", "none"],
    )
    assert found == {
        "channel": ["Choose how the contact came in."],
        "who": ["Choose who made contact."],
        "age": ["Choose an age band (or “Unknown”)."],
        "violence": ["Unknown choice: telepathic."],
        "topics": ["Choose from the list."],
        "support": ["Choose from the list."],
        "referred_to": ["“Not referred” cannot be combined with a referral."],
    }
    assert not ContactRecord.objects.exists()


def test_a_girl_is_under_18(sample_jourer: list[Jour]) -> None:
    jour = sample_jourer[0]
    base = {"jour": jour, "date": TODAY, "channel": "chat", "who": "girl"}
    assert "age" in problems(services.contact_record_create, age="26_35", **base)
    assert record(**base, age="unknown").age == "unknown"


def test_update_replaces_every_answer_and_a_refused_update_changes_nothing(
    sample_jourer: list[Jour],
) -> None:
    jour = sample_jourer[0]
    created = record(jour, violence=["physical", "threats"], topics=["health"])
    yesterday = TODAY - dt.timedelta(days=1)
    services.contact_record_update(
        record=created, date=yesterday, channel="visit", who="relative", age="46_55", violence=["digital"]
    )
    stored = ContactRecord.objects.get(pk=created.pk)
    assert (stored.date, stored.channel, stored.who, stored.age) == (yesterday, "visit", "relative", "46_55")
    assert stored.violence_digital and not stored.violence_physical and not stored.violence_threats
    assert not stored.topics_health
    assert stored.jour_id == jour.pk
    problems(
        services.contact_record_update,
        record=stored,
        date=TODAY,
        channel="carrier-pigeon",
        who="woman",
        age="unknown",
    )
    stored.refresh_from_db()
    assert stored.channel == "visit"


def test_delete_removes_the_record(sample_jourer: list[Jour]) -> None:
    created = record(sample_jourer[0])
    services.contact_record_delete(record=created)
    assert not ContactRecord.objects.filter(pk=created.pk).exists()


# --- Scoped reads ----------------------------------------------------------------------------


def test_counts_by_channel_are_for_her_jour_and_the_month_only(
    staff: Staff, django_assert_num_queries: Any
) -> None:
    first, _after = month_bounds(TODAY.year, TODAY.month)
    last_month = month_step(first, -1)
    for channel, n in (("chat", 3), ("phone", 2), ("visit", 1)):
        for _ in range(n):
            record(staff.jour_a, channel=channel, date=first)
    record(staff.jour_a, channel="chat", date=last_month)  # another month
    record(staff.jour_b, channel="chat", date=first)  # another jour
    with django_assert_num_queries(2):  # her membership, then one aggregate
        counts = selectors.contact_counts_by_channel(
            user=staff.kvinna_a, jour_id=staff.jour_a.pk, year=first.year, month=first.month
        )
    assert [(c.channel, c.count) for c in counts] == [
        (Channel.CHAT, 3),
        (Channel.PHONE, 2),
        (Channel.SMS, 0),
        (Channel.EMAIL, 0),
        (Channel.VISIT, 1),
    ]
    earlier = selectors.contact_counts_by_channel(
        user=staff.admin_a, jour_id=staff.jour_a.pk, year=last_month.year, month=last_month.month
    )
    assert sum(c.count for c in earlier) == 1


def test_the_month_list_is_her_jours_records_of_that_month(staff: Staff) -> None:
    first, _after = month_bounds(TODAY.year, TODAY.month)
    own = record(staff.jour_a, date=first)
    record(staff.jour_a, date=month_step(first, -1))
    record(staff.jour_b, date=first)
    found = selectors.contact_records_of_month(
        user=staff.kvinna_a, jour_id=staff.jour_a.pk, year=first.year, month=first.month
    )
    assert [r.pk for r in found] == [own.pk]


def test_reads_outside_her_jour_are_not_found(staff: Staff) -> None:
    foreign = record(staff.jour_b)
    with pytest.raises(Http404):
        selectors.contact_record_get(user=staff.kvinna_a, jour_id=staff.jour_a.pk, record_id=foreign.pk)
    for user in (staff.national, staff.caseworker, staff.admin_a, staff.kvinna_a):
        with pytest.raises(Http404):
            selectors.contact_record_get(user=user, jour_id=staff.jour_b.pk, record_id=foreign.pk)
        with pytest.raises(Http404):
            selectors.contact_counts_by_channel(user=user, jour_id=staff.jour_b.pk, year=2026, month=1)
    assert selectors.contact_record_get(user=staff.admin_b, jour_id=staff.jour_b.pk, record_id=foreign.pk)


def test_month_parsing_never_fails() -> None:
    default = dt.date(2026, 3, 17)
    assert parse_month("2025-11", default=default) == dt.date(2025, 11, 1)
    for garbage in ("", "2025", "2025-13", "x-y", "1-1", "99999-01", "2025-00", "٢٠٢٥-٠١" * 50):
        assert parse_month(garbage, default=default) == dt.date(2026, 3, 1), garbage
    assert month_step(dt.date(2026, 1, 1), -1) == dt.date(2025, 12, 1)
    assert month_step(dt.date(2026, 12, 1), 1) == dt.date(2027, 1, 1)


# --- The pages -------------------------------------------------------------------------------

VALID_POST = {
    "date": TODAY.isoformat(),
    "channel": "chat",
    "who": "woman",
    "age": "36_45",
    "violence": ["psychological", "digital"],
    "topics": ["separation"],
    "support": ["listening", "information"],
    "referred_to": ["social_services"],
    "action": "save",
}


def _checked(body: str, name: str, value: str) -> bool:
    tag = re.search(rf'<input[^>]*name="{name}" value="{value}"[^>]*>', body)
    assert tag is not None, (name, value)
    return " checked" in tag.group(0)


def test_the_form_preselects_the_channel_and_today(staff: Staff) -> None:
    client = signed_in(staff.kvinna_a)
    body = client.get(url("contact_record_new", staff.jour_a) + "?kanal=chat").content.decode()
    assert _checked(body, "channel", "chat") and not _checked(body, "channel", "phone")
    assert f'value="{TODAY.isoformat()}"' in body
    assert f'max="{TODAY.isoformat()}"' in body
    plain = client.get(url("contact_record_new", staff.jour_a) + "?kanal=<script>").content.decode()
    assert not any(_checked(plain, "channel", c) for c in Channel.values)
    assert "<script" not in plain


def test_recording_a_contact_through_the_page(staff: Staff) -> None:
    client = signed_in(staff.kvinna_a)
    response = client.post(url("contact_record_new", staff.jour_a), VALID_POST)
    assert response.status_code == 302
    assert response["Location"].startswith(url("contact_records", staff.jour_a))
    stored = ContactRecord.objects.get()
    assert (stored.jour_id, stored.channel, stored.age) == (staff.jour_a.pk, "chat", "36_45")
    assert stored.violence_psychological and stored.violence_digital and stored.referred_to_social_services
    page = client.get(response["Location"]).content.decode()
    assert "The contact was recorded." in page
    assert "Chat: 1" in page


def test_save_and_record_another_returns_to_the_form_with_the_same_channel(staff: Staff) -> None:
    client = signed_in(staff.admin_a)
    response = client.post(url("contact_record_new", staff.jour_a), {**VALID_POST, "action": "another"})
    assert response.status_code == 302
    assert response["Location"] == url("contact_record_new", staff.jour_a) + "?kanal=chat"
    assert ContactRecord.objects.count() == 1


def test_the_form_tells_her_what_is_wrong_and_saves_nothing(staff: Staff) -> None:
    client = signed_in(staff.kvinna_a)
    future = (TODAY + dt.timedelta(days=3)).isoformat()
    response = client.post(url("contact_record_new", staff.jour_a), {**VALID_POST, "date": future})
    assert response.status_code == 200
    assert "The date cannot be in the future." in response.content.decode()
    response = client.post(url("contact_record_new", staff.jour_a), {})
    body = response.content.decode()
    assert response.status_code == 200
    for message in (
        "Give the date of the contact.",
        "Choose how the contact came in.",
        "Choose who made contact.",
    ):
        assert message in body
    assert not ContactRecord.objects.exists()


@pytest.mark.parametrize(
    "garbage",
    [
        {"date": "yesterday", "channel": "fax", "who": "x" * 10000, "age": "∞"},
        {**VALID_POST, "violence": ["physical", "no-such-kind"]},
        {**VALID_POST, "referred_to": ["none", "police"]},
        {**VALID_POST, "who": "girl", "age": "66_plus"},
        {**VALID_POST, "date": "2026-02-30"},
        {**VALID_POST, "date": "99999-01-01"},
        {**VALID_POST, "date": "1900-01-01"},
        {**VALID_POST, "channel": "", "age": ""},
        {"csrfmiddlewaretoken": "x", "unexpected": "\x00\ufffd"},
    ],
)
def test_garbage_posts_are_form_errors_never_a_500(staff: Staff, garbage: dict[str, Any]) -> None:
    client = signed_in(staff.kvinna_a)
    response = client.post(url("contact_record_new", staff.jour_a), garbage)
    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()
    assert not ContactRecord.objects.exists()


def test_correcting_and_removing_a_record_through_the_pages(staff: Staff) -> None:
    created = record(staff.jour_a, channel="phone", violence=["threats"])
    client = signed_in(staff.kvinna_a)
    body = client.get(url("contact_record_edit", staff.jour_a, created.pk)).content.decode()
    assert _checked(body, "violence", "threats") and not _checked(body, "violence", "physical")
    assert _checked(body, "channel", "phone")
    response = client.post(
        url("contact_record_edit", staff.jour_a, created.pk), {**VALID_POST, "channel": "sms"}
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.channel == "sms" and not created.violence_threats and created.violence_digital
    bad = client.post(url("contact_record_edit", staff.jour_a, created.pk), {**VALID_POST, "channel": "fax"})
    assert bad.status_code == 200 and "Choose one of the options." in bad.content.decode()
    assert client.get(url("contact_record_delete", staff.jour_a, created.pk)).status_code == 405
    response = client.post(url("contact_record_delete", staff.jour_a, created.pk))
    assert response.status_code == 302
    assert not ContactRecord.objects.exists()
    assert "The record was removed." in client.get(response["Location"]).content.decode()


def test_a_bad_or_unknown_record_id_is_not_found(staff: Staff) -> None:
    client = signed_in(staff.kvinna_a)
    list_url = url("contact_records", staff.jour_a)
    for suffix in ("not-a-uuid/", "12345/", f"{uuid.uuid4()}/", f"{uuid.uuid4()}/ta-bort/"):
        assert client.get(list_url + suffix).status_code in (404, 405), suffix
        assert client.post(list_url + suffix, VALID_POST).status_code == 404, suffix
    assert not ContactRecord.objects.exists()


def test_the_list_switches_months_and_survives_a_bad_month(staff: Staff) -> None:
    first, _after = month_bounds(TODAY.year, TODAY.month)
    previous = month_step(first, -1)
    record(staff.jour_a, date=previous, channel="email")
    client = signed_in(staff.kvinna_a)
    body = client.get(url("contact_records", staff.jour_a), {"manad": previous.strftime("%Y-%m")}).content
    assert "E-mail: 1" in body.decode()
    assert (
        "No contacts recorded this month."
        in client.get(url("contact_records", staff.jour_a)).content.decode()
    )
    for bad in ("garbage", "2026-99", "0-0", "x" * 5000):
        assert client.get(url("contact_records", staff.jour_a), {"manad": bad}).status_code == 200
    assert client.post(url("contact_records", staff.jour_a)).status_code == 405


def test_the_pages_have_no_inline_script_or_style(staff: Staff) -> None:
    created = record(staff.jour_a)
    client = signed_in(staff.kvinna_a)
    for page in (
        url("contact_records", staff.jour_a),
        url("contact_record_new", staff.jour_a),
        url("contact_record_edit", staff.jour_a, created.pk),
    ):
        body = client.get(page).content.decode()
        assert "<script" not in body and "style=" not in body and "<style" not in body, page
        assert "<legend>" in body or page.endswith("/kontakter/"), page


def test_the_dashboard_links_each_jour_membership_to_its_contacts(staff: Staff) -> None:
    body = signed_in(staff.kvinna_a).get("/en/personal/").content.decode()
    assert url("contact_records", staff.jour_a) in body
    assert url("contact_records", staff.jour_b) not in body
