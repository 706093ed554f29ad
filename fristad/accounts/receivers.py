"""Audit entries and session ends for events raised by Django and allauth.

Each receiver translates a signal into one service call; the logic is in services.
"""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver
from django.http import HttpRequest

from fristad.accounts.models import AuditAction, User
from fristad.accounts.services import (
    audit_record,
    staff_credentials_changed,
    staff_sign_in_failed,
    staff_signed_in,
)


@receiver(auth_signals.user_logged_in)
def on_logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    staff_signed_in(user=user, request=request)


@receiver(auth_signals.user_logged_out)
def on_logged_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit_record(action=AuditAction.SIGN_OUT, actor=user)


@receiver(auth_signals.user_login_failed)
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    staff_sign_in_failed(email=str(credentials.get("email") or credentials.get("username") or ""))


@receiver(mfa_signals.authenticator_added)
def on_factor_added(sender: Any, request: HttpRequest, user: User, authenticator: Any, **kwargs: Any) -> None:
    staff_credentials_changed(
        user=user, request=request, action=AuditAction.FACTOR_ADDED, detail=str(authenticator.type)
    )


@receiver(mfa_signals.authenticator_removed)
def on_factor_removed(
    sender: Any, request: HttpRequest, user: User, authenticator: Any, **kwargs: Any
) -> None:
    staff_credentials_changed(
        user=user, request=request, action=AuditAction.FACTOR_REMOVED, detail=str(authenticator.type)
    )


@receiver(mfa_signals.authenticator_reset)
def on_factor_reset(sender: Any, request: HttpRequest, user: User, authenticator: Any, **kwargs: Any) -> None:
    staff_credentials_changed(
        user=user, request=request, action=AuditAction.RECOVERY_CODES_RESET, detail=str(authenticator.type)
    )


@receiver(account_signals.password_changed)
@receiver(account_signals.password_set)
@receiver(account_signals.password_reset)
def on_password_changed(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    staff_credentials_changed(user=user, request=request, action=AuditAction.PASSWORD_CHANGED)
