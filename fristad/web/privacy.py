"""Which paths are public, and what a public response may carry.

Public pages are those a help-seeker sees. They never set a cookie and never
load anything from another host. Staff pages live under STAFF_PREFIXES.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseBase
from django.utils.translation import get_language_from_path

STAFF_PREFIXES = ("/personal/", "/admin/")


def strip_language_prefix(path: str) -> str:
    lang = get_language_from_path(path)
    if lang and path.startswith(f"/{lang}/"):
        return path[len(lang) + 1 :]
    return path


def is_public_path(path: str) -> bool:
    return not strip_language_prefix(path).startswith(STAFF_PREFIXES)


def allow_geolocation(response: HttpResponseBase) -> HttpResponseBase:
    """Let this one response's page ask for the browser's location (on her click)."""
    policy = dict(settings.PERMISSIONS_POLICY)
    policy["geolocation"] = ["self"]
    parts = []
    for feature, origins in policy.items():
        parts.append(f"{feature}=({' '.join(origins)})")
    response._permissions_policy_override = ", ".join(parts)  # type: ignore[attr-defined]
    return response


def no_store(response: HttpResponseBase) -> HttpResponseBase:
    """Search results must not stay in the browser's cache."""
    response["Cache-Control"] = "no-store, max-age=0"
    return response
