"""Staff: people, their roles per jour or municipality, invites, the tystnadslöfte,
the audit log. Help-seekers never have accounts."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from fristad.directory.models import Jour
from fristad.geo.models import Municipality


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        # There is no Django admin and no superuser: roles are memberships.
        raise NotImplementedError("Fristad has no superusers; invite a national office account instead.")


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("name"), max_length=120, blank=True)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Raised on every change of factor or password: every other session ends.
    session_generation = models.PositiveIntegerField(default=0)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    @property
    def is_staff(self) -> bool:
        """No one reaches a Django admin: it is not mounted."""
        return False

    def get_session_auth_hash(self) -> str:
        return salted_hmac(
            "fristad.accounts.User.get_session_auth_hash",
            f"{self.password}:{self.session_generation}",
            algorithm="sha256",
        ).hexdigest()

    def __str__(self) -> str:
        return self.full_name or self.email


class Role(models.TextChoices):
    NATIONAL_OFFICE = "national_office", _("National office")
    JOUR_ADMIN = "jour_admin", _("Jour coordinator")
    JOURKVINNA = "jourkvinna", _("Jourkvinna")
    CASEWORKER = "caseworker", _("Social services caseworker")


JOUR_ROLES = (Role.JOUR_ADMIN, Role.JOURKVINNA)


class Membership(models.Model):
    """A role in one place: a jour (admin, jourkvinna), a municipality (caseworker),
    or the national office. One person may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    jour = models.ForeignKey(
        Jour, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    # How many chats she runs at once (the chat uses it; the jour admin sets it).
    chat_capacity = models.PositiveSmallIntegerField(default=2)
    # Housing rights: she may see the jour's protected-housing addresses and answer
    # placement requests (the jour admin grants it; a jour admin always has it).
    housing = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "jour"], condition=models.Q(jour__isnull=False), name="one_role_per_jour"
            ),
            models.UniqueConstraint(
                fields=["user", "municipality"],
                condition=models.Q(municipality__isnull=False),
                name="one_role_per_municipality",
            ),
            models.CheckConstraint(
                name="membership_place_matches_role",
                condition=(
                    models.Q(
                        role__in=["jour_admin", "jourkvinna"], jour__isnull=False, municipality__isnull=True
                    )
                    | models.Q(role="caseworker", jour__isnull=True, municipality__isnull=False)
                    | models.Q(role="national_office", jour__isnull=True, municipality__isnull=True)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role}"


class Invite(models.Model):
    """A single-use link that expires. Only a hash of the token is stored."""

    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    jour = models.ForeignKey(Jour, null=True, blank=True, on_delete=models.CASCADE, related_name="invites")
    municipality = models.ForeignKey(Municipality, null=True, blank=True, on_delete=models.PROTECT)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="invites_sent")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="invites_accepted"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)


class PledgeVersion(models.Model):
    """A version of the tystnadslöfte. A new version must be signed again."""

    version = models.PositiveIntegerField(unique=True)
    text_sv = models.TextField()
    text_en = models.TextField()
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]


class PledgeSignature(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="pledge_signatures")
    version = models.ForeignKey(PledgeVersion, on_delete=models.PROTECT, related_name="signatures")
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="sign_each_version_once")]


class AuditAction(models.TextChoices):
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Failed sign-in")
    LOCKOUT = "lockout", _("Locked out after failed sign-ins")
    SIGN_OUT = "sign_out", _("Signed out")
    FACTOR_ADDED = "factor_added", _("Second factor added")
    FACTOR_REMOVED = "factor_removed", _("Second factor removed")
    RECOVERY_CODES_RESET = "recovery_codes_reset", _("Recovery codes renewed")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    INVITE_SENT = "invite_sent", _("Invite sent")
    INVITE_REVOKED = "invite_revoked", _("Invite revoked")
    INVITE_ACCEPTED = "invite_accepted", _("Invite accepted")
    MEMBERSHIP_ADDED = "membership_added", _("Membership added")
    ROLE_CHANGED = "role_changed", _("Role changed")
    MEMBERSHIP_REMOVED = "membership_removed", _("Membership removed")
    PLEDGE_SIGNED = "pledge_signed", _("Tystnadslöfte signed")
    JOUR_ADDED = "jour_added", _("Member jour added")
    JOUR_SUSPENDED = "jour_suspended", _("Member jour suspended")
    JOUR_REACTIVATED = "jour_reactivated", _("Member jour reactivated")
    JOUR_REMOVED = "jour_removed", _("Member jour removed")
    PROFILE_CHANGED = "profile_changed", _("Public profile changed")
    SENSITIVE_READ = "sensitive_read", _("Sensitive record read")
    CHAT_BLOCK = "chat_block", _("Chat session blocked")
    HOUSING_RIGHTS_CHANGED = "housing_rights_changed", _("Housing rights changed")
    HOUSING_UNIT_CHANGED = "housing_unit_changed", _("Housing unit changed")
    PLACEMENT_REQUESTED = "placement_requested", _("Placement requested")
    PLACEMENT_ANSWERED = "placement_answered", _("Placement request answered")
    PLACEMENT_CHANGED = "placement_changed", _("Placement changed")
    SUPPORT_CASE_CHANGED = "support_case_changed", _("Support case changed")
    RECORDS_PURGED = "records_purged", _("Old records purged")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")

    def older_than_delete(self, cutoff: datetime) -> int:
        """The retention rule's deletion (accounts.services.audit_log_prune), the only one."""
        deleted, _detail = models.QuerySet.delete(self.filter(at__lt=cutoff))
        return deleted


class AuditEvent(models.Model):
    """Who did what, when, from which jour. Append-only from the application."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The actor as she was named then, kept when the account is gone.
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    jour = models.ForeignKey(Jour, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # True for the national office's own log (member jourer, national accounts).
    national = models.BooleanField(default=False)
    target = models.CharField(max_length=120, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["jour", "-at"]), models.Index(fields=["national", "-at"])]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")


class ShiftKind(models.TextChoices):
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Chat")


class Shift(models.Model):
    """A jourschema shift: who holds the jourtelefon or the chat, from when to when.

    ``person`` empty is an open shift anyone at the jour may take; ``offered`` is a
    shift its holder offers for swap.
    """

    jour = models.ForeignKey(Jour, on_delete=models.CASCADE, related_name="shifts")
    kind = models.CharField(max_length=8, choices=ShiftKind.choices, default=ShiftKind.PHONE)
    phone = models.ForeignKey(
        "directory.Phone", null=True, blank=True, on_delete=models.SET_NULL, related_name="shifts"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    person = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="shifts")
    offered = models.BooleanField(default=False)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["jour", "start"]), models.Index(fields=["person", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="shift_ends_after_start"
            )
        ]


class CalendarFeed(models.Model):
    """A private, revocable link to one person's shifts as iCalendar. Only a hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
