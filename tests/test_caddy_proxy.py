"""deploy/Caddyfile in front of two app processes: TLS, websockets, load balancing,
the forwarded scheme, /metrics closed, draining a stopped process, and no client in the log.

Runs Debian's Caddy (``/usr/bin/caddy``; ``scripts/ensure-caddy.sh`` installs it) on the
real Caddyfile with only what a laptop needs changed: ``tls internal``, a ``.localhost``
name, high ports, no admin API, and two local uvicorn servers as the upstreams. Without
Caddy it skips (fails with FRISTAD_REQUIRE_SERVICES=1).

The upstreams listen on ``[::1]`` and the test connects to Caddy from ``127.0.0.1``, so
``127.0.0.1`` in Caddy's log could only be a client's address.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.test_settings_and_services import REQUIRE

pytestmark = pytest.mark.services

ROOT = Path(__file__).resolve().parent.parent
CADDYFILE = ROOT / "deploy" / "Caddyfile"
CADDY = Path("/usr/bin/caddy")
BIN = Path(sys.executable).parent
DOMAIN = "fristad.localhost"
CLIENT_ADDRESS = "127.0.0.1"

# The upstreams: answers every HTTP request with what it saw, echoes websocket text.
UPSTREAM_APP = """
import json, os

NAME = os.environ["UPSTREAM_NAME"]


async def app(scope, receive, send):
    if scope["type"] == "http":
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        body = json.dumps({"upstream": NAME, "path": scope["path"], "headers": headers}).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})
    elif scope["type"] == "websocket":
        await receive()
        await send({"type": "websocket.accept"})
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            await send({"type": "websocket.send", "text": NAME + ":" + message["text"]})
"""


def need_caddy() -> None:
    if not CADDY.exists():
        message = f"{CADDY} is missing: this test needs Debian's caddy (bash scripts/ensure-caddy.sh)"
        if REQUIRE:
            pytest.fail(message)
        pytest.skip(message)


def free_port(host: str) -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def wait_for_port(host: str, port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection((host, port), timeout=0.5).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nothing listens on {host}:{port}:\n{log.read_text()}") from None
            time.sleep(0.1)


def derive_caddyfile(text: str, *, http_port: int, https_port: int, upstreams: list[str]) -> str:
    """The production Caddyfile with only the laptop's differences; fails if they no longer apply."""
    local_globals = (
        "{\n"
        # No admin API to collide with another Caddy; listening on this machine only.
        "\tadmin off\n"
        "\tdefault_bind localhost\n"
        f"\thttp_port {http_port}\n"
        f"\thttps_port {https_port}\n"
        # The internal CA stays in the test's data dir, out of the system's trust store.
        "\tskip_install_trust\n"
    )
    derived, n = re.subn(r"\A((?:#[^\n]*\n|\n)*)\{\n", lambda m: m.group(1) + local_globals, text)
    assert n == 1, "deploy/Caddyfile should open with a global options block"
    derived, n = re.subn(
        r"^\{\$FRISTAD_DOMAIN\} \{\n", lambda _: f"{DOMAIN} {{\n\ttls internal\n", derived, flags=re.M
    )
    assert n == 1, "deploy/Caddyfile should have one site, {$FRISTAD_DOMAIN}"
    derived, n = re.subn(
        r"^(\s*reverse_proxy)((?: [\w.:-]+)+) \{", rf"\1 {' '.join(upstreams)} {{", derived, flags=re.M
    )
    assert n == 1, "deploy/Caddyfile should have one reverse_proxy with its upstreams"
    return derived


@dataclass
class Proxy:
    https_port: int
    http_port: int
    context: ssl.SSLContext
    log: Path
    upstreams: dict[str, subprocess.Popen[bytes]]

    def request(
        self, path: str, headers: dict[str, str] | None = None
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        """A request to Caddy over TLS, verified against its internal CA, from 127.0.0.1."""
        connection = _LocalHTTPS(DOMAIN, self.https_port, context=self.context, timeout=10)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()


class _LocalHTTPS(http.client.HTTPSConnection):
    """Connects to 127.0.0.1 while the name (SNI, certificate, Host) is the site's."""

    def connect(self) -> None:
        sock = socket.create_connection((CLIENT_ADDRESS, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[Proxy]:
    need_caddy()
    (tmp_path / "upstream_app.py").write_text(UPSTREAM_APP)
    processes: list[subprocess.Popen[bytes]] = []
    upstreams: dict[str, subprocess.Popen[bytes]] = {}
    try:
        addresses = []
        for name in ("app1", "app2"):
            port = free_port("::1")
            log = tmp_path / f"{name}.log"
            command = [str(BIN / "uvicorn"), "upstream_app:app", "--app-dir", str(tmp_path), "--host", "::1"]
            command += ["--port", str(port), "--no-access-log", "--no-server-header", "--lifespan", "off"]
            process = subprocess.Popen(
                command,
                env={**os.environ, "UPSTREAM_NAME": name},
                stdout=log.open("wb"),
                stderr=subprocess.STDOUT,
            )
            processes.append(process)
            upstreams[name] = process
            wait_for_port("::1", port, process, log)
            addresses.append(f"[::1]:{port}")

        https_port, http_port = free_port(CLIENT_ADDRESS), free_port(CLIENT_ADDRESS)
        config = tmp_path / "Caddyfile"
        config.write_text(
            derive_caddyfile(
                CADDYFILE.read_text(), http_port=http_port, https_port=https_port, upstreams=addresses
            )
        )
        log = tmp_path / "caddy.log"
        caddy = subprocess.Popen(
            [str(CADDY), "run", "--config", str(config), "--adapter", "caddyfile"],
            env={
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "HOME": str(tmp_path),
                "XDG_DATA_HOME": str(tmp_path / "data"),
                "XDG_CONFIG_HOME": str(tmp_path / "config"),
                "FRISTAD_ACME_EMAIL": "it@example.org",
            },
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        processes.append(caddy)
        wait_for_port(CLIENT_ADDRESS, https_port, caddy, log)
        root = tmp_path / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
        deadline = time.monotonic() + 15
        while not root.exists():
            if time.monotonic() > deadline:
                raise RuntimeError(f"Caddy made no internal CA:\n{log.read_text()}")
            time.sleep(0.1)
        context = ssl.create_default_context(cafile=str(root))
        result = Proxy(https_port, http_port, context, log, upstreams)
        # The site's certificate is issued in the background just after start.
        while True:
            try:
                if result.request("/healthz")[0] == 200:
                    break
            except (OSError, ssl.SSLError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"Caddy does not answer over TLS:\n{log.read_text()}")
            time.sleep(0.2)
        yield result
    finally:
        for process in reversed(processes):
            _stop(process)


def test_caddy_in_front_of_two_app_processes(proxy: Proxy) -> None:
    from websockets.asyncio.client import connect

    canary = f"canary-{uuid.uuid4().hex}"
    seen: dict[str, int] = {}
    for _ in range(24):
        status, headers, body = proxy.request(
            f"/hitta?postnummer={canary}",
            # A client may send anything: the scheme the app trusts is Caddy's own.
            {"User-Agent": canary, "X-Forwarded-Proto": "http", "X-Forwarded-For": "203.0.113.9"},
        )
        assert status == 200
        assert "Server" not in headers, "header -Server: the proxy names no software"
        answer = json.loads(body)
        assert answer["headers"]["x-forwarded-proto"] == "https"
        assert "203.0.113.9" not in answer["headers"]["x-forwarded-for"]
        assert answer["headers"]["host"] == f"{DOMAIN}:{proxy.https_port}"
        seen[answer["upstream"]] = seen.get(answer["upstream"], 0) + 1
    assert set(seen) == {"app1", "app2"}, f"requests were not spread over both processes: {seen}"

    # Metrics are for the internal network only: the proxy answers 404 without asking an app.
    for path in ("/metrics", "/metrics/", "/metrics?format=prometheus", "/metrics/x"):
        status, headers, body = proxy.request(path, {"Authorization": "Bearer anything"})
        assert status == 404, path
        assert b"upstream" not in body, path

    # Plain HTTP is sent to HTTPS.
    plain = http.client.HTTPConnection(CLIENT_ADDRESS, proxy.http_port, timeout=5)
    plain.request("GET", "/", headers={"Host": DOMAIN})
    redirect = plain.getresponse()
    assert redirect.status in (301, 308) and redirect.headers["Location"].startswith(f"https://{DOMAIN}")
    plain.close()

    async def echo(word: str) -> str:
        async with connect(
            f"wss://{DOMAIN}:{proxy.https_port}/ws/chatt/",
            ssl=proxy.context,
            host=CLIENT_ADDRESS,
            port=proxy.https_port,
            proxy=None,
            user_agent_header=canary,
        ) as ws:
            await ws.send(word)
            return str(await asyncio.wait_for(ws.recv(), 5))

    upstream, _, text = asyncio.run(echo("hej")).partition(":")
    assert upstream in ("app1", "app2") and text == "hej"

    # One process stops (an upgrade restarts them one at a time): nothing fails.
    _stop(proxy.upstreams["app1"])
    for _ in range(12):
        status, _headers, body = proxy.request(f"/?q={canary}", {"User-Agent": canary})
        assert status == 200
        assert json.loads(body)["upstream"] == "app2"
    upstream, _, text = asyncio.run(echo("fortfarande här")).partition(":")
    assert (upstream, text) == ("app2", "fortfarande här")

    # Both stop: a 502, the one answer that makes Caddy write an error line with the request.
    _stop(proxy.upstreams["app2"])
    status, _headers, _body = proxy.request(f"/chatt/?q={canary}", {"User-Agent": canary})
    assert status == 502
    # A TLS handshake that fails, and garbage, from the same client.
    with socket.create_connection((CLIENT_ADDRESS, proxy.https_port), timeout=5) as raw:
        raw.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        raw.recv(100)
    time.sleep(0.5)

    log = proxy.log.read_text()
    assert "reverse_proxy" in log or "tls" in log, "Caddy's log is unexpectedly empty: is it captured?"
    for line in log.splitlines():
        assert CLIENT_ADDRESS not in line, f"Caddy logged a client address: {line}"
        assert canary not in line, f"Caddy logged a request (user agent or query): {line}"
