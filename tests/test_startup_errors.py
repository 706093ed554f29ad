"""Bad settings and a database that is down give one clear line at start-up, never a
traceback loop; the worker waits for the database and stops cleanly on SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

from tests.production_env import BIN, production_env

DOWN = "postgres://fristad:secret-password@127.0.0.1:9/fristad"


def run(tmp_path: Path, *args: str, **overrides: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "fristad"), *args],
        env=production_env(tmp_path, **overrides),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_wrong_email_url_is_one_clear_line(tmp_path: Path) -> None:
    result = run(tmp_path, "check", EMAIL_URL="gopher://mail.example")
    assert result.returncode == 2
    assert result.stderr.startswith("fristad: configuration error: EMAIL_URL is not an e-mail URL")
    assert "Traceback" not in result.stderr


def test_a_wrong_field_key_stops_the_server_with_its_name(tmp_path: Path) -> None:
    result = run(tmp_path, "serve", "--port", "9", FIELD_ENCRYPTION_KEYS="not-a-fernet-key")
    assert result.returncode != 0
    assert "fristad.E001" in result.stderr and "Traceback" not in result.stderr


def test_a_database_that_is_down_is_named_without_its_password(tmp_path: Path) -> None:
    result = run(tmp_path, "migrate", DATABASE_URL=DOWN)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "fristad: the PostgreSQL database fristad at 127.0.0.1:9 is not reachable (OperationalError)."
    )
    assert "secret-password" not in result.stderr


def test_the_worker_waits_for_the_database_and_stops_on_sigterm(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [str(BIN / "fristad"), "worker", "--tick", "0.2"],
        env=production_env(tmp_path, DATABASE_URL=DOWN),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    time.sleep(4)
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    lines = [line for line in output.splitlines() if "not reachable" in line]
    # Growing pauses (0.2, 0.4, 0.8, 1.6 s …): a few lines, not one per tick.
    assert 2 <= len(lines) <= 6, output
    assert "PostgreSQL database fristad at 127.0.0.1:9" in lines[0]
    assert "Traceback" not in output and "secret-password" not in output
    assert "worker stopped" in output
