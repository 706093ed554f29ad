"""The staff floor before any staff view runs: session timeouts, the mandatory second
factor, the tystnadslöfte. ``accounts.floor.staff_floor`` decides (the console's socket
asks it too); this middleware keeps the session's marks and sends her where she must go."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from fristad.accounts.floor import AUTH_AT, PLEDGE, SECOND_FACTOR, SEEN_AT, SESSION_OVER, staff_floor
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

__all__ = ["AUTH_AT", "SEEN_AT", "StaffSessionMiddleware"]


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
        session.setdefault(AUTH_AT, now)
        reason = staff_floor(user=request.user, session=session, now=now)
        if reason in SESSION_OVER:
            logout(request)
            messages.info(request, _("You were signed out because the session timed out. Sign in again."))
            return HttpResponseRedirect(reverse("account_login"))
        session[SEEN_AT] = now
        name = request.resolver_match.view_name if request.resolver_match else ""
        if reason == SECOND_FACTOR and name not in SECOND_FACTOR_SETUP:
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        if reason == PLEDGE and name not in PLEDGE_PAGES:
            return HttpResponseRedirect(reverse("accounts:pledge"))
        return None
