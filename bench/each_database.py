"""Run a benchmark's child process once per database: a fresh PostgreSQL database (dropped
afterwards unless kept, to EXPLAIN by hand) and a temporary SQLite file. Shared by the
benchmarks that compare the two (housing search, statistics report)."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_SERVER, autocommit=True) as connection:
        connection.execute(sql)


def run_on_each_database(
    command: list[str], *, database: str, only: str | None, keep: bool, env: dict[str, str] | None = None
) -> None:
    """``command`` with ``DATABASE_URL`` set: on PostgreSQL (database ``database``), then on
    SQLite; ``only`` picks one of them."""
    child_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fristad.settings",
        "FRISTAD_DEMO": "0",
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        **(env or {}),
    }
    child_env.setdefault("SECRET_KEY", "bench-only-not-secret")
    if only in (None, "postgresql"):
        _pg_admin(f"DROP DATABASE IF EXISTS {database}")
        _pg_admin(f"CREATE DATABASE {database}")
        url = PG_SERVER.rsplit("/", 1)[0] + "/" + database
        try:
            subprocess.run(command, env={**child_env, "DATABASE_URL": url}, cwd=ROOT, check=True)
        finally:
            if not keep:
                _pg_admin(f"DROP DATABASE IF EXISTS {database}")
    if only in (None, "sqlite"):
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/bench.sqlite3"
            subprocess.run(command, env={**child_env, "DATABASE_URL": url}, cwd=ROOT, check=True)
