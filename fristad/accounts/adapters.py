"""allauth adapters: invite-only, per-account lockout audited, no removal of the last factor."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from fristad.accounts.models import AuditAction, User
from fristad.accounts.services import audit_record

SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


class InviteOnlyAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            email = str(credentials.get("email") or credentials.get("username") or "").lower()
            user = User.objects.filter(email=email).first()
            audit_record(action=AuditAction.LOCKOUT, actor=user, target=email[:120])
            raise


class StaffMFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """A second factor is mandatory: the last one cannot be removed, only replaced."""
        if authenticator.type not in SECOND_FACTORS:
            return True
        others = Authenticator.objects.filter(user_id=authenticator.user_id, type__in=SECOND_FACTORS).exclude(
            pk=authenticator.pk
        )
        return bool(others.exists())
