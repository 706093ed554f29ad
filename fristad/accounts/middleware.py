"""The staff floor, in one place: session timeouts, the mandatory second factor,
and the tystnadslöfte, before any staff view runs."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from fristad.accounts.selectors import has_second_factor, pledge_signed_current
from fristad.web.privacy import is_public_path

# Pages she may reach before her second factor is set up.
SECOND_FACTOR_SETUP = {
    "mfa_activate_totp",
    "mfa_index",
    "mfa_add_webauthn",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "account_reauthenticate",
    "mfa_reauthenticate",
    "account_logout",
}
# Pages she may reach before she has signed the current tystnadslöfte.
PLEDGE_PAGES = SECOND_FACTOR_SETUP | {"accounts:pledge"}

AUTH_AT = "fristad_auth_at"
SEEN_AT = "fristad_seen_at"


class StaffSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not is_public_path(request.path):
            # The TOTP set-up page shows its QR code as a data: image.
            response._csp_update = {"img-src": ["data:"]}  # type: ignore[attr-defined]
            response["Cache-Control"] = "no-store, max-age=0"
        return response

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponseBase | None:
        if is_public_path(request.path) or not request.user.is_authenticated:
            return None
        now = time.time()
        session = request.session
        auth_at = float(session.setdefault(AUTH_AT, now))
        seen_at = float(session.get(SEEN_AT, now))
        if (
            now - seen_at > settings.STAFF_IDLE_TIMEOUT_SECONDS
            or now - auth_at > settings.STAFF_ABSOLUTE_TIMEOUT_SECONDS
        ):
            logout(request)
            messages.info(request, _("You were signed out because the session timed out. Sign in again."))
            return HttpResponseRedirect(reverse("account_login"))
        session[SEEN_AT] = now
        name = request.resolver_match.view_name if request.resolver_match else ""
        user = request.user
        if not has_second_factor(user):
            if name not in SECOND_FACTOR_SETUP:
                return HttpResponseRedirect(reverse("mfa_activate_totp"))
            return None
        if not pledge_signed_current(user) and name not in PLEDGE_PAGES:
            return HttpResponseRedirect(reverse("accounts:pledge"))
        return None
