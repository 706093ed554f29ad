"""Access log without addresses, and the privacy floor of every public response."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from fristad.web.privacy import is_public_path

access_log = logging.getLogger("fristad.access")
privacy_log = logging.getLogger("fristad.privacy")

# Health checks (fristad/ops/health.py) come every few seconds: their lines are DEBUG.
QUIET_PATHS = frozenset({"/healthz", "/readyz"})


class AccessLogMiddleware:
    """One line per request: method, path without query string, status, duration.

    Never the client's address, user agent, referrer or query string: a search
    for a postal code says where she is. Health checks log at DEBUG only, or they would
    fill the log.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        level = logging.DEBUG if request.path_info in QUIET_PATHS else logging.INFO
        access_log.log(
            level, "%s %s %s %.1fms", request.method, request.path[:200], response.status_code, elapsed_ms
        )
        return response


# Staff pages send their referrer to their own site only. Under "no-referrer" (the public
# pages' policy) browsers send "Origin: null" with a form's POST (the Fetch standard), and
# Django's CSRF check refuses it: no staff form could be sent, the sign-in included.
STAFF_REFERRER_POLICY = "same-origin"


class PublicPrivacyMiddleware:
    """Public responses carry no cookie, whatever a view or middleware tried."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not is_public_path(request.path):
            response.headers.setdefault("Referrer-Policy", STAFF_REFERRER_POLICY)
        elif response.cookies:
            privacy_log.error(
                "dropped cookies %s on public path %s", sorted(response.cookies), request.path[:200]
            )
            response.cookies.clear()
        return response
