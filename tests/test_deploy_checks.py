"""``fristad check --deploy``: no warning with the production settings; each of Fristad's
own checks says what is wrong when a setting is missing or inconsistent."""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.production_env import BIN, production_env


def check_deploy(tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess[str]:
    env = production_env(tmp_path, **overrides)
    for name, value in list(env.items()):
        if value == "<unset>":
            del env[name]
    return subprocess.run(
        [str(BIN / "fristad"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_production_settings_give_no_warning(tmp_path: Path) -> None:
    result = check_deploy(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def documented_env(tmp_path: Path) -> dict[str, str]:
    """deploy/fristad.env.example as an operator fills it in: the example's values, and
    fresh keys where it leaves them empty."""
    values: dict[str, str] = {}
    example = Path(__file__).resolve().parent.parent / "deploy" / "fristad.env.example"
    for line in example.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    fresh = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "METRICS_TOKEN": secrets.token_urlsafe(32),
    }
    for name, value in fresh.items():
        assert values[name] == "", f"the example must leave {name} for the operator to make"
        values[name] = value
    return values


def test_the_documented_example_gives_no_warning(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    env |= documented_env(tmp_path)
    # The compose host names do not resolve here; the checks never connect to Redis, and
    # the one that reads the database gets a local file.
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "FRISTAD_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [str(BIN / "fristad"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"FIELD_ENCRYPTION_KEYS": "<unset>"}, "fristad.W101"),
        ({"SITE_URL": "<unset>"}, "fristad.W103"),
        ({"SITE_URL": "http://fristad.test"}, "fristad.W103"),
        ({"SITE_URL": "https://elsewhere.test"}, "fristad.W104"),
        ({"EMAIL_URL": "<unset>"}, "fristad.W105"),
        ({"DEFAULT_FROM_EMAIL": "<unset>"}, "fristad.W106"),
        ({"SECURE_PROXY_SSL_HEADER": "<unset>"}, "fristad.W107"),
        ({"SECURE_SSL_REDIRECT": "false"}, "fristad.W108"),
        ({"FRISTAD_DEMO": "1"}, "fristad.E109"),
        ({"FIELD_ENCRYPTION_KEYS": "not-a-key"}, "fristad.E001"),
        ({"SECURE_COOKIES": "false"}, "security.W012"),
        ({"DEBUG": "true"}, "security.W018"),
    ],
)
def test_each_missing_setting_is_named(tmp_path: Path, overrides: dict[str, str], expected: str) -> None:
    result = check_deploy(tmp_path, **overrides)
    assert result.returncode != 0
    assert expected in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
