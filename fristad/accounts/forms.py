"""Staff forms: parsing and validation only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from fristad.accounts.models import JOUR_ROLES, Role
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
