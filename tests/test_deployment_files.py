"""The deployment files agree with each other and with the settings: compose.yaml, the
Containerfile, deploy/Caddyfile and deploy/fristad.env.example (docs/operations.md)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "compose.yaml"
CONTAINERFILE = ROOT / "Containerfile"
CADDYFILE = ROOT / "deploy" / "Caddyfile"
ENV_EXAMPLE = ROOT / "deploy" / "fristad.env.example"
SETTINGS = ROOT / "fristad" / "settings.py"
IGNORE = ROOT / ".dockerignore"

# What a production deployment must set (docs/operations.md); the example lists each.
PRODUCTION_VARIABLES = {
    "SECRET_KEY",
    "SECRET_KEY_FALLBACKS",
    "FIELD_ENCRYPTION_KEYS",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "SITE_URL",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_COOKIES",
    "SECURE_PROXY_SSL_HEADER",
    "FORWARDED_ALLOW_IPS",
    "METRICS_TOKEN",
    "SENTRY_DSN",
    "DEBUG",
    "LOG_LEVEL",
}


@pytest.fixture(scope="module")
def services() -> dict[str, dict[str, Any]]:
    compose = yaml.safe_load(COMPOSE.read_text())
    result: dict[str, dict[str, Any]] = compose["services"]
    return result


def command_of(service: dict[str, Any]) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else str(command)


def app_services(services: dict[str, dict[str, Any]]) -> list[str]:
    """The services that run ``fristad serve`` (explicitly or as the image's default)."""
    return [
        name
        for name, service in services.items()
        if "build" in service and ("serve" in command_of(service) or "command" not in service)
    ]


def settings_variables() -> set[str]:
    """Every variable settings.py reads: env.str("X", …), env.db_url(\n "X", …), …"""
    return set(re.findall(r"\benv\.\w+\(\s*\"([A-Z][A-Z0-9_]*)\"", SETTINGS.read_text()))


def example_variables() -> set[str]:
    """Every KEY= in the example, set or commented out (# KEY=…)."""
    return set(re.findall(r"^(?:# ?)?([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), flags=re.M))


def test_every_long_running_service_has_a_health_check(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        if name == "migrate":
            assert "migrate --no-input" in command_of(service)
            assert service.get("restart") == "no", "migrate runs once"
            continue
        test = service.get("healthcheck", {}).get("test")
        assert test, f"{name} has no health check"


def test_two_app_processes_behind_the_migration_and_redis(services: dict[str, dict[str, Any]]) -> None:
    apps = app_services(services)
    assert len(apps) >= 2, f"at least two app processes, found {apps}"
    for name in apps:
        service = services[name]
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"
        # The health check asks /readyz with Python (the slim image has no curl).
        check = " ".join(service["healthcheck"]["test"])
        assert "python" in check and "http://127.0.0.1:8000/readyz" in check
        assert "ports" not in service, f"{name} publishes a port: only Caddy may"


def test_the_worker_and_its_check(services: dict[str, dict[str, Any]]) -> None:
    workers = [s for s in services.values() if command_of(s).endswith("fristad worker")]
    assert len(workers) == 1
    assert "worker --check" in " ".join(workers[0]["healthcheck"]["test"])
    assert workers[0]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_backing_services(services: dict[str, dict[str, Any]]) -> None:
    assert re.search(r"postgres:1[56]\b", services["postgres"]["image"])
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert any("/var/lib/postgresql/data" in v for v in services["postgres"]["volumes"])
    assert re.search(r"redis:7\b", services["redis"]["image"])
    redis = command_of(services["redis"])
    assert "--save  --appendonly no" in redis or "--save '' --appendonly no" in redis, redis
    caddy = services["caddy"]
    assert re.search(r"caddy:2\b", caddy["image"])
    assert {"80:80", "443:443"} <= set(caddy["ports"])
    assert any(v.startswith("./deploy/Caddyfile:/etc/caddy/Caddyfile") for v in caddy["volumes"])
    assert any(v.split(":")[1] == "/data" for v in caddy["volumes"]), "certificates must persist"
    published = [name for name, service in services.items() if service.get("ports")]
    assert published == ["caddy"]


def test_secrets_come_from_env_files_only(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        if "build" in service:
            assert service["env_file"] == "fristad.env", name
        for key in service.get("environment", {}) or {}:
            assert not re.search(r"SECRET|PASSWORD|KEY|TOKEN|DSN|_URL", str(key)), f"{name} sets {key} inline"
    text = COMPOSE.read_text()
    assert not re.search(r"(?i)(secret_key|password|_token|fernet)\s*[:=]\s*\S", text)
    assert not re.search(r"postgres(ql)?://[^@\s]*:[^@\s]+@", text), "a database URL with a password"
    # Env files never reach the build context, so never an image layer.
    ignored = IGNORE.read_text().split()
    assert {"fristad.env", ".venv", "var", "node_modules", ".git", "staticfiles"} <= set(ignored)


def test_containerfile_is_slim_and_unprivileged() -> None:
    text = CONTAINERFILE.read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    code = "\n".join(lines)
    assert re.search(r"^ARG BASE=docker\.io/library/debian:bookworm-slim$", code, flags=re.M)
    assert re.search(r"^FROM \$\{BASE\}", code, flags=re.M)
    users = re.findall(r"^USER (\S+)", code, flags=re.M)
    assert users and users[-1] not in ("root", "0"), "the image runs as a user, not root"
    assert "collectstatic --no-input" in code
    assert re.search(r"pip install [^\n]*-c constraints\.txt \.(\s|$)", code)
    assert "[dev]" not in code and " -e " not in code, "no editable install, no dev extras"
    assert "--no-cache-dir" in code
    assert not re.search(r"\b(gcc|build-essential|g\+\+|python3-dev)\b", code), "no compilers"
    assert "EXPOSE 8000" in code
    assert 'CMD ["fristad", "serve", "--host", "0.0.0.0", "--port", "8000"]' in code
    # The throwaway key lives in the collectstatic RUN only, never in an ENV.
    for line in re.findall(r"^ENV .*(?:\\\n.*)*", code, flags=re.M):
        assert "SECRET_KEY" not in line


def test_caddy_proxies_to_every_app_and_closes_metrics(services: dict[str, dict[str, Any]]) -> None:
    text = CADDYFILE.read_text()
    code = "\n".join(line.split("#")[0] for line in text.splitlines())
    upstreams = re.findall(r"^\s*reverse_proxy ([^{\n]+)", code, flags=re.M)
    assert len(upstreams) == 1
    assert set(upstreams[0].split()) == {f"{name}:8000" for name in app_services(services)}
    assert re.search(r"@metrics path /metrics\b", code) and re.search(r"respond @metrics 404", code)
    assert re.search(r"^\s*header -Server$", code, flags=re.M)
    assert re.search(r"^\s*health_uri /healthz$", code, flags=re.M)
    assert "{$FRISTAD_DOMAIN}" in code
    # No access log: the only log block is the global default logger's, which excludes the
    # loggers that write requests.
    logs = re.findall(r"^\s*log\b.*$", code, flags=re.M)
    assert [line.strip() for line in logs] == ["log default {"], logs
    assert re.search(r"exclude http\.log\.error\b", code)


def test_env_example_lists_only_what_settings_read() -> None:
    read = settings_variables()
    listed = example_variables()
    assert len(read) > 20, "the settings' env.*() calls were not found: has the style changed?"
    assert listed - read == set(), f"the example lists variables settings.py does not read: {listed - read}"
    missing = PRODUCTION_VARIABLES - listed
    assert missing == set(), f"missing from the example: {missing}"


def test_env_example_holds_no_secret() -> None:
    values = dict(
        re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", ENV_EXAMPLE.read_text(), flags=re.M),
    )
    for key in ("SECRET_KEY", "SECRET_KEY_FALLBACKS", "FIELD_ENCRYPTION_KEYS", "METRICS_TOKEN", "SENTRY_DSN"):
        assert values[key] == "", f"{key} must be empty in the example: each server makes its own"
    assert not re.search(r"postgres://[^:]+:[^@]+@", values["DATABASE_URL"])
    assert values["DEBUG"] == "false"
