"""Error pages: friendly, with the quick exit, and never a stack trace."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


def _error(request: HttpRequest, status: int, heading: str, text: str) -> HttpResponse:
    html = render_to_string(
        "web/error.html", {"status": status, "heading": heading, "text": text}, request=request
    )
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        400,
        _("We could not read that"),
        _("The address or the search was too long or had too many parts. Go back and try again."),
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, _("Not available"), _("This page is not available to you."))


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        404,
        _("We could not find that page"),
        _("The page may have moved. Search for a jour from the start page."),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(
        request,
        500,
        _("Something went wrong on our side"),
        _("Try again in a moment. If you are in danger, call 112."),
    )
