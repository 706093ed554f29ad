from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "NEUTRAL_SITE_TITLE": settings.NEUTRAL_SITE_TITLE,
        "QUICK_EXIT_URL": settings.QUICK_EXIT_URL,
    }
