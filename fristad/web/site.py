"""The site's own address, for links that leave it (e-mails, calendar feeds)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site_base_url(request: HttpRequest | None = None) -> str:
    """SITE_URL when set (production: links never depend on a request's Host header),
    else the address this request came to (a laptop)."""
    site_url: str = settings.SITE_URL
    if site_url or request is None:
        return site_url
    return request.build_absolute_uri("/")
