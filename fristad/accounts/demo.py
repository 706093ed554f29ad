"""Demo staff: a national office account, coordinators and jourkvinnor at a few demo
jourer, and one caseworker. Only when settings.DEMO_MODE is on; never in production."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.db import transaction

from fristad.accounts.models import Membership, Role, User
from fristad.accounts.selectors import pledge_current
from fristad.accounts.services import pledge_sign
from fristad.directory.models import Jour
from fristad.geo.models import Municipality

DEMO_DOMAIN = "demo.invalid"
DEMO_JOUR_SLUGS = ("demo-stockholm", "demo-malmo", "demo-kiruna")
DEMO_MUNICIPALITY = "0180"


@dataclass(frozen=True)
class DemoCredential:
    email: str
    password: str
    totp_secret: str
    roles: str


class DemoModeOff(Exception):
    """Demo accounts are refused unless DEMO_MODE is on."""


def _demo_user(email: str, name: str) -> tuple[User, str, str]:
    password = "-".join(secrets.token_hex(3) for _ in range(4))
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, password, full_name=name)
    else:
        user.set_password(password)
        user.save(update_fields=["password"])
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    version = pledge_current()
    if version is not None:
        pledge_sign(user=user, version=version)
    return user, password, secret


@transaction.atomic
def demo_staff_build() -> list[DemoCredential]:
    """(Re)create the demo staff with fresh passwords and TOTP secrets."""
    if not settings.DEMO_MODE:
        raise DemoModeOff("Demo staff are only created with FRISTAD_DEMO=1 (never in production).")
    credentials: list[DemoCredential] = []
    plan: list[tuple[str, str, str, Jour | None, Municipality | None]] = [
        (f"forbund@{DEMO_DOMAIN}", "Förbundskansliet (demo)", Role.NATIONAL_OFFICE, None, None),
        (
            f"socialsekreterare@{DEMO_DOMAIN}",
            "Socialsekreterare Stockholm (demo)",
            Role.CASEWORKER,
            None,
            Municipality.objects.get(code=DEMO_MUNICIPALITY),
        ),
    ]
    for slug in DEMO_JOUR_SLUGS:
        jour = Jour.objects.filter(slug=slug).first()
        if jour is None:
            continue
        short = slug.removeprefix("demo-")
        plan.append(
            (f"samordnare.{short}@{DEMO_DOMAIN}", f"Samordnare {short} (demo)", Role.JOUR_ADMIN, jour, None)
        )
        for number in (1, 2):
            plan.append(
                (
                    f"jourkvinna{number}.{short}@{DEMO_DOMAIN}",
                    f"Jourkvinna {number} {short} (demo)",
                    Role.JOURKVINNA,
                    jour,
                    None,
                )
            )
    for email, name, role, jour, municipality in plan:
        user, password, secret = _demo_user(email, name)
        if jour is not None:
            Membership.objects.update_or_create(user=user, jour=jour, defaults={"role": role})
        elif municipality is not None:
            Membership.objects.update_or_create(user=user, municipality=municipality, defaults={"role": role})
        else:
            Membership.objects.get_or_create(user=user, role=role, jour=None, municipality=None)
        where = jour.name if jour else (municipality.name if municipality else "")
        credentials.append(DemoCredential(email, password, secret, f"{Role(role).label} {where}".strip()))
    return credentials
