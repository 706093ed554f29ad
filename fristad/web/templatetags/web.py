"""The language switch: the same page in another language, query string kept.

Public pages offer every language of settings.LANGUAGES that is complete
(settings.COMPLETE_LANGUAGES; the home and safety pages offer them all); staff pages
offer settings.STAFF_LANGUAGES only. Each name is written in its own language.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

from fristad.web.languages import is_staff_path, native_name, public_languages, staff_languages

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context: dict[str, Any]) -> list[dict[str, Any]]:
    request = context.get("request")
    if request is None:
        return []
    current = get_language()
    # Keep her search when she switches language, unless the query is absurd.
    path = request.get_full_path() if len(request.META.get("QUERY_STRING", "")) <= 300 else request.path
    if is_staff_path(request.path_info):
        offered = staff_languages()
    else:
        offered = [
            code
            for code in public_languages()
            if code in settings.COMPLETE_LANGUAGES or context.get("all_languages_page") or code == current
        ]
    links = []
    for code in offered:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": native_name(code),
                "url": translate_url(path, code),
                "current": code == current,
                "bidi": info["bidi"],
            }
        )
    return links
