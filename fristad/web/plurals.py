"""Counted strings for the pages' own scripts, with every plural form of the language.

Her chat page fills in numbers in the browser (minutes of waiting, a return code's time),
so it needs all the forms a language has (Arabic six, Polish and Ukrainian four, Bosnian
three) and which one a number takes. Rather than ship gettext's plural formula (a script
the CSP would have to evaluate), the server sends each counted string as its forms and a
table of the form index for n = 0..199; larger numbers take the index of 100 + n % 100,
which is the same form in every language the site speaks (their rules look at n % 100,
n % 10 and at 0, 1 and 2 only). ``chat.js`` reads it (``fmtCount``).
"""

from __future__ import annotations

from typing import TypedDict

from django.utils.translation import ngettext

TABLE_SIZE = 200


class Counted(TypedDict):
    f: list[str]  # the forms, as the catalogue has them
    t: str  # for n = 0..199 the index into ``f``, one digit each


def counted(singular: str, plural: str) -> Counted:
    """The active language's forms of a counted msgid, and which n takes which."""
    forms: list[str] = []
    table = []
    for n in range(TABLE_SIZE):
        text = ngettext(singular, plural, n)
        if text not in forms:
            forms.append(text)
        table.append(str(forms.index(text)))
    assert len(forms) <= 10, "one digit per index"
    return {"f": forms, "t": "".join(table)}


def form_for(value: Counted, n: int) -> str:
    """The form for n, as the page's script picks it (for tests and the server alike)."""
    index = n if n < TABLE_SIZE else 100 + n % 100
    return value["f"][int(value["t"][index])]
