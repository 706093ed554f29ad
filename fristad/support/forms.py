"""Support forms: parsing and first validation only (the services have the last word)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fristad.directory.hours import STOCKHOLM
from fristad.support.models import Appointment, AppointmentKind
from fristad.support.rules import (
    RuleError,
    appointment_span,
    clean_alias,
    clean_phone,
    clean_place,
    stockholm_date,
)


class _PeopleField(forms.TypedMultipleChoiceField):
    """The jourkvinnor to choose; web/forms/field.html shows ``empty_text`` when there are none."""

    empty_text = _("No one to choose.")


def _rule(clean: Callable[[str], str], value: str) -> str:
    try:
        return clean(value)
    except RuleError as problem:
        raise forms.ValidationError(str(problem)) from None


class CaseForm(forms.Form):
    alias = forms.CharField(
        label=_("First name or alias she chose"),
        max_length=200,
        help_text=_("Only what she wants to be called. No surname, personnummer or address."),
        error_messages={"required": _("Write the first name or alias she chose.")},
    )
    phone = forms.CharField(
        label=_("Phone number for call-backs (only if she wishes)"),
        max_length=40,
        required=False,
        help_text=_("Stored encrypted. Leave empty if she does not want to be called."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    def clean_alias(self) -> str:
        return _rule(clean_alias, self.cleaned_data["alias"])

    def clean_phone(self) -> str:
        return _rule(clean_phone, self.cleaned_data.get("phone", ""))


class AppointmentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of appointment"),
        choices=AppointmentKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what kind of appointment it is."),
            "invalid_choice": _("Choose one of the options."),
        },
    )
    day = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": _("Give the date of the appointment."),
            "invalid": _("Write the date as YYYY-MM-DD, for example 2026-03-31."),
        },
    )
    starts = forms.TimeField(
        label=_("From"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        input_formats=["%H:%M", "%H.%M"],
        error_messages={
            "required": _("Give the time it starts."),
            "invalid": _("Write the time as HH:MM, for example 09:30."),
        },
    )
    ends = forms.TimeField(
        label=_("To (if not given: one hour)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        input_formats=["%H:%M", "%H.%M"],
        error_messages={"invalid": _("Write the time as HH:MM, for example 11:00.")},
    )
    place = forms.CharField(
        label=_("Place (short)"),
        max_length=200,
        required=False,
        help_text=_("Like: Polishuset, Kungsholmsgatan. Shown here only, never in calendar feeds."),
    )
    people = _PeopleField(
        label=_("Who goes with her"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one jourkvinna to go with her."),
            "invalid_choice": _("Choose from the people at the jour only."),
            "invalid_list": _("Choose from the people at the jour only."),
        },
    )

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = people  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(appointment: Appointment) -> dict[str, Any]:
        start = appointment.start.astimezone(STOCKHOLM)
        return {
            "kind": appointment.kind,
            "day": stockholm_date(appointment.start),
            "starts": start.time().replace(tzinfo=None),
            "ends": appointment.end.astimezone(STOCKHOLM).time().replace(tzinfo=None),
            "place": appointment.place,
            "people": [person.pk for person in appointment.people.all()],
        }

    def clean_place(self) -> str:
        return _rule(clean_place, self.cleaned_data.get("place", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.has_error("day") or self.has_error("starts") or self.has_error("ends"):
            return data
        try:
            data["span"] = appointment_span(data["day"], data["starts"], data.get("ends"))
        except RuleError as problem:
            self.add_error(problem.field or None, str(problem))
        return data

    def span(self) -> tuple[datetime, datetime]:
        start, end = self.cleaned_data["span"]
        return start, end
