"""Benchmark of the public site against a real uvicorn server on loopback.

Builds a throw-away SQLite database with the demo network, starts uvicorn, and
measures, per URL: latency percentiles over sequential requests, throughput with
concurrent clients, and the compressed wire weight of each page with its CSS and
JS. The baseline is a static file served by the same process (WhiteNoise), so the
ratios say what the page costs beyond the server's floor on this machine.

    .venv/bin/python bench/public_site.py [--requests 300] [--seconds 5] [--clients 8]
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str, gzip: bool = True) -> tuple[int, bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip else {})
    with urllib.request.urlopen(request, timeout=10) as response:  # loopback only
        return response.status, response.read(), dict(response.headers)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def latency(url: str, n: int) -> list[float]:
    timings = []
    for _ in range(n):
        started = time.perf_counter()
        status, _, _ = fetch(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert status == 200, (url, status)
    return timings


def throughput(url: str, seconds: float, clients: int) -> float:
    count = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        nonlocal count
        done = 0
        while time.perf_counter() < deadline:
            fetch(url)
            done += 1
        with lock:
            count += done

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return count / seconds


def wire_weight(base: str, path: str) -> tuple[int, int]:
    """Compressed bytes of the HTML and of every CSS/JS it references."""
    _, html, _ = fetch(base + path)
    _, plain, _ = fetch(base + path, gzip=False)
    assets = re.findall(rb'(?:src|href)="(/static/[^"]+\.(?:css|js))"', plain)
    total = len(html)
    for asset in dict.fromkeys(assets):
        _, body, _ = fetch(base + asset.decode())
        total += len(body)
    return len(html), total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="fristad-bench-")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(FRISTAD_VAR_DIR=tmp, DJANGO_SETTINGS_MODULE="fristad.settings", LOG_LEVEL="WARNING")
    cli = str(BIN / "fristad")
    for command in (["migrate", "--no-input", "-v0"], ["demo"], ["collectstatic", "--no-input", "-v0"]):
        subprocess.run([cli, *command], env=env, cwd=ROOT, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [
            str(BIN / "uvicorn"),
            "fristad.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                fetch(base + "/")
                break
            except OSError:
                time.sleep(0.1)
        _, home_plain, _ = fetch(base + "/", gzip=False)
        css = re.search(rb'href="(/static/web/site[^"]*\.css)"', home_plain)
        assert css, "no stylesheet on the home page"
        urls = {
            "baseline: static CSS": css.group(1).decode(),
            "home": "/",
            "search 115 20": "/sok/?q=115+20",
            "search Malmö, open now": "/sok/?q=Malm%C3%B6&open=1",
            "jour page": "/jour/demo-kiruna/",
            "all jourer": "/jourer/",
            "jourer.json": "/jourer.json",
        }
        for path in urls.values():
            latency(base + path, 20)  # warm up
        print(f"{'url':28} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'x base':>7} {'req/s':>8}")
        baseline_median = None
        for label, path in urls.items():
            timings = latency(base + path, args.requests)
            median = statistics.median(timings)
            baseline_median = baseline_median or median
            rate = throughput(base + path, args.seconds, args.clients)
            print(
                f"{label:28} {median:8.2f} {percentile(timings, 95):8.2f} {percentile(timings, 99):8.2f}"
                f" {median / baseline_median:7.1f} {rate:8.0f}"
            )
        print()
        print(f"{'page':28} {'HTML gz':>8} {'+CSS+JS':>8}  (budget 14336 bytes)")
        for label, path in (
            ("home", "/"),
            ("search 115 20", "/sok/?q=115+20"),
            ("jour page", "/jour/demo-kiruna/"),
        ):
            html, total = wire_weight(base, path)
            print(f"{label:28} {html:8d} {total:8d}")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
