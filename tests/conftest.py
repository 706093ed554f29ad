"""Shared fixtures: a small directory of jourer built through the import service,
the same path real data takes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from fristad.directory.models import Jour
from fristad.directory.services import jourer_import

if TYPE_CHECKING:
    from fristad.accounts.models import User

SAMPLE_JOURER: list[dict[str, Any]] = [
    {
        "name": "Kvinnojouren Norrsken (test)",
        "slug": "norrsken",
        "kind": "kvinnojour",
        "home_municipality": "2584",  # Kiruna
        "served_municipalities": ["2584", "2514"],
        "chats": False,
        "languages": ["sv", "se", "fi"],
        "services": ["samtalsstod", "stodperson_police"],
        "phones": [{"kind": "jourtelefon", "number": "070-1740605", "hours": "mon-fri 09:00-16:00"}],
    },
    {
        "name": "Kvinnojouren Stockholm (test)",
        "slug": "stockholm",
        "kind": "kvinnojour",
        "home_municipality": "0180",
        "served_municipalities": ["0180", "0184"],
        "chats": True,
        "languages": ["sv", "en", "ar"],
        "services": ["samtalsstod", "skyddat_boende", "polisanmalan"],
        "phones": [
            {
                "kind": "jourtelefon",
                "number": "070-1740606",
                "hours": "mon-sun 00:00-24:00",
            }
        ],
    },
    {
        "name": "Tjejjouren Söder (test)",
        "slug": "tjej-soder",
        "kind": "tjejjour",
        "home_municipality": "0126",  # Huddinge
        "served_municipalities": ["0126"],
        "chats": True,
        "languages": ["sv"],
        "services": ["samtalsstod"],
        "phones": [{"kind": "jourtelefon", "number": "070-1740607", "hours": "fri-sat 20:00-02:00"}],
    },
    {
        "name": "Kvinnojouren Malmö (test)",
        "slug": "malmo",
        "kind": "kvinnojour",
        "home_municipality": "1280",
        "served_municipalities": ["1280", "1233"],
        "chats": False,
        "languages": ["sv", "ar", "fa"],
        "services": ["samtalsstod", "skyddat_boende"],
        "phones": [{"kind": "jourtelefon", "number": "070-1740608", "hours": "mon-fri 10:00-22:00"}],
    },
]


def ensure_reference_data() -> None:
    """Migrations load the geography and tystnadslöfte version 1; a transactional test's
    flush empties them, so load them again (through the migrations' own code) when gone."""
    import importlib

    from django.apps import apps

    from fristad.accounts.models import PledgeVersion
    from fristad.geo.models import County

    if not County.objects.exists():
        importlib.import_module("fristad.geo.migrations.0002_load_reference_data").load(apps, None)
    if not PledgeVersion.objects.exists():
        migration = importlib.import_module("fristad.accounts.migrations.0002_pledge_version_1")
        migration.publish(apps, None)


@pytest.fixture
def sample_jourer(db: None) -> list[Jour]:
    ensure_reference_data()
    result = jourer_import(text=json.dumps(SAMPLE_JOURER), fmt="json")
    assert result.ok, result.errors
    return list(Jour.objects.order_by("slug"))


# --- Staff: ready users of every role, each with a second factor and the current pledge signed ---

STAFF_PASSWORD = "lugn-och-trygg-2026!"


@dataclass
class Staff:
    national: User
    admin_a: User
    kvinna_a: User
    admin_b: User
    kvinna_b: User
    caseworker: User
    jour_a: Jour
    jour_b: Jour
    totp_secrets: dict[str, str]


def make_staff_user(email: str, *, with_factor: bool = True, sign_pledge: bool = True) -> tuple[User, str]:
    """A staff user, optionally with TOTP activated and the current pledge signed; returns (user, secret)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from fristad.accounts.models import User
    from fristad.accounts.selectors import pledge_current
    from fristad.accounts.services import pledge_sign

    user = User.objects.create_user(email, STAFF_PASSWORD, full_name=email.split("@")[0].title())
    secret = ""
    if with_factor:
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
    version = pledge_current()
    if sign_pledge and version is not None:
        pledge_sign(user=user, version=version)
    return user, secret


def totp_code(secret: str, offset: int = 0) -> str:
    """The current six-digit code for a secret (offset in periods)."""
    import time as _time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return str(format_hotp_value(hotp_value(secret, int(_time.time()) // 30 + offset)))


@pytest.fixture
def staff(sample_jourer: list[Jour]) -> Staff:
    from fristad.accounts.models import Membership, Role
    from fristad.geo.models import Municipality

    jour_a = Jour.objects.get(slug="stockholm")
    jour_b = Jour.objects.get(slug="malmo")
    secrets: dict[str, str] = {}
    users: dict[str, User] = {}
    for key, role, jour, municipality in [
        ("national", Role.NATIONAL_OFFICE, None, None),
        ("admin_a", Role.JOUR_ADMIN, jour_a, None),
        ("kvinna_a", Role.JOURKVINNA, jour_a, None),
        ("admin_b", Role.JOUR_ADMIN, jour_b, None),
        ("kvinna_b", Role.JOURKVINNA, jour_b, None),
        ("caseworker", Role.CASEWORKER, None, Municipality.objects.get(code="0180")),
    ]:
        user, secret = make_staff_user(f"{key}@staff.test")
        Membership.objects.create(user=user, role=role, jour=jour, municipality=municipality)
        users[key] = user
        secrets[key] = secret
    return Staff(**users, jour_a=jour_a, jour_b=jour_b, totp_secrets=secrets)


@pytest.fixture(autouse=True)
def _fresh_language_and_cache() -> Any:
    """Each test starts in the default language with an empty cache (used TOTP codes and
    sign-in throttling live there), and leaves no thread-local language behind."""
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    cache.clear()
    yield
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)
