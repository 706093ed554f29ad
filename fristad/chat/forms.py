from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ChatSettingsForm(forms.Form):
    overflow_after_minutes = forms.IntegerField(
        label=_("Ask a woman who waits for our jour whether another jour may answer her, after (minutes)"),
        min_value=1,
        max_value=60,
    )
    answers_overflow = forms.BooleanField(
        label=_("Our jourkvinnor also answer the network's queue"), required=False
    )


class CannedResponseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=80)
    body = forms.CharField(label=_("Text"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class CapacityForm(forms.Form):
    membership = forms.IntegerField(widget=forms.HiddenInput)
    capacity = forms.IntegerField(label=_("Chats at once"), min_value=1, max_value=6)
