"""Staff forms: parsing and validation only."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from fristad.accounts.models import JOUR_ROLES, Role, ShiftKind
from fristad.directory.hours import STOCKHOLM
from fristad.directory.jourfile import phone_spec
from fristad.directory.models import JourKind, Language, PhoneKind, Service
from fristad.geo.models import Municipality


class InviteAcceptForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=120)
    password1 = forms.CharField(
        label=_("Password (at least 12 characters)"), widget=forms.PasswordInput, max_length=200
    )
    password2 = forms.CharField(
        label=_("The same password again"), widget=forms.PasswordInput, max_length=200
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            from fristad.accounts.models import User

            try:
                validate_password(first, User(email=self.email, full_name=data.get("full_name", "")))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class JourInviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=[(r.value, r.label) for r in JOUR_ROLES])


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=[(r.value, r.label) for r in JOUR_ROLES])


class NationalInviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    jour = forms.IntegerField(label=_("Jour"), required=False, widget=forms.Select)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.order_by("name"), required=False
    )

    def __init__(self, *args: Any, jour_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jour"].widget.choices = [("", "—"), *jour_choices]
        self.jour_ids = {pk for pk, _name in jour_choices}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role = data.get("role")
        if role in JOUR_ROLES and data.get("jour") not in self.jour_ids:
            self.add_error("jour", _("Choose the jour."))
        if role == Role.CASEWORKER and not data.get("municipality"):
            self.add_error("municipality", _("Choose the municipality."))
        return data


class PledgeForm(forms.Form):
    agree = forms.BooleanField(
        label=_("I have read the promise of confidentiality and I promise to keep it."),
        error_messages={"required": _("Tick the box to sign.")},
    )


class JourProfileForm(forms.Form):
    chats = forms.BooleanField(label=_("The jour offers chat"), required=False)
    services = forms.MultipleChoiceField(
        label=_("What the jour offers"),
        choices=Service.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    accessibility_notes = forms.CharField(
        label=_("Accessibility"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=1000
    )
    email = forms.EmailField(label=_("Public e-mail"), required=False, max_length=254)
    website = forms.URLField(label=_("Website"), required=False, max_length=200, assume_scheme="https")


class PhoneForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PhoneKind.choices)
    number = forms.CharField(label=_("Number"), max_length=20, required=False)
    hours = forms.CharField(
        label=_("Weekly hours"),
        required=False,
        max_length=500,
        help_text=_("Like: mon-fri 09:00-21:00, sat 18:00-02:00. Days not named are closed."),
    )
    exceptions = forms.CharField(
        label=_("Dated exceptions"),
        required=False,
        max_length=1000,
        help_text=_("Like: 2026-12-24 closed (Julafton), 2026-12-31 10:00-14:00"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        if not data.get("number"):
            # An empty extra row is fine; hours without a number are not.
            if data.get("hours") or data.get("exceptions"):
                raise forms.ValidationError(_("Write the phone number, or clear the hours."))
            return data
        try:
            data["spec"] = phone_spec(
                data["kind"], data["number"], data.get("hours", ""), data.get("exceptions", "")
            )
        except ValueError as problem:
            raise forms.ValidationError(str(problem)) from None
        return data


if TYPE_CHECKING:
    _FormSet = forms.BaseFormSet[forms.Form]
else:  # Django's formset is not subscriptable at run time
    _FormSet = forms.BaseFormSet


class _PhoneRows(_FormSet):
    """The phones of the profile page; each row's deletion box says what it does."""

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this phone")


PhoneFormSet = forms.formset_factory(
    PhoneForm, formset=_PhoneRows, extra=1, max_num=6, validate_max=True, can_delete=True
)


class ShiftForm(forms.Form):
    """A shift on a day, from a time to a time; an end not after the start runs into the next day."""

    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("To"), widget=forms.TimeInput(attrs={"type": "time"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=ShiftKind.choices)
    person = forms.TypedChoiceField(label=_("Who"), coerce=int, required=False, empty_value=None)
    phone = forms.TypedChoiceField(label=_("Phone"), coerce=int, required=False, empty_value=None)

    def __init__(
        self, *args: Any, people: list[tuple[int, str]], phones: list[tuple[int, str]], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", _("Open: anyone may take it")), *people]  # type: ignore[attr-defined]
        self.fields["phone"].choices = [("", "—"), *phones]  # type: ignore[attr-defined]

    def span(self) -> tuple[datetime, datetime]:
        data = self.cleaned_data
        start = datetime.combine(data["day"], data["starts"], tzinfo=STOCKHOLM)
        end_day = data["day"] + timedelta(days=1) if data["ends"] <= data["starts"] else data["day"]
        return start, datetime.combine(end_day, data["ends"], tzinfo=STOCKHOLM)


class JourAddForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    slug = forms.SlugField(label=_("Short name in the address"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind"), choices=JourKind.choices)
    home_municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.order_by("name")
    )
