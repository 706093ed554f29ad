"""Encryption at rest for the few fields that must be readable by staff but never by
whoever gets a copy of the database: protected-housing addresses, call-back numbers.

Fernet (AES-128-CBC + HMAC-SHA256) from ``cryptography``. Keys come from the environment
(``FIELD_ENCRYPTION_KEYS``: comma-separated Fernet keys, newest first, so a key can be
rotated: new values use the first key, old values still open with the others). Without it
(a laptop, the tests) one key is derived from ``SECRET_KEY``, which is itself kept out of
the repository.
"""

from __future__ import annotations

import base64
from functools import cache
from typing import TYPE_CHECKING, Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


def _derived_key(secret: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"fristad field encryption")
    return base64.urlsafe_b64encode(hkdf.derive(secret.encode()))


@cache
def _fernets(keys: tuple[str, ...], secrets: tuple[str, ...]) -> tuple[Fernet, ...]:
    """Configured keys, or else keys derived from SECRET_KEY and then each of
    SECRET_KEY_FALLBACKS: while a rotated SECRET_KEY rolls out, what the old key
    encrypted still opens (and ``fristad reencrypt`` moves it to the new one)."""
    try:
        if keys:
            return tuple(Fernet(key.encode()) for key in keys)
        return tuple(Fernet(_derived_key(secret)) for secret in secrets)
    except ValueError as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS holds a key that is not a Fernet key.") from exc


def _configured() -> tuple[Fernet, ...]:
    return _fernets(
        tuple(settings.FIELD_ENCRYPTION_KEYS), (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)
    )


def fernet() -> MultiFernet:
    return MultiFernet(list(_configured()))


def newest_key_opens(token: str) -> bool:
    """Whether the first (newest) key encrypted this value: then it needs no re-encryption."""
    try:
        _configured()[0].decrypt(token.encode("ascii"))
    except InvalidToken:
        return False
    return True


def reencrypt(token: str) -> str:
    """The same value under the newest key (``MultiFernet.rotate``); ``InvalidToken``
    when no configured key opens it."""
    return fernet().rotate(token.encode("ascii")).decode("ascii")


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """Raises ``InvalidToken`` when no configured key opens it (a lost or wrong key)."""
    return fernet().decrypt(token.encode("ascii")).decode()


if TYPE_CHECKING:
    # django-stubs makes fields generic (set type, get type); Django's classes are not
    # subscriptable at run time.
    _TextField = models.TextField[str, str]
else:
    _TextField = models.TextField


class EncryptedTextField(_TextField):
    """A text column stored encrypted. Not searchable or sortable in SQL, by design.

    The empty string stays empty (nothing to protect, and forms can tell "not given").
    """

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return decrypt(value)


__all__ = [
    "EncryptedTextField",
    "InvalidToken",
    "decrypt",
    "encrypt",
    "fernet",
    "newest_key_opens",
    "reencrypt",
]
