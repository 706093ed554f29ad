"""Writes for staff: invites, memberships, the tystnadslöfte, the audit log, sessions."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fristad.accounts.middleware import AUTH_AT, SEEN_AT
from fristad.accounts.models import (
    JOUR_ROLES,
    AuditAction,
    AuditEvent,
    CalendarFeed,
    Invite,
    Membership,
    PledgeSignature,
    PledgeVersion,
    Role,
    Shift,
    User,
)
from fristad.accounts.tokens import token_hash
from fristad.directory.jourfile import JourSpec, PhoneSpec
from fristad.directory.models import Jour
from fristad.directory.selectors import JourView, jour_view_uncached
from fristad.directory.services import jour_delete, jour_profile_update, jour_save_from_spec, jour_set_active
from fristad.geo.models import Municipality
from fristad.ops.mail import email_enqueue


def audit_record(
    *,
    action: str,
    actor: User | None = None,
    jour: Jour | None = None,
    municipality: Municipality | None = None,
    national: bool = False,
    target: str = "",
    detail: str = "",
) -> AuditEvent:
    """Append one event. Never pass anything a help-seeker typed or is."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.pk else None,
        actor_label=actor.email if actor is not None and actor.pk else "",
        jour=jour,
        municipality=municipality,
        national=national,
        target=target[:120],
        detail=detail[:300],
    )


def _audit_invite(*, invite: Invite, action: str, actor: User | None, detail: str = "") -> None:
    """An invite's event goes to the log of the place it invites to."""
    audit_record(
        action=action,
        actor=actor,
        jour=invite.jour,
        municipality=invite.municipality,
        national=invite.role == Role.NATIONAL_OFFICE,
        target=invite.email,
        detail=detail,
    )


@dataclass(frozen=True)
class IssuedInvite:
    invite: Invite
    # The only copy of the token: it goes into the link, never into the database.
    token: str


def invite_link(*, base_url: str, token: str) -> str:
    return base_url.rstrip("/") + reverse("accounts:invite_accept", kwargs={"token": token})


def _invite_email(*, invite: Invite, link: str) -> None:
    """The invite by e-mail: a neutral subject and the link, nothing about the jour or role
    (an e-mail may be read anywhere). Sent by the worker, never by the request."""
    with translation.override(settings.LANGUAGE_CODE):
        body = _(
            "You have been invited to Fristad's staff pages. The link works once and expires in "
            "%(hours)d hours:\n\n%(link)s\n"
        ) % {"hours": settings.INVITE_VALID_HOURS, "link": link}
        email_enqueue(to=invite.email, subject=_("Your invitation to Fristad"), body=body)


@transaction.atomic
def invite_create(
    *,
    invited_by: User | None,
    email: str,
    role: str,
    jour: Jour | None = None,
    municipality: Municipality | None = None,
    base_url: str = "",
) -> IssuedInvite:
    """An invite and its single-use link; with ``base_url`` (the site's address) the link
    is also e-mailed to her. ``invited_by`` is None only for the first national account,
    made from the terminal (``national_bootstrap``)."""
    if role in JOUR_ROLES and jour is None:
        raise ValidationError(_("A jour role needs a jour."))
    if role == Role.CASEWORKER and municipality is None:
        raise ValidationError(_("A caseworker needs a municipality."))
    if role not in JOUR_ROLES:
        jour = None
    if role != Role.CASEWORKER:
        municipality = None
    token = secrets.token_urlsafe(32)
    invite = Invite.objects.create(
        token_hash=token_hash(token),
        email=email.strip().lower(),
        role=role,
        jour=jour,
        municipality=municipality,
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(hours=settings.INVITE_VALID_HOURS),
    )
    detail = role if invited_by is not None else f"{role} (from the command line)"
    _audit_invite(invite=invite, action=AuditAction.INVITE_SENT, actor=invited_by, detail=detail)
    if base_url:
        _invite_email(invite=invite, link=invite_link(base_url=base_url, token=token))
    return IssuedInvite(invite, token)


class NationalAccountExists(Exception):
    """The first national account exists already; ``force`` invites another."""


@transaction.atomic
def national_bootstrap(*, email: str, base_url: str, force: bool = False) -> IssuedInvite:
    """The first national-office account, from the terminal: an invite like any other
    (her own password, her second factor, the tystnadslöfte), with no inviter."""
    exists = Membership.objects.filter(role=Role.NATIONAL_OFFICE, user__is_active=True).exists()
    if exists and not force:
        raise NationalAccountExists(
            "A national-office account exists already: invite from its staff pages, or use --force."
        )
    return invite_create(invited_by=None, email=email, role=Role.NATIONAL_OFFICE, base_url=base_url)


class InviteInvalid(Exception):
    """The link is unknown, used, revoked or expired; the message says which."""


def invite_check(*, token: str) -> Invite:
    invite = (
        Invite.objects.select_related("jour", "municipality").filter(token_hash=token_hash(token)).first()
    )
    if invite is None:
        raise InviteInvalid(_("This invite link is not valid. Ask for a new invite."))
    if invite.accepted_at is not None:
        raise InviteInvalid(_("This invite link has already been used. Sign in instead."))
    if invite.revoked_at is not None:
        raise InviteInvalid(_("This invite has been withdrawn. Ask for a new invite."))
    if invite.expires_at <= timezone.now():
        raise InviteInvalid(_("This invite link has expired. Ask for a new invite."))
    return invite


def _invite_locked(token: str) -> Invite:
    invite = invite_check(token=token)
    # Lock the row: two clicks at once accept once.
    invite = Invite.objects.select_for_update().get(pk=invite.pk)
    if invite.accepted_at is not None:
        raise InviteInvalid(_("This invite link has already been used. Sign in instead."))
    return invite


def _invite_mark_accepted(*, invite: Invite, user: User) -> None:
    membership = _membership_put(
        user=user, role=invite.role, jour=invite.jour, municipality=invite.municipality
    )
    invite.accepted_at = timezone.now()
    invite.accepted_by = user
    invite.save(update_fields=["accepted_at", "accepted_by"])
    _audit_invite(invite=invite, action=AuditAction.INVITE_ACCEPTED, actor=user, detail=membership.role)


def invite_for_existing_account(invite: Invite) -> bool:
    return User.objects.filter(email=invite.email).exists()


@transaction.atomic
def invite_accept(*, token: str, password: str, full_name: str) -> User:
    """Create the account and its membership; the link can never be used again.

    An invite to an e-mail that already has an account never signs anyone in: she
    signs in as herself (password and second factor) and accepts with
    ``invite_accept_signed_in``.
    """
    invite = _invite_locked(token)
    if invite_for_existing_account(invite):
        raise InviteInvalid(_("You already have an account. Sign in first, then open the invite link again."))
    user = User.objects.create_user(invite.email, password, full_name=full_name.strip())
    _invite_mark_accepted(invite=invite, user=user)
    return user


@transaction.atomic
def invite_accept_signed_in(*, token: str, user: User) -> None:
    """A signed-in person accepts an invite addressed to her own e-mail."""
    invite = _invite_locked(token)
    if invite.email != user.email.lower():
        raise InviteInvalid(_("This invite is for another e-mail address."))
    _invite_mark_accepted(invite=invite, user=user)


@transaction.atomic
def invite_revoke(*, invite: Invite, actor: User) -> None:
    invite.revoked_at = timezone.now()
    invite.save(update_fields=["revoked_at"])
    _audit_invite(invite=invite, action=AuditAction.INVITE_REVOKED, actor=actor)


def _membership_put(
    *, user: User, role: str, jour: Jour | None, municipality: Municipality | None
) -> Membership:
    if jour is not None:
        membership, _created = Membership.objects.update_or_create(
            user=user, jour=jour, defaults={"role": role}
        )
    elif municipality is not None:
        membership, _created = Membership.objects.update_or_create(
            user=user, municipality=municipality, defaults={"role": role}
        )
    else:
        membership, _created = Membership.objects.get_or_create(
            user=user, role=role, jour=None, municipality=None
        )
    return membership


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str, actor: User) -> Membership:
    if role not in JOUR_ROLES or membership.jour is None:
        raise ValidationError(_("Only jour roles can be changed here."))
    previous = membership.role
    # Demoting the last coordinator would leave the jour without one.
    demoting = previous == Role.JOUR_ADMIN and role != Role.JOUR_ADMIN
    if demoting and Membership.objects.filter(jour=membership.jour, role=Role.JOUR_ADMIN).count() <= 1:
        raise ValidationError(_("A jour must keep at least one coordinator."))
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        action=AuditAction.ROLE_CHANGED,
        actor=actor,
        jour=membership.jour,
        target=membership.user.email,
        detail=f"{previous} -> {role}",
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> None:
    jour, email, role = membership.jour, membership.user.email, membership.role
    if role == Role.JOUR_ADMIN and jour is not None:
        admins = Membership.objects.filter(jour=jour, role=Role.JOUR_ADMIN).count()
        if admins <= 1:
            raise ValidationError(_("A jour must keep at least one coordinator."))
    # Her coming shifts at that jour become open shifts the others can take.
    Shift.objects.filter(jour=jour, person=membership.user, end__gt=timezone.now()).update(
        person=None, offered=False
    )
    membership.delete()
    audit_record(action=AuditAction.MEMBERSHIP_REMOVED, actor=actor, jour=jour, target=email, detail=role)


@transaction.atomic
def pledge_sign(*, user: User, version: PledgeVersion) -> PledgeSignature:
    signature, created = PledgeSignature.objects.get_or_create(user=user, version=version)
    if created:
        for membership in user.memberships.select_related("jour", "municipality"):
            audit_record(
                action=AuditAction.PLEDGE_SIGNED,
                actor=user,
                jour=membership.jour,
                municipality=membership.municipality,
                national=membership.role == Role.NATIONAL_OFFICE,
                detail=f"version {version.version}",
            )
    return signature


@transaction.atomic
def pledge_publish(*, text_sv: str, text_en: str) -> PledgeVersion:
    latest = PledgeVersion.objects.order_by("-version").first()
    return PledgeVersion.objects.create(
        version=(latest.version + 1) if latest else 1, text_sv=text_sv, text_en=text_en
    )


def staff_signed_in(*, user: User, request: HttpRequest | None) -> None:
    """Audited; the absolute session lifetime (StaffSessionMiddleware) counts from now."""
    audit_record(action=AuditAction.SIGN_IN, actor=user)
    if request is not None and hasattr(request, "session"):
        request.session[AUTH_AT] = request.session[SEEN_AT] = time.time()


def staff_sign_in_failed(*, email: str) -> None:
    """Audited against the account the address names, if any (lockouts are per account)."""
    email = email.lower()
    audit_record(
        action=AuditAction.SIGN_IN_FAILED, actor=User.objects.filter(email=email).first(), target=email[:120]
    )


def staff_credentials_changed(
    *, user: User, request: HttpRequest | None, action: str, detail: str = ""
) -> None:
    """A second factor or the password changed: audited, and every other session ends."""
    audit_record(action=action, actor=user, detail=detail)
    sessions_end_elsewhere(user=user, request=request)


def sessions_end_elsewhere(*, user: User, request: HttpRequest | None) -> None:
    """After a change of factor or password: every other session of hers ends now."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    if request is not None and getattr(request, "user", None) is not None and request.user.pk == user.pk:
        update_session_auth_hash(request, user)


@transaction.atomic
def jour_suspend(*, jour: Jour, actor: User) -> None:
    jour_set_active(jour=jour, active=False)
    audit_record(action=AuditAction.JOUR_SUSPENDED, actor=actor, national=True, jour=jour, target=jour.slug)


@transaction.atomic
def jour_reactivate(*, jour: Jour, actor: User) -> None:
    jour_set_active(jour=jour, active=True)
    audit_record(action=AuditAction.JOUR_REACTIVATED, actor=actor, national=True, jour=jour, target=jour.slug)


@dataclass(frozen=True)
class ProfileChanges:
    chats: bool
    services: list[str]
    languages: list[str]
    accessibility_notes: str
    email: str
    website: str
    phones: list[PhoneSpec]


@transaction.atomic
def jour_profile_save(*, actor: User, jour: Jour, changes: ProfileChanges) -> Jour:
    saved = jour_profile_update(jour=jour, **changes.__dict__)
    audit_record(action=AuditAction.PROFILE_CHANGED, actor=actor, jour=jour, target=jour.slug)
    return saved


def jour_profile_preview(*, jour: Jour, changes: ProfileChanges, now: datetime) -> JourView:
    """The public page as it would look, computed in a transaction that is rolled back."""
    with transaction.atomic():
        jour_profile_update(jour=jour, **changes.__dict__)
        view = jour_view_uncached(jour_id=jour.pk, now=now)
        transaction.set_rollback(True)
    return view


@transaction.atomic
def jour_add(*, actor: User, name: str, slug: str, kind: str, home_municipality: Municipality) -> Jour:
    """A new member jour, not yet public: its coordinator fills in phones and hours first."""
    if Jour.objects.filter(slug=slug).exists():
        raise ValidationError(_("The short name %(slug)s is already used.") % {"slug": slug})
    spec = JourSpec(
        name=name,
        slug=slug,
        kind=kind,
        home_municipality=home_municipality.code,
        served_municipalities=[home_municipality.code],
        chats=False,
        languages=["sv"],
        services=["samtalsstod"],
        accessibility_notes="",
        email="",
        website="",
        member_since=timezone.localdate(),
        is_demo=False,
        phones=[],
        is_active=False,
    )
    jour, _created = jour_save_from_spec(spec=spec)
    audit_record(action=AuditAction.JOUR_ADDED, actor=actor, national=True, jour=jour, target=slug)
    return jour


@transaction.atomic
def jour_remove(*, actor: User, jour: Jour) -> None:
    """Remove a member jour and everything of it (its staff keep their accounts)."""
    slug = jour.slug
    audit_record(action=AuditAction.JOUR_REMOVED, actor=actor, national=True, target=slug, detail=jour.name)
    jour_delete(jour=jour)


@transaction.atomic
def membership_set_housing(*, membership: Membership, housing: bool, actor: User) -> Membership:
    """Give or take housing rights (addresses, placement requests, placements) at a jour.
    A coordinator always has them, so hers cannot be taken."""
    if membership.jour is None:
        raise ValidationError(_("Housing rights belong to a jour role."))
    if membership.role == Role.JOUR_ADMIN and not housing:
        raise ValidationError(_("A coordinator always has housing rights."))
    if membership.housing != housing:
        membership.housing = housing
        membership.save(update_fields=["housing"])
        audit_record(
            action=AuditAction.HOUSING_RIGHTS_CHANGED,
            actor=actor,
            jour=membership.jour,
            target=membership.user.email,
            detail="granted" if housing else "removed",
        )
    return membership


def membership_set_chat_capacity(*, membership: Membership, capacity: int, actor: User) -> Membership:
    """How many chats at once she takes; set by her jour's coordinator."""
    if not 1 <= capacity <= 6:
        raise ValidationError(_("A jourkvinna can hold between 1 and 6 chats at once."))
    membership.chat_capacity = capacity
    membership.save(update_fields=["chat_capacity"])
    return membership


# --- Retention (scheduled by fristad/accounts/jobs.py) ------------------------------


def sessions_expired_clear(*, now: datetime) -> int:
    """Expired staff sessions (Django's clearsessions, counted)."""
    deleted, _detail = Session.objects.filter(expire_date__lt=now).delete()
    return deleted


@transaction.atomic
def secret_links_purge(*, now: datetime) -> dict[str, int]:
    """Invites that can no longer be used (accepted, withdrawn, expired) and revoked calendar
    links: their hashes are of no use to anyone, and the audit log keeps what happened."""
    used = Invite.objects.filter(
        Q(accepted_at__isnull=False) | Q(revoked_at__isnull=False) | Q(expires_at__lte=now)
    )
    invites, _detail = used.delete()
    feeds, _detail = CalendarFeed.objects.filter(revoked_at__isnull=False).delete()
    return {"invites_deleted": invites, "calendar_links_deleted": feeds}


@transaction.atomic
def audit_log_prune(*, now: datetime) -> int:
    """Audit events past AUDIT_RETENTION_DAYS. The only deletion the append-only log allows,
    and itself logged (how many, never which)."""
    cutoff = now - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted = AuditEvent.objects.older_than_delete(cutoff)
    if deleted:
        audit_record(
            action=AuditAction.RECORDS_PURGED,
            national=True,
            target="audit log",
            detail=f"{deleted} events older than {settings.AUDIT_RETENTION_DAYS} days",
        )
    return deleted
