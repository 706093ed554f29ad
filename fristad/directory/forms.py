"""Parsing of the public search. GET only: no session, no CSRF cookie."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fristad.directory.models import Language
from fristad.directory.selectors import SearchFilters

MAX_QUERY_LENGTH = 100


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Postal code or municipality"),
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "required": _("Write a postal code (like 115 20) or the name of a municipality."),
            "max_length": _(
                "That is too long to be a postal code or a municipality. Try again with fewer letters."
            ),
        },
    )
    open = forms.BooleanField(label=_("Open now"), required=False)
    chat = forms.BooleanField(label=_("Offers chat"), required=False)
    sb = forms.BooleanField(label=_("Protected housing"), required=False)
    tj = forms.BooleanField(label=_("For girls and young women (tjejjour)"), required=False)
    lang = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Any language")), *Language.choices],
        error_messages={"invalid_choice": _("Choose a language from the list.")},
    )

    @property
    def filters_used(self) -> bool:
        return any(self.data.get(name) for name in ("open", "chat", "sb", "tj", "lang"))

    def filters(self) -> SearchFilters:
        data = self.cleaned_data
        return SearchFilters(
            open_now=bool(data.get("open")),
            chats=bool(data.get("chat")),
            shelter=bool(data.get("sb")),
            tjejjour=bool(data.get("tj")),
            language=data.get("lang") or "",
        )
