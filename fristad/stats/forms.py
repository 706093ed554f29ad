"""The contact form: parsing and first validation only (the service has the last word)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fristad.stats.models import MULTI_CHOICE, AgeBand, Channel, ContactRecord, Who
from fristad.stats.periods import oldest_allowed

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CHOOSE_ONE = _("Choose one of the options.")


def _one_of(label: StrOrPromise, choices: Any, required: StrOrPromise) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": required, "invalid_choice": CHOOSE_ONE},
    )


def _any_of(label: StrOrPromise, choices: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": _("Choose from the options only."),
            "invalid_list": _("Choose from the options only."),
        },
    )


class ContactRecordForm(forms.Form):
    date = forms.DateField(
        label=_("Date of the contact"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": _("Give the date of the contact."),
            "invalid": _("Write the date as YYYY-MM-DD, for example 2026-03-31."),
        },
    )
    channel = _one_of(
        _("How did the contact come in?"), Channel.choices, _("Choose how the contact came in.")
    )
    who = _one_of(_("Who made contact?"), Who.choices, _("Choose who made contact."))
    age = _one_of(
        _("Age of the woman or girl the contact is about"),
        AgeBand.choices,
        _("Choose an age band (or “Unknown”)."),
    )
    violence = _any_of(_("Kinds of violence talked about"), MULTI_CHOICE["violence"].choices)
    topics = _any_of(_("What the contact was about"), MULTI_CHOICE["topics"].choices)
    support = _any_of(_("Support given"), MULTI_CHOICE["support"].choices)
    referred_to = _any_of(_("Referred to"), MULTI_CHOICE["referred_to"].choices)

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].widget.attrs.update(
            {"max": today.isoformat(), "min": oldest_allowed(today).isoformat()}
        )

    @staticmethod
    def initial_for(record: ContactRecord) -> dict[str, Any]:
        """A record's answers as the form's initial data, for a correction."""
        initial: dict[str, Any] = {
            "date": record.date,
            "channel": record.channel,
            "who": record.who,
            "age": record.age,
        }
        for group, choices in MULTI_CHOICE.items():
            initial[group] = [value for value in choices.values if getattr(record, f"{group}_{value}")]
        return initial

    def answers(self) -> dict[str, Any]:
        """The cleaned answers as keyword arguments for ``contact_record_create`` / ``_update``."""
        data = self.cleaned_data
        return {name: data[name] for name in ("date", "channel", "who", "age", *MULTI_CHOICE)}
