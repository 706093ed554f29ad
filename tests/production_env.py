"""The production settings of docs/operations.md, as environment variables, with fresh
secrets: what the deployment tests start Fristad with."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from cryptography.fernet import Fernet

BIN = Path(sys.executable).parent


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")}
    env = {
        **keep,
        "DJANGO_SETTINGS_MODULE": "fristad.settings",
        "FRISTAD_VAR_DIR": str(tmp_path / "var"),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "SITE_URL": "https://fristad.test",
        "ALLOWED_HOSTS": "fristad.test",
        "CSRF_TRUSTED_ORIGINS": "https://fristad.test",
        "EMAIL_URL": "smtp://127.0.0.1:2525",
        "DEFAULT_FROM_EMAIL": "fristad@fristad.test",
        "SECURE_SSL_REDIRECT": "true",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
        "SECURE_HSTS_PRELOAD": "true",
        "SECURE_COOKIES": "true",
        "SECURE_PROXY_SSL_HEADER": "true",
        "FORWARDED_ALLOW_IPS": "127.0.0.1",
        "METRICS_TOKEN": secrets.token_urlsafe(24),
    }
    env.update(overrides)
    return env
