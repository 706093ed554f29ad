"""Fristad's own system checks. ``fristad check --deploy`` with the production settings of
docs/operations.md gives no warning; each message says what to set.

Run at every command's start (Django runs the non-deploy checks before each management
command, ``fristad serve`` and ``fristad worker`` included): a wrong key stops the
process with one clear message instead of failing on the first protected address.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.http.request import validate_host

NOT_REALLY_SENT = (
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
)


@register(Tags.security)
def encryption_keys_parse(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from fristad.web.crypto import fernet

    try:
        fernet()
    except ImproperlyConfigured:
        return [
            Error(
                "FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key.",
                hint="Each key is 44 characters of URL-safe base64, comma-separated, newest first. "
                "Make one with: python -c "
                '"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"',
                id="fristad.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def encryption_keys_set(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.FIELD_ENCRYPTION_KEYS:
        return []
    return [
        Warning(
            "FIELD_ENCRYPTION_KEYS is not set: protected-housing addresses and call-back numbers are "
            "encrypted with a key derived from SECRET_KEY.",
            hint="Set FIELD_ENCRYPTION_KEYS to keys of your own and keep them apart from the database "
            "backups (docs/operations.md, 'Keys').",
            id="fristad.W101",
        )
    ]


@register(Tags.security, deploy=True)
def encrypted_values_open(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A value no configured key opens means a key was lost or rotated out too early."""
    from fristad.ops.encryption import column_unreadable, encrypted_columns

    problems: list[CheckMessage] = []
    for column in encrypted_columns():
        try:
            unreadable = column_unreadable(column)
        except (DatabaseError, ImproperlyConfigured):
            return []  # no database yet (or not migrated): nothing stored to open
        if unreadable:
            problems.append(
                Error(
                    f"{unreadable} values of {column.label} cannot be opened by any configured key.",
                    hint="Put the key they were written with back into FIELD_ENCRYPTION_KEYS (or the old "
                    "SECRET_KEY into SECRET_KEY_FALLBACKS), then run fristad reencrypt.",
                    id="fristad.E102",
                )
            )
    return problems


@register(Tags.security, deploy=True)
def site_url_set(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    url = urlsplit(settings.SITE_URL)
    if url.scheme != "https" or not url.hostname:
        return [
            Warning(
                "SITE_URL is not an https address: invite links and e-mails from scheduled jobs have no "
                "address to point to.",
                hint="Set SITE_URL to the staff site's address, e.g. https://fristad.example.org",
                id="fristad.W103",
            )
        ]
    if not validate_host(url.hostname, settings.ALLOWED_HOSTS):
        return [
            Warning(
                f"SITE_URL's host {url.hostname} is not in ALLOWED_HOSTS: its links would answer 400.",
                hint="Add it to ALLOWED_HOSTS.",
                id="fristad.W104",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def email_configured(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    if settings.EMAIL_BACKEND in NOT_REALLY_SENT:
        problems.append(
            Warning(
                "E-mail is not configured: invites and notices are printed, not sent.",
                hint="Set EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587",
                id="fristad.W105",
            )
        )
    if settings.DEFAULT_FROM_EMAIL.endswith("@localhost"):
        problems.append(
            Warning(
                f"DEFAULT_FROM_EMAIL is {settings.DEFAULT_FROM_EMAIL}: mail servers refuse such a sender.",
                hint="Set DEFAULT_FROM_EMAIL to an address of your domain the mail server may send as.",
                id="fristad.W106",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def secure_settings_consistent(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    if settings.SECURE_SSL_REDIRECT and not getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        problems.append(
            Warning(
                "SECURE_SSL_REDIRECT is on but SECURE_PROXY_SSL_HEADER is not: behind the TLS proxy every "
                "request looks like plain HTTP and is redirected forever.",
                hint="Set SECURE_PROXY_SSL_HEADER=true and run fristad serve with --forwarded-allow-ips "
                "set to the proxy's address.",
                id="fristad.W107",
            )
        )
    if settings.SESSION_COOKIE_SECURE and not settings.SECURE_SSL_REDIRECT:
        problems.append(
            Warning(
                "SECURE_COOKIES is on but SECURE_SSL_REDIRECT is off: staff who open the http:// address "
                "cannot sign in (the browser will not keep a secure cookie over http).",
                hint="Set SECURE_SSL_REDIRECT=true.",
                id="fristad.W108",
            )
        )
    if settings.DEMO_MODE:
        problems.append(
            Error(
                "FRISTAD_DEMO is set: demo staff with printed passwords can be created.",
                hint="Never set FRISTAD_DEMO in production; remove it and the demo accounts.",
                id="fristad.E109",
            )
        )
    return problems
