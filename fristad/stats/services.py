"""Writes: record, correct and remove an anonymous contact record.

A chat is recorded through the same form (the console links to it); the chat app never
calls these functions and stats never imports chat.
No audit event is written: its timestamp next to a record's id would tell when a
contact happened, which the record itself deliberately does not keep.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from fristad.directory.models import Jour
from fristad.stats.models import MULTI_CHOICE, AgeBand, Channel, ContactRecord, Referral, Who
from fristad.stats.periods import oldest_allowed, stockholm_today


def _date_problem(date: Any, today: dt.date) -> str | None:
    """What is wrong with the contact's date, if anything."""
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        return _("Give the date of the contact.")
    if date > today:
        return _("The date cannot be in the future.")
    if date < oldest_allowed(today):
        return _(
            "Contacts older than a year cannot be recorded or changed (the oldest date is %(date)s)."
        ) % {"date": date_format(oldest_allowed(today), "Y-m-d")}
    return None


def _clean(
    *,
    date: Any,
    channel: Any,
    who: Any,
    age: Any,
    violence: Collection[str],
    topics: Collection[str],
    support: Collection[str],
    referred_to: Collection[str],
) -> dict[str, Any]:
    """The column values, or a ValidationError naming every problem by field."""
    errors: dict[str, list[str]] = {}
    today = stockholm_today()
    date_problem = _date_problem(date, today)
    if date_problem:
        errors["date"] = [date_problem]
    if channel not in Channel.values:
        errors["channel"] = [_("Choose how the contact came in.")]
    if who not in Who.values:
        errors["who"] = [_("Choose who made contact.")]
    if age not in AgeBand.values:
        errors["age"] = [_("Choose an age band (or “Unknown”).")]
    elif who == Who.GIRL and age not in (AgeBand.UNDER_18, AgeBand.UNKNOWN):
        errors["age"] = [_("A girl is under 18: choose “Under 18” or “Unknown”.")]

    values: dict[str, Any] = {"date": date, "channel": channel, "who": who, "age": age}
    chosen = {"violence": violence, "topics": topics, "support": support, "referred_to": referred_to}
    for group, choices in MULTI_CHOICE.items():
        selected = chosen[group]
        if isinstance(selected, str) or not all(isinstance(v, str) for v in selected):
            errors[group] = [_("Choose from the list.")]
            continue
        unknown = sorted(set(selected) - set(choices.values))
        if unknown:
            errors[group] = [
                _("Unknown choice: %(values)s.") % {"values": ", ".join(v[:40] for v in unknown)}
            ]
            continue
        for value in choices.values:
            values[f"{group}_{value}"] = value in selected
    if "referred_to" not in errors and Referral.NONE in referred_to and len(set(referred_to)) > 1:
        errors["referred_to"] = [_("“Not referred” cannot be combined with a referral.")]
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def contact_record_create(
    *,
    jour: Jour,
    date: dt.date,
    channel: str,
    who: str,
    age: str,
    violence: Collection[str] = (),
    topics: Collection[str] = (),
    support: Collection[str] = (),
    referred_to: Collection[str] = (),
) -> ContactRecord:
    """One contact of ``jour`` on ``date`` (today or up to a year back, Stockholm time)."""
    values = _clean(
        date=date,
        channel=channel,
        who=who,
        age=age,
        violence=violence,
        topics=topics,
        support=support,
        referred_to=referred_to,
    )
    return ContactRecord.objects.create(jour=jour, **values)


@transaction.atomic
def contact_record_update(
    *,
    record: ContactRecord,
    date: dt.date,
    channel: str,
    who: str,
    age: str,
    violence: Collection[str] = (),
    topics: Collection[str] = (),
    support: Collection[str] = (),
    referred_to: Collection[str] = (),
) -> ContactRecord:
    """A correction: every answer is replaced. The record stays with its jour."""
    values = _clean(
        date=date,
        channel=channel,
        who=who,
        age=age,
        violence=violence,
        topics=topics,
        support=support,
        referred_to=referred_to,
    )
    for name, value in values.items():
        setattr(record, name, value)
    record.save(update_fields=list(values))
    return record


@transaction.atomic
def contact_record_delete(*, record: ContactRecord) -> None:
    record.delete()
