"""Subresource Integrity for the scripts of the chat pages (docs/chat-encryption.md).

``<script src="{% static 'chat/chat.js' %}" integrity="{% integrity 'chat/chat.js' %}">``:
the SHA-256 of the very file the URL names (in base64: the digest ``fristad static-hashes``
publishes in hex). With the manifest storage (production, after ``fristad collectstatic``)
that is the hashed file in STATIC_ROOT, hashed once per process (its name changes with its
content); otherwise (the tests, a laptop) the source file, read on each page. A file that
cannot be read gives "" (the browser then checks nothing) rather than a page that fails.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from django import template
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage

register = template.Library()


def sri_of(content: bytes) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(content).digest()).decode("ascii")


@lru_cache(maxsize=256)
def _stored(hashed_name: str) -> str:
    with staticfiles_storage.open(hashed_name) as file:
        return sri_of(file.read())


def integrity_of(path: str) -> str:
    try:
        if isinstance(staticfiles_storage, ManifestFilesMixin):
            return _stored(staticfiles_storage.stored_name(path))
        found = finders.find(path)
        if isinstance(found, str):
            with open(found, "rb") as file:
                return sri_of(file.read())
    except (OSError, ValueError):
        pass
    return ""


@register.simple_tag
def integrity(path: str) -> str:
    return integrity_of(path)
