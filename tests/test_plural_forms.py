"""Her chat page gets every plural form of its language and which number takes which
(fristad/web/plurals.py): the table it picks from gives, for every number, the form
gettext itself would give (Arabic's six forms, Polish's, Ukrainian's and Bosnian's)."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import ngettext

from fristad.chat.models import AgentPresence, PresenceStatus
from fristad.web.plurals import counted, form_for
from tests.conftest import Staff

SINGULAR = "You cannot start a new chat right now. Try again in %(minutes)s minute."
PLURAL = "You cannot start a new chat right now. Try again in %(minutes)s minutes."
LANGUAGES = [code for code, _ in settings.LANGUAGES]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_table_gives_gettexts_form_for_every_number(language: str) -> None:
    with translation.override(language):
        value = counted(SINGULAR, PLURAL)
        for n in [*range(0, 1000), 1001, 1002, 1011, 1111, 12345, 100_000]:
            assert form_for(value, n) == ngettext(SINGULAR, PLURAL, n), (language, n)


def test_arabic_numbers_take_their_own_forms() -> None:
    with translation.override("ar"):
        value = counted(SINGULAR, PLURAL)
    t = value["t"]
    # One, few (3-10) and many (11-99) read differently; 3 and 10, 11 and 99 alike.
    assert len({t[1], t[3], t[11]}) == 3
    assert t[3] == t[10] and t[11] == t[99]


@pytest.mark.django_db
def test_her_page_sends_the_forms_and_the_table(client: Client, staff: Staff) -> None:
    now = timezone.now()
    AgentPresence.objects.create(
        user=staff.kvinna_a, jour=staff.jour_a, status=PresenceStatus.AVAILABLE, idle_since=now, seen_at=now
    )
    body = client.get("/pl/chatt/").content.decode()
    found = re.search(r'<script id="chat-strings" type="application/json">(.*?)</script>', body, re.S)
    assert found is not None
    strings = json.loads(found.group(1))
    with translation.override("pl"):
        for key, (singular, plural) in {
            "wait_minutes": (
                "Expected wait: about %(minutes)s minute.",
                "Expected wait: about %(minutes)s minutes.",
            ),
            "refused_blocked": (SINGULAR, PLURAL),
        }.items():
            assert strings[key] == counted(singular, plural), key
    # Polish: "po 1 minucie", "po 2 minutach": the page has both.
    blocked = strings["refused_blocked"]
    assert blocked["t"][1] != blocked["t"][2]
