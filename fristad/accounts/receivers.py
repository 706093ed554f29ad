"""Audit entries and session ends for events raised by Django and allauth.

Receivers only translate a signal into one service call; the logic is in services.
"""

from __future__ import annotations

import time
from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver
from django.http import HttpRequest

from fristad.accounts.middleware import AUTH_AT, SEEN_AT
from fristad.accounts.models import AuditAction, User
from fristad.accounts.services import audit_record, sessions_end_elsewhere


@receiver(auth_signals.user_logged_in)
def on_logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    audit_record(action=AuditAction.SIGN_IN, actor=user)
    if request is not None and hasattr(request, "session"):
        # The absolute session lifetime counts from here.
        request.session[AUTH_AT] = request.session[SEEN_AT] = time.time()


@receiver(auth_signals.user_logged_out)
def on_logged_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit_record(action=AuditAction.SIGN_OUT, actor=user)


@receiver(auth_signals.user_login_failed)
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    email = str(credentials.get("email") or credentials.get("username") or "").lower()
    user = User.objects.filter(email=email).first()
    audit_record(action=AuditAction.SIGN_IN_FAILED, actor=user, target=email[:120])


@receiver(mfa_signals.authenticator_added)
def on_factor_added(sender: Any, request: HttpRequest, user: User, authenticator: Any, **kwargs: Any) -> None:
    audit_record(action=AuditAction.FACTOR_ADDED, actor=user, detail=str(authenticator.type))
    sessions_end_elsewhere(user=user, request=request)


@receiver(mfa_signals.authenticator_removed)
def on_factor_removed(
    sender: Any, request: HttpRequest, user: User, authenticator: Any, **kwargs: Any
) -> None:
    audit_record(action=AuditAction.FACTOR_REMOVED, actor=user, detail=str(authenticator.type))
    sessions_end_elsewhere(user=user, request=request)


@receiver(mfa_signals.authenticator_reset)
def on_factor_reset(sender: Any, request: HttpRequest, user: User, authenticator: Any, **kwargs: Any) -> None:
    audit_record(action=AuditAction.RECOVERY_CODES_RESET, actor=user, detail=str(authenticator.type))
    sessions_end_elsewhere(user=user, request=request)


@receiver(account_signals.password_changed)
@receiver(account_signals.password_set)
@receiver(account_signals.password_reset)
def on_password_changed(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    audit_record(action=AuditAction.PASSWORD_CHANGED, actor=user)
    sessions_end_elsewhere(user=user, request=request)
