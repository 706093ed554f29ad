"""The languages: every one of settings.LANGUAGES on the public site, STAFF_LANGUAGES on the staff side.

The public site is offered in the languages women in Sweden speak (settings.LANGUAGES);
the staff side only in Swedish and English (settings.STAFF_LANGUAGES), so a staff page is
never half translated: /fa/personal/… redirects to /en/personal/… (the msgid language).

Django's LANG_INFO lacks Somali and Tigrinya; `register_language_info` adds them at
start-up (WebConfig.ready). NATIVE_NAMES are the names the switcher shows, each in its
own language.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.http import HttpRequest, HttpResponseBase, HttpResponseNotFound, HttpResponseRedirect
from django.utils.translation import get_language_from_path

from fristad.web.privacy import STAFF_PREFIXES, strip_language_prefix

# Languages Django itself does not know (django/conf/locale/__init__.py).
EXTRA_LANG_INFO: dict[str, dict[str, str | bool]] = {
    "so": {"bidi": False, "code": "so", "name": "Somali", "name_local": "Soomaali"},
    "ti": {"bidi": False, "code": "ti", "name": "Tigrinya", "name_local": "ትግርኛ"},
}

# The switcher's names: each language in itself, capitalised as a menu item. One
# language for Bosnian, Croatian and Serbian, written in Latin script (see docs/translations.md).
NATIVE_NAMES = {
    "sv": "Svenska",
    "en": "English",
    "ar": "العربية",
    "fa": "فارسی",
    "so": "Soomaali",
    "ti": "ትግርኛ",
    "pl": "Polski",
    "bs": "Bosanski / Hrvatski / Srpski",
    "uk": "Українська",
}

# The language the staff side falls back to for a public-only language prefix.
STAFF_FALLBACK_LANGUAGE = "en"


def register_language_info() -> None:
    for code, info in EXTRA_LANG_INFO.items():
        LANG_INFO.setdefault(code, info)


def public_languages() -> list[str]:
    """Every language of the public site, in the switcher's order."""
    return [code for code, _name in settings.LANGUAGES]


def staff_languages() -> list[str]:
    return list(settings.STAFF_LANGUAGES)


def is_staff_path(path: str) -> bool:
    return strip_language_prefix(path).startswith(STAFF_PREFIXES)


def native_name(code: str) -> str:
    if code in NATIVE_NAMES:
        return NATIVE_NAMES[code]
    from django.utils.translation import get_language_info

    return str(get_language_info(code)["name_local"])


class StaffLanguageMiddleware:
    """/fa/personal/… (a public-only language) goes to /en/personal/…, query kept.

    After LocaleMiddleware. Only GET and HEAD are redirected; anything else is a 404,
    so a form is never sent on to another address.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        path = request.path_info
        lang = get_language_from_path(path)
        if lang and lang not in settings.STAFF_LANGUAGES and is_staff_path(path):
            if request.method not in ("GET", "HEAD"):
                return HttpResponseNotFound()
            rest = strip_language_prefix(path)
            script = request.path[: len(request.path) - len(path)]
            query = request.META.get("QUERY_STRING", "")
            target = f"{script}/{STAFF_FALLBACK_LANGUAGE}{rest}" + (f"?{query}" if query else "")
            return HttpResponseRedirect(target)
        return self.get_response(request)
