"""Benchmark of the anonymous chat's relay against a real uvicorn server on loopback.

N concurrent chats, each with her client (``/ws/chatt/``) and a jourkvinna's console
(``/ws/personal/chatt/``, ``--capacity`` chats per console), exchange ``msg`` frames at a
set rate per side (Poisson or evenly spaced); every received message is acknowledged, as
the pages do, and consoles send their heartbeat every 20 s. It reports delivery latency
(p50/p95/p99, from the sender's ``send`` to the receiver's frame: one clock, since all
clients share this process), delivered messages per second, lost messages (sent minus
received after a drain), and the setup time of the N chats. The same clients then run
against a bare websocket relay (bench/bare_relay.py: no Django, no channel layer, no
database) for the ratio.

A throw-away database (SQLite in a temp dir, or a fresh PostgreSQL database created
next to ``--database-url`` and dropped afterwards) gets one jour that chats and enough
jourkvinnor (each with a TOTP factor, the pledge signed and a session) to hold the chats.
Consoles connect and say they are available, then her clients connect and ``start``,
``--batch`` at a time; after each batch the bench waits until the server has caught up
(a heartbeat answered within 100 ms, no console state for 0.5 s). ``--burst`` starts
them without that pause. Before measuring, every chat relays one ``typing`` frame.

    .venv/bin/python bench/chat_relay.py [--chats 1000] [--rate 0.2] [--seconds 30]
        [--layer memory|redis] [--processes 1|2] [--database-url postgres://...]
        [--baseline-only | --no-baseline] [--profile setup|measure]

With ``--layer redis --processes 2`` her clients talk to one uvicorn process and the
consoles to another, so every message crosses Redis between processes. The server runs
as ``uvicorn.main`` under a small wrapper (``SERVER`` below) that counts the channel
layer's silent drops; ``--plain`` runs the ``uvicorn`` command itself instead.
``--profile`` runs cProfile on the server's event loop and samples its other threads (a
poor man's py-spy) during the setup or the measuring window, and prints where the time
goes, as file:line:function.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import itertools
import json
import math
import os
import random
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

from fristad.web.server import APPLICATION, SERVER_ARGS

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CLK_TCK = os.sysconf("SC_CLK_TCK")
# fristad/chat/consumers.py: a console may send 5 frames a second (burst 30).
CONSOLE_FRAMES_PER_SECOND = 5.0
HEARTBEAT_SECONDS = 20.0
GOAL_P99_MS = 50.0

# Runs a uvicorn server (``uvicorn.main``, as the ``uvicorn`` command does) with three
# instruments. The channel layer's silent drops are counted: a full in-memory channel
# (``ChannelFull``, which ``group_send`` swallows), an in-memory message older than the
# expiry (the layer then removes that channel from all its groups), a channels_redis
# receive buffer dropping its oldest message, a channels_redis group_send skipping a
# channel over capacity (logged at INFO only). The garbage collector's pauses are timed
# (wall and CPU time; those of 5 ms or more with their start on the shared monotonic
# clock). With BENCH_GC_FREEZE=1 the first SIGUSR2 also runs gc.collect(); gc.freeze().
# SIGUSR2 appends the drop counts so far and the pauses since the last SIGUSR2 to
# ``<out>.drops``. And profilers: cProfile on the event loop's thread, a sampler on the
# others (the database thread); SIGUSR1 starts and stops them, stopping writes
# ``<out>.profile``. Argument 1 is ``<out>``, the rest go to uvicorn.
SERVER = r"""
import collections, json, signal, sys, threading, time
out = sys.argv[1]
sys.argv = ["uvicorn", *sys.argv[2:]]
drops = collections.Counter()
from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer
_send = InMemoryChannelLayer.send
async def send(self, channel, message):
    try:
        return await _send(self, channel, message)
    except ChannelFull:
        drops["in-memory channel full, dropped " + str(message.get("type"))] += 1
        raise
InMemoryChannelLayer.send = send
_evict = InMemoryChannelLayer._remove_from_groups
def evict(self, channel):
    drops["in-memory message expired: its channel removed from all groups"] += 1
    return _evict(self, channel)
InMemoryChannelLayer._remove_from_groups = evict
import logging
class OverCapacity(logging.Handler):
    def emit(self, record):
        if "over capacity" in record.msg:
            drops["redis group_send: channel over capacity, message dropped"] += record.args[0]
redis_log = logging.getLogger("channels_redis.core")
redis_log.setLevel(logging.INFO)
redis_log.addHandler(OverCapacity())
redis_log.propagate = False
try:
    from channels_redis.core import BoundedQueue
    _put = BoundedQueue.put_nowait
    def put_nowait(self, item):
        if self.full():
            drops["redis receive buffer full, dropped oldest"] += 1
        return _put(self, item)
    BoundedQueue.put_nowait = put_nowait
except ImportError:
    pass
import gc
import os
pauses = collections.defaultdict(list)
long_pauses = []
gc_started = [0.0, 0.0]
def gc_watch(phase, info):
    if phase == "start":
        gc_started[:] = [time.perf_counter(), time.thread_time()]
    else:
        ms = (time.perf_counter() - gc_started[0]) * 1000
        cpu = (time.thread_time() - gc_started[1]) * 1000
        pauses[info["generation"]].append((ms, cpu, info["collected"]))
        if ms >= 5:
            long_pauses.append((gc_started[0], ms, info["generation"], cpu))
gc.callbacks.append(gc_watch)
freeze = [os.environ.get("BENCH_GC_FREEZE") == "1"]
def snapshot(signum, frame):
    if freeze[0]:
        freeze[0] = False
        gc.collect()
        gc.freeze()
    collections_ = {
        str(g): [len(p), sum(x[0] for x in p), max(x[0] for x in p),
                 sum(x[1] for x in p), sum(x[2] for x in p)]
        for g, p in pauses.items() if p
    }
    line = json.dumps({"drops": drops, "gc": collections_, "long": long_pauses})
    pauses.clear()
    long_pauses.clear()
    with open(out + ".drops", "a") as f:
        f.write(line + "\n")
signal.signal(signal.SIGUSR2, snapshot)

main_ident = threading.get_ident()
on = threading.Event()
own = collections.Counter()
total = collections.Counter()
samples = collections.Counter()
def kind(ident, names):
    if ident == main_ident:
        return "event loop"
    return names.get(ident, "thread").split("_")[0]
def sample():
    me = threading.get_ident()
    while True:
        on.wait()
        names = {t.ident: t.name for t in threading.enumerate()}
        for ident, frame in sys._current_frames().items():
            if ident in (me, main_ident):
                continue
            who = kind(ident, names)
            samples[who] += 1
            seen = set()
            first = True
            while frame is not None:
                code = frame.f_code
                key = (who, code.co_filename.replace("/work/main/", "").split("site-packages/")[-1]
                       + ":" + str(code.co_firstlineno) + ":" + code.co_name)
                if first:
                    own[key] += 1
                    first = False
                if key not in seen:
                    total[key] += 1
                    seen.add(key)
                frame = frame.f_back
        time.sleep(0.002)
import cProfile, io, pstats
loop_profile = [None]
def dump():
    time.sleep(0.05)
    with open(out + ".profile", "w") as f:
        for who, n in samples.most_common():
            f.write(f"== {who} (sampled): {n} samples\n-- self\n")
            for (w, where), k in own.most_common():
                if w == who and k / n >= 0.005:
                    f.write(f"{100 * k / n:6.1f}%  {where}\n")
            f.write("-- inclusive\n")
            for (w, where), k in total.most_common():
                if w == who and k / n >= 0.03:
                    f.write(f"{100 * k / n:6.1f}%  {where}\n")
        text = io.StringIO()
        stats = pstats.Stats(loop_profile[0], stream=text)
        stats.sort_stats("tottime").print_stats(30)
        stats.sort_stats("cumulative").print_stats(40)
        lines = [line for line in text.getvalue().splitlines() if line.strip()]
        lines = [line.replace("/work/main/.venv/lib/python3.11/site-packages/", "") for line in lines]
        lines = [line.replace("/root/.pyenv/versions/3.11.7/lib/python3.11/", "") for line in lines]
        f.write("== event loop (cProfile, seconds)\n" + "\n".join(lines) + "\n")
def toggle(signum, frame):
    if on.is_set():
        on.clear()
        loop_profile[0].disable()
        threading.Thread(target=dump).start()
    else:
        own.clear()
        total.clear()
        samples.clear()
        loop_profile[0] = cProfile.Profile()
        loop_profile[0].enable()
        on.set()
signal.signal(signal.SIGUSR1, toggle)
threading.Thread(target=sample, daemon=True).start()
import uvicorn.main
uvicorn.main.main()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], p: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_megabytes(pid: int) -> float:
    """Resident memory of a process now, in MB (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return math.nan


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def dumps(payload: dict[str, Any]) -> str:
    return json.dumps(payload, separators=(",", ":"))


# --- The throw-away database ----------------------------------------------------------


def setup_database(consoles: int, capacity: int) -> None:
    """One jour that chats and ``consoles`` jourkvinnor ready for the console; prints JSON.

    Runs in a subprocess with the server's environment (``--setup-consoles``).
    """
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from importlib import import_module

    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db import transaction

    from fristad.accounts.models import Membership, Role, User
    from fristad.accounts.selectors import pledge_current
    from fristad.accounts.services import pledge_sign
    from fristad.directory.models import Jour
    from fristad.geo.models import Municipality

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    backend = settings.AUTHENTICATION_BACKENDS[0]
    sessions = []
    with transaction.atomic():
        jour = Jour.objects.create(
            name="Bänkjouren",
            slug="bench-chatt",
            chats=True,
            home_municipality=Municipality.objects.order_by("code").first(),
        )
        version = pledge_current()
        for i in range(consoles):
            user = User.objects.create_user(f"jourkvinna{i}@bench.test", None, full_name=f"Jourkvinna {i}")
            TOTP.activate(user, generate_totp_secret())
            Membership.objects.create(user=user, role=Role.JOURKVINNA, jour=jour, chat_capacity=capacity)
            if version is not None:
                pledge_sign(user=user, version=version)
            store = store_class()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = backend
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            store.create()
            sessions.append(store.session_key)
    print(json.dumps({"jour_id": jour.pk, "jour_slug": jour.slug, "sessions": sessions}))


def pg_create(url: str) -> tuple[str, str]:
    """A fresh database next to the one in ``url``: (its URL, its name)."""
    import psycopg
    from psycopg import sql

    name = f"fristad_bench_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name)), name


def pg_drop(url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def redis_clean(url: str, prefix: str) -> int:
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    for start in range(0, len(keys), 500):
        client.delete(*keys[start : start + 500])
    client.close()
    return len(keys)


# --- Clients --------------------------------------------------------------------------


@dataclass
class Direction:
    name: str
    sent: int = 0
    sent_measured: int = 0
    received: int = 0
    received_measured: int = 0
    acks_sent: int = 0
    acks_received: int = 0
    duplicates: int = 0
    out_of_order: int = 0
    latencies: list[float] = field(default_factory=list)

    @property
    def lost(self) -> int:
        return self.sent - self.received


@dataclass
class Her:
    index: int
    ws: ClientConnection | None = None
    chat: str = ""
    leg: str = ""
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    got_assigned: bool = False
    refused: str = ""
    started_at: float = 0.0
    ready_at: float = 0.0
    probed: asyncio.Event = field(default_factory=asyncio.Event)
    seen: dict[str, set[int]] = field(default_factory=dict)


@dataclass
class Console:
    index: int
    session: str
    ws: ClientConnection | None = None
    chats: set[str] = field(default_factory=set)
    first_state: asyncio.Event = field(default_factory=asyncio.Event)
    available: asyncio.Event = field(default_factory=asyncio.Event)
    pong: asyncio.Future[float] | None = None
    seen: dict[tuple[str, str], set[int]] = field(default_factory=dict)


@dataclass
class Outcome:
    label: str
    layer: str
    processes: int
    chats: int
    chats_ready: int
    consoles_seconds: float
    setup_seconds: float
    ready_ms: list[float]
    assigned_frames: int
    to_staff: Direction
    to_her: Direction
    seconds: float
    errors: Counter[str]
    frames: Counter[str]
    pings: int
    server_cpu: list[float]
    client_cpu: float
    relaying: int
    loop_lag: list[float]
    gc_pauses: list[float]
    drain_seconds: float
    timeline: list[tuple[float, float]]
    server_errors: int = 0
    drops_setup: Counter[str] = field(default_factory=Counter)
    drops_measure: Counter[str] = field(default_factory=Counter)
    server_gc: list[dict[str, list[float]]] = field(default_factory=list)
    server_gc_long: list[tuple[float, float, int, float]] = field(default_factory=list)

    @property
    def latencies(self) -> list[float]:
        return self.to_staff.latencies + self.to_her.latencies

    @property
    def lost(self) -> int:
        return self.to_staff.lost + self.to_her.lost

    @property
    def messages_per_second(self) -> float:
        return (self.to_staff.received_measured + self.to_her.received_measured) / self.seconds


class Load:
    """All clients of one run, in this process's event loop."""

    def __init__(
        self,
        args: argparse.Namespace,
        *,
        her_url: str,
        console_url: str,
        jour_id: int,
        jour_slug: str,
        sessions: list[str],
        server_pids: list[int],
        instrumented: bool,
    ) -> None:
        self.args = args
        self.instrumented = instrumented
        self.her_url = her_url
        self.console_url = console_url
        self.jour_id = jour_id
        self.jour_slug = jour_slug
        self.server_pids = server_pids
        self.hers = [Her(i, leg=f"h{i}") for i in range(args.chats)]
        self.consoles = [Console(i, session) for i, session in enumerate(sessions)]
        self.her_by_chat: dict[str, Her] = {}
        self.console_by_chat: dict[str, Console] = {}
        self.to_staff = Direction("her → jourkvinna")
        self.to_her = Direction("jourkvinna → her")
        self.errors: Counter[str] = Counter()
        self.frames: Counter[str] = Counter()
        self.phase = 0
        self.sending = False
        self.pings = 0
        self.last_state = time.perf_counter()
        self.tasks: list[asyncio.Task[None]] = []
        self.loop_lag: list[float] = []
        self.timeline: list[tuple[float, float]] = []
        self.gc_pauses: list[float] = []
        self.gc_started = 0.0
        self.pad = "x" * max(0, args.body_bytes - 20)
        self.rng = random.Random(args.seed)

    def origin(self, url: str) -> Origin:
        parts = urlsplit(url)
        return Origin(f"http://{parts.netloc}")

    # Receiving

    def _record(self, d: Direction, frame: dict[str, Any], seen: set[int]) -> None:
        now = time.perf_counter()
        seq = frame.get("seq")
        body = frame.get("body", "")
        if not isinstance(seq, int) or not isinstance(body, str) or body.count(" ") < 2:
            self.errors["malformed msg"] += 1
            return
        if seq in seen:
            d.duplicates += 1
            return
        if seen and seq < max(seen):
            d.out_of_order += 1
        seen.add(seq)
        d.received += 1
        stamp, phase, _ = body.split(" ", 2)
        if phase == "1":
            d.received_measured += 1
            latency = (now - float(stamp)) * 1000
            d.latencies.append(latency)
            self.timeline.append((now, latency))

    def _note(self, frame: dict[str, Any]) -> None:
        t = frame.get("t", "?")
        if t in ("error", "refused"):
            self.errors[f"{t} {frame.get('code')}"] += 1
        else:
            self.frames[t] += 1

    def console_knows(self, console: Console, chat: str) -> None:
        self.console_by_chat[chat] = console
        her = self.her_by_chat.get(chat)
        if her is not None:
            her.ready.set()

    async def her_reader(self, her: Her) -> None:
        assert her.ws is not None
        try:
            async for raw in her.ws:
                frame = json.loads(raw)
                t = frame.get("t")
                if t == "msg":
                    leg = str(frame.get("leg"))
                    self._record(self.to_her, frame, her.seen.setdefault(leg, set()))
                    self.to_her.acks_sent += 1
                    await her.ws.send(dumps({"t": "ack", "seq": frame["seq"], "leg": leg}))
                    continue
                if t == "ack":
                    self.to_staff.acks_received += 1
                    continue
                self._note(frame)
                if t == "started":
                    her.chat = frame["chat"]
                    self.her_by_chat[her.chat] = her
                    if her.chat in self.console_by_chat:
                        her.ready.set()
                elif t == "assigned":
                    her.got_assigned = True
                elif t in ("refused", "ended"):
                    her.refused = f"{t} {frame.get('code') or frame.get('by')}"
                    her.ready.set()
        except ConnectionClosed:
            if self.sending or self.phase < 2:
                self.errors["her socket closed"] += 1

    async def console_reader(self, console: Console) -> None:
        assert console.ws is not None
        try:
            async for raw in console.ws:
                frame = json.loads(raw)
                t = frame.get("t")
                if t == "msg":
                    chat, leg = str(frame.get("chat")), str(frame.get("leg"))
                    self._record(self.to_staff, frame, console.seen.setdefault((chat, leg), set()))
                    self.to_staff.acks_sent += 1
                    await console.ws.send(dumps({"t": "ack", "chat": chat, "seq": frame["seq"], "leg": leg}))
                    continue
                if t == "ack":
                    self.to_her.acks_received += 1
                    continue
                if t == "typing":
                    her = self.her_by_chat.get(str(frame.get("chat")))
                    if her is not None:
                        her.probed.set()
                    continue
                self._note(frame)
                if t == "pong" and console.pong is not None and not console.pong.done():
                    console.pong.set_result(time.perf_counter())
                elif t == "state":
                    self.last_state = time.perf_counter()
                    console.first_state.set()
                    if frame.get("available"):
                        console.available.set()
                    console.chats = {c["id"] for c in frame.get("chats", [])}
                    for chat in console.chats:
                        self.console_knows(console, chat)
                elif t == "chat":
                    # A new chat's row, sent with the assignment.
                    console.chats.add(str(frame.get("chat")))
                    self.console_knows(console, str(frame.get("chat")))
        except ConnectionClosed:
            if self.sending or self.phase < 2:
                self.errors["console socket closed"] += 1

    # Sending

    async def heartbeat(self, console: Console) -> None:
        assert console.ws is not None
        await asyncio.sleep(self.rng.uniform(0, HEARTBEAT_SECONDS))
        with contextlib.suppress(ConnectionClosed):
            while True:
                self.pings += 1
                await console.ws.send('{"t":"ping"}')
                await asyncio.sleep(HEARTBEAT_SECONDS)

    async def sender(self, ws: ClientConnection, leg: str, d: Direction, chat: str | None) -> None:
        rate = self.args.rate
        poisson = self.args.timing == "poisson"
        rng = random.Random(self.rng.random())
        loop = asyncio.get_running_loop()
        due = loop.time() + (rng.expovariate(rate) if poisson else rng.uniform(0, 1 / rate))
        seq = 0
        while True:
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            if not self.sending:
                return
            seq += 1
            frame: dict[str, Any] = {
                "t": "msg",
                "seq": seq,
                "leg": leg,
                "body": f"{time.perf_counter():.6f} {self.phase} {self.pad}",
            }
            if chat is not None:
                frame["chat"] = chat
            d.sent += 1
            if self.phase == 1:
                d.sent_measured += 1
            try:
                await ws.send(dumps(frame))
            except ConnectionClosed:
                self.errors["closed while sending"] += 1
                return
            due += rng.expovariate(rate) if poisson else 1 / rate

    # Setup

    async def connect_console(self, console: Console) -> None:
        console.ws = await connect(
            self.console_url,
            origin=self.origin(self.console_url),
            additional_headers={"Cookie": f"sessionid={console.session}"},
            open_timeout=60,
            max_size=65536,
        )
        self.tasks.append(asyncio.create_task(self.console_reader(console)))
        await asyncio.wait_for(console.first_state.wait(), 120)

    async def present_console(self, console: Console) -> None:
        assert console.ws is not None
        await console.ws.send(dumps({"t": "presence", "jour": self.jour_id, "available": True}))
        await asyncio.wait_for(console.available.wait(), 120)
        self.tasks.append(asyncio.create_task(self.heartbeat(console)))

    async def connect_her(self, her: Her) -> None:
        try:
            her.ws = await connect(
                self.her_url, origin=self.origin(self.her_url), open_timeout=60, max_size=65536
            )
        except (TimeoutError, OSError) as error:
            self.errors[f"setup: {type(error).__name__}"] += 1
            return
        self.tasks.append(asyncio.create_task(self.her_reader(her)))

    async def start_her(self, her: Her) -> None:
        if her.ws is None:
            return
        her.started_at = time.perf_counter()
        try:
            await her.ws.send(dumps({"t": "start", "jour": self.jour_slug}))
            await asyncio.wait_for(her.ready.wait(), self.args.setup_timeout)
        except (TimeoutError, ConnectionClosed) as error:
            self.errors[f"setup: {type(error).__name__}"] += 1
            return
        her.ready_at = time.perf_counter()

    async def open_her(self, her: Her, gate: asyncio.Semaphore) -> None:
        async with gate:
            await self.connect_her(her)
            await self.start_her(her)

    async def settle(self, quiet: float = 0.5, limit: float = 300.0, answer: float = 0.1) -> float:
        """Wait until the server has caught up: a console's ``ping`` (the server answers after a
        database write, in line behind all other database work of that process) comes back
        within ``answer`` seconds, and no console got a new state for ``quiet`` seconds.
        Returns the seconds waited."""
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        consoles = [c for c in self.consoles if c.ws is not None and c.available.is_set()]
        for turn in itertools.count():
            console = consoles[turn % len(consoles)]
            assert console.ws is not None
            console.pong = loop.create_future()
            sent = time.perf_counter()
            self.pings += 1
            await console.ws.send('{"t":"ping"}')
            left = started + limit - sent
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(console.pong, max(left, 0.01))
            now = time.perf_counter()
            if now - started >= limit:
                self.errors["setup: server still busy after the settle limit"] += 1
                break
            if now - sent < answer and now - self.last_state > quiet:
                break
            await asyncio.sleep(0.1)
        return time.perf_counter() - started

    async def open_consoles(self) -> None:
        """Consoles connect in batches; each batch says it is available at once, then the
        server catches up (``settle``)."""
        for start in range(0, len(self.consoles), self.args.batch):
            batch = self.consoles[start : start + self.args.batch]
            await asyncio.gather(*(self.connect_console(c) for c in batch))
            await asyncio.gather(*(self.present_console(c) for c in batch))
            await self.settle()

    async def open_hers(self) -> None:
        """Her clients connect in batches; each batch sends ``start`` at once, waits until
        every chat of the batch is on a console, then the server catches up (``settle``).

        With ``--burst`` they connect and start without pause, ``--batch`` at a time.
        """
        if self.args.burst:
            gate = asyncio.Semaphore(self.args.batch)
            await asyncio.gather(*(self.open_her(h, gate) for h in self.hers))
            return
        shown = time.perf_counter()
        for start in range(0, len(self.hers), self.args.batch):
            batch = self.hers[start : start + self.args.batch]
            await asyncio.gather(*(self.connect_her(h) for h in batch))
            await asyncio.gather(*(self.start_her(h) for h in batch))
            await self.settle()
            if time.perf_counter() - shown > 10:
                shown = time.perf_counter()
                done = start + len(batch)
                print(f"  ... {sum(1 for h in self.hers[:done] if h.ready_at)}/{done} chats assigned")

    async def probe(self, ready: list[Her], seconds: float = 15.0) -> int:
        """Her client sends ``typing``: the chat relays when the console gets it."""
        for her in ready:
            assert her.ws is not None
            await her.ws.send('{"t":"typing"}')
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline and not all(h.probed.is_set() for h in ready):
            await asyncio.sleep(0.05)
        return sum(1 for h in ready if h.probed.is_set())

    async def lag_monitor(self) -> None:
        """How late this process's event loop wakes up: the clients' own share of the latency."""
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(0.01)
            if self.phase == 1:
                self.loop_lag.append((loop.time() - before - 0.01) * 1000)

    def gc_watch(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.gc_started = time.perf_counter()
        elif self.phase == 1:
            self.gc_pauses.append((time.perf_counter() - self.gc_started) * 1000)

    async def run(self, label: str, layer: str) -> Outcome:
        args = self.args
        started = time.perf_counter()
        await self.open_consoles()
        consoles_seconds = time.perf_counter() - started
        print(f"  {len(self.consoles)} consoles connected and available in {consoles_seconds:.1f} s")
        started = time.perf_counter()
        self.toggle_profile("setup")
        await self.open_hers()
        assigned_seconds = time.perf_counter() - started
        await self.settle()
        setup_seconds = time.perf_counter() - started
        self.toggle_profile("setup")
        ready = [h for h in self.hers if h.ready_at and not h.refused and h.chat in self.console_by_chat]
        print(
            f"  {len(ready)}/{len(self.hers)} chats assigned in {assigned_seconds:.1f} s,"
            f" server caught up after {setup_seconds:.1f} s"
        )
        relaying = await self.probe(ready)
        print(f"  {relaying}/{len(ready)} chats relay a typing frame from her to the console")
        await self.settle()
        self.snapshot_drops()

        # The setup's objects live until the end: keep the collector from walking them.
        gc.collect()
        gc.freeze()
        gc.callbacks.append(self.gc_watch)
        self.tasks.append(asyncio.create_task(self.lag_monitor()))
        self.sending = True
        for her in ready:
            console = self.console_by_chat[her.chat]
            assert her.ws is not None and console.ws is not None
            self.tasks.append(asyncio.create_task(self.sender(her.ws, her.leg, self.to_staff, None)))
            self.tasks.append(
                asyncio.create_task(self.sender(console.ws, f"s{her.index}", self.to_her, her.chat))
            )
        await asyncio.sleep(args.warmup)
        self.toggle_profile("measure")
        cpu_before = [cpu_seconds(pid) for pid in self.server_pids]
        own_before = own_cpu_seconds()
        self.phase = 1
        await asyncio.sleep(args.seconds)
        self.phase = 2
        self.sending = False
        server_cpu = [
            (cpu_seconds(pid) - before) / args.seconds
            for pid, before in zip(self.server_pids, cpu_before, strict=True)
        ]
        client_cpu = (own_cpu_seconds() - own_before) / args.seconds
        # Memory at the end of the window: every chat open, messages in flight.
        rss = ", ".join(f"{rss_megabytes(pid):.0f} MB" for pid in self.server_pids)
        print(f"  server memory (RSS) with {len(self.hers)} chats open: {rss}")
        gc.callbacks.remove(self.gc_watch)
        self.toggle_profile("measure")
        # Drain: until everything arrived, or nothing more arrived for --drain seconds.
        drain_started = progress_at = time.perf_counter()
        received = -1
        while not self.drained() and time.perf_counter() - progress_at < args.drain:
            now_received = self.to_staff.received + self.to_her.received
            if now_received != received:
                received, progress_at = now_received, time.perf_counter()
            if time.perf_counter() - drain_started > args.drain_limit:
                break
            await asyncio.sleep(0.05)
        drain_seconds = time.perf_counter() - drain_started
        self.snapshot_drops()

        for task in self.tasks:
            task.cancel()
        sockets = [h.ws for h in self.hers if h.ws] + [c.ws for c in self.consoles if c.ws]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True), 20
            )
        gc.unfreeze()
        return Outcome(
            label=label,
            layer=layer,
            processes=len(self.server_pids),
            chats=len(self.hers),
            chats_ready=len(ready),
            consoles_seconds=consoles_seconds,
            setup_seconds=setup_seconds,
            ready_ms=[(h.ready_at - h.started_at) * 1000 for h in ready],
            assigned_frames=sum(1 for h in self.hers if h.got_assigned),
            to_staff=self.to_staff,
            to_her=self.to_her,
            seconds=args.seconds,
            errors=self.errors,
            frames=self.frames,
            pings=self.pings,
            server_cpu=server_cpu,
            client_cpu=client_cpu,
            relaying=relaying,
            loop_lag=self.loop_lag,
            gc_pauses=self.gc_pauses,
            drain_seconds=drain_seconds,
            timeline=self.timeline,
        )

    def snapshot_drops(self) -> None:
        if self.instrumented:
            for pid in self.server_pids:
                os.kill(pid, signal.SIGUSR2)

    def drained(self) -> bool:
        directions = (self.to_staff, self.to_her)
        return all(d.received >= d.sent and d.acks_received >= d.acks_sent for d in directions)

    def toggle_profile(self, when: str) -> None:
        if self.instrumented and self.args.profile == when:
            for pid in self.server_pids:
                os.kill(pid, signal.SIGUSR1)


async def wait_open(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    """Until the server accepts a websocket (her socket needs no session)."""
    deadline = time.perf_counter() + seconds
    origin = Origin(f"http://{urlsplit(url).netloc}")
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            ws = await connect(url, origin=origin, open_timeout=5)
            await ws.close()
            return
        except (OSError, TimeoutError):
            if time.perf_counter() > deadline:
                raise
            await asyncio.sleep(0.2)


# --- Runs -----------------------------------------------------------------------------


def log_summary(text: str) -> Counter[str]:
    """Each logged error message, and each exception a traceback ended in, with its count."""
    summary: Counter[str] = Counter()
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if " ERROR " in line or " WARNING " in line or " CRITICAL " in line:
            summary[line.split(" ", 2)[-1]] += 1
        elif line.startswith("Traceback"):
            end = i + 1
            while end < len(lines) and (lines[end].startswith(" ") or not lines[end].strip()):
                end += 1
            if end < len(lines):
                summary["  -> " + lines[end]] += 1
    return summary


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_fristad(args: argparse.Namespace, tmp: Path, consoles: int) -> Outcome:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CHANNEL_PREFIX")}
    env.update(
        FRISTAD_VAR_DIR=str(tmp),
        DJANGO_SETTINGS_MODULE="fristad.settings",
        LOG_LEVEL="WARNING",
        SECRET_KEY=secrets.token_urlsafe(40),
        DEBUG="false",
        PYTHONWARNINGS="ignore:No directory at:UserWarning",
        REDIS_URL="",
        DATABASE_URL=f"sqlite:///{tmp / 'fristad.sqlite3'}",
        # A thousand chats opened within seconds is the benchmark's set-up, not a flood:
        # the caps on waiting chats and on starts (bench/chat_flood.py measures them) are
        # raised above it, as a federation expecting such a night would raise them.
        CHAT_MAX_WAITING_SITE=str(args.chats * 2),
        CHAT_MAX_WAITING_PER_JOUR=str(args.chats * 2),
        CHAT_STARTS_PER_SECOND=str(max(args.chats, 100)),
        CHAT_STARTS_BURST=str(args.chats * 2),
    )
    pg_name = ""
    prefix = ""
    if args.database_url:
        env["DATABASE_URL"], pg_name = pg_create(args.database_url)
    if args.server_gc_freeze:
        env["BENCH_GC_FREEZE"] = "1"
    if args.layer == "redis":
        prefix = f"fristad-bench-{secrets.token_hex(4)}"
        env.update(REDIS_URL=args.redis_url, CHANNEL_PREFIX=prefix)
    servers: list[subprocess.Popen[bytes]] = []
    logs = [tmp / f"server{i}.log" for i in range(args.processes)]
    try:
        started = time.perf_counter()
        subprocess.run([str(BIN / "fristad"), "migrate", "--no-input", "-v0"], env=env, cwd=ROOT, check=True)
        setup = subprocess.run(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--setup-consoles",
                str(consoles),
                "--capacity",
                str(args.capacity),
            ],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        data = json.loads(setup.stdout.strip().splitlines()[-1])
        print(
            f"  database ({'PostgreSQL ' + pg_name if pg_name else 'SQLite'}) migrated and set up"
            f" in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        ports = [free_port() for _ in range(args.processes)]
        for port, log in zip(ports, logs, strict=True):
            uvicorn_args = [
                APPLICATION,
                *SERVER_ARGS,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ]
            if args.plain:
                command = [str(BIN / "uvicorn"), *uvicorn_args]
            else:
                command = [sys.executable, "-c", SERVER, str(log.with_suffix("")), *uvicorn_args]
            with log.open("wb") as out:
                servers.append(subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=out))
        urls = [f"ws://127.0.0.1:{port}" for port in ports]
        for url, server in zip(urls, servers, strict=True):
            asyncio.run(wait_open(url + "/ws/chatt/", server))
        load = Load(
            args,
            her_url=urls[0] + "/ws/chatt/",
            console_url=urls[-1] + "/ws/personal/chatt/",
            jour_id=data["jour_id"],
            jour_slug=data["jour_slug"],
            sessions=data["sessions"],
            server_pids=[s.pid for s in servers],
            instrumented=not args.plain,
        )
        outcome = asyncio.run(load.run("Fristad", args.layer))
    finally:
        for server in servers:
            stop(server)
        if pg_name:
            pg_drop(args.database_url, pg_name)
        if prefix:
            redis_clean(args.redis_url, prefix)
        for i, log in enumerate(logs):
            running, _, stopping = log.read_text(errors="replace").partition(" Shutting down\n")
            for when, text in (("while running", running), ("while shutting down", stopping)):
                summary = log_summary(text)
                if summary:
                    print(f"  server {i} logged {when}:")
                    for line, n in summary.most_common(12):
                        print(f"    {n:6d} × {line[:160]}")
    for i, log in enumerate(logs):
        running = log.read_text(errors="replace").partition(" Shutting down\n")[0]
        outcome.server_errors += sum(log_summary(running).values())
        drops = log.with_suffix(".drops")
        if drops.exists():
            snapshots = [json.loads(line) for line in drops.read_text().splitlines()]
            if snapshots:
                outcome.drops_setup += Counter(snapshots[0]["drops"])
                outcome.drops_measure += Counter(snapshots[-1]["drops"]) - Counter(snapshots[0]["drops"])
                outcome.server_gc.append(snapshots[-1]["gc"])
                outcome.server_gc_long += [tuple(p) for p in snapshots[-1]["long"]]
        profile = log.with_suffix(".profile")
        if args.profile and profile.exists():
            print(
                f"\n  profile of server {i} ({args.profile}). Sampled threads: self time at"
                " concurrent/futures/thread.py:_worker is an idle database thread. Event loop: cProfile"
                " (its overhead inflates the times), uvloop's own C code and its wait in epoll count"
                " under run_forever:"
            )
            for line in profile.read_text().splitlines()[: args.profile_lines]:
                print(f"    {line}")
    return outcome


def run_bare(args: argparse.Namespace, consoles: int) -> Outcome:
    port = free_port()
    relay = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).resolve().parent / "bare_relay.py"),
            "--port",
            str(port),
            "--capacity",
            str(args.capacity),
        ],
        cwd=ROOT,
    )
    try:
        url = f"ws://127.0.0.1:{port}"
        asyncio.run(wait_open(url + "/ws/chatt/", relay))
        load = Load(
            args,
            her_url=url + "/ws/chatt/",
            console_url=url + "/ws/personal/chatt/",
            jour_id=1,
            jour_slug="bare",
            sessions=[f"bare{i}" for i in range(consoles)],
            server_pids=[relay.pid],
            instrumented=False,
        )
        return asyncio.run(load.run("bare relay", "-"))
    finally:
        stop(relay)


# --- Report ---------------------------------------------------------------------------


def slow_episodes(o: Outcome, gap: float = 0.25) -> None:
    """Messages over the goal, grouped into episodes (received less than ``gap`` s apart),
    each set against the server's garbage collections of 5 ms or more."""
    slow = sorted((t, ms) for t, ms in o.timeline if ms > GOAL_P99_MS)
    episodes: list[list[tuple[float, float]]] = []
    for t, ms in slow:
        if episodes and t - episodes[-1][-1][0] < gap:
            episodes[-1].append((t, ms))
        else:
            episodes.append([(t, ms)])
    if not episodes:
        return
    start = min(t - ms / 1000 for t, ms in o.timeline)
    rows = []
    for episode in episodes:
        begins = min(t - ms / 1000 for t, ms in episode)
        ends = episode[-1][0]
        pauses = [p for p in o.server_gc_long if p[0] < ends and p[0] + p[1] / 1000 > begins]
        rows.append((max(ms for _, ms in episode), begins - start, ends - begins, len(episode), pauses))
    with_gc = sum(1 for row in rows if row[4])
    print(
        f"  messages over {GOAL_P99_MS:g} ms: {len(slow)} in {len(episodes)} episodes;"
        f" {with_gc} episodes overlap a server garbage collection of 5 ms or more"
    )
    for worst, at, length, n, pauses in sorted(rows, reverse=True)[:6]:
        gc_text = ", ".join(f"gen {g} {ms:.0f} ms ({cpu:.0f} CPU)" for _, ms, g, cpu in pauses) or "no GC"
        print(
            f"    at {at:5.1f} s: {n:4d} messages within {length * 1000:5.0f} ms,"
            f" worst {worst:6.1f} ms; {gc_text}"
        )


def report(args: argparse.Namespace, consoles: int, outcomes: list[Outcome]) -> None:
    offered = args.chats * 2 * args.rate
    print()
    print(
        f"{args.chats} chats, {args.rate:g} msg/s per side per chat ({args.timing};"
        f" offered {offered:.0f} msg/s + as many acks), {consoles} consoles × {args.capacity} chats,"
        f" {args.seconds:g} s measured"
        f" after {args.warmup:g} s warm-up, body {args.body_bytes} bytes"
    )
    header = (
        f"{'target':11} {'layer':6} {'procs':>5} {'chats':>6} {'rate':>5} {'setup s':>8} {'msg/s':>7}"
        f" {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} {'lost':>5} {'errors':>6}"
        f" {'server CPU':>11} {'client CPU':>10}"
    )
    print(header)
    print("-" * len(header))
    for o in outcomes:
        lat = o.latencies
        cpu = "+".join(f"{c * 100:.0f}%" for c in o.server_cpu)
        print(
            f"{o.label:11} {o.layer:6} {o.processes:>5} {o.chats_ready:>6} {args.rate:>5g}"
            f" {o.setup_seconds:>8.1f} {o.messages_per_second:>7.1f} {percentile(lat, 50):>7.2f}"
            f" {percentile(lat, 95):>7.2f} {percentile(lat, 99):>7.2f} {max(lat, default=math.nan):>7.1f}"
            f" {o.lost:>5} {sum(o.errors.values()):>6} {cpu:>11} {o.client_cpu * 100:>9.0f}%"
        )
    fristad = next((o for o in outcomes if o.label == "Fristad"), None)
    bare = next((o for o in outcomes if o.label == "bare relay"), None)
    if fristad and bare and bare.latencies and fristad.latencies:
        ratios = [percentile(fristad.latencies, p) / percentile(bare.latencies, p) for p in (50, 95, 99)]
        print(
            f"{'ratio Fristad ÷ bare':41} {'':7} {ratios[0]:>6.1f}× {ratios[1]:>6.1f}× {ratios[2]:>6.1f}×"
            f"   setup {fristad.setup_seconds / max(bare.setup_seconds, 1e-9):.0f}×"
        )
    for o in outcomes:
        print(f"\n{o.label}:")
        print(
            f"  setup: consoles {o.consoles_seconds:.1f} s; {o.chats_ready}/{o.chats} chats ready in"
            f" {o.setup_seconds:.1f} s, time to assigned p50 {percentile(o.ready_ms, 50):.0f} ms,"
            f" p99 {percentile(o.ready_ms, 99):.0f} ms; 'assigned' frames her clients got:"
            f" {o.assigned_frames}/{o.chats}"
        )
        print(f"  drain after the measuring window: {o.drain_seconds:.1f} s")
        for d in (o.to_staff, o.to_her):
            print(
                f"  {d.name}: sent {d.sent}, received {d.received}, lost {d.lost},"
                f" duplicates {d.duplicates}, out of order {d.out_of_order},"
                f" acks lost {d.acks_sent - d.acks_received};"
                f" p50 {percentile(d.latencies, 50):.2f} ms, p99 {percentile(d.latencies, 99):.2f} ms"
            )
        print(f"  chats relaying a typing frame before measuring: {o.relaying}/{o.chats_ready}")
        print(f"  heartbeats sent {o.pings}, pongs {o.frames['pong']}; other frames: {dict(o.frames)}")
        print(
            f"  client event loop lag p50 {percentile(o.loop_lag, 50):.2f} ms,"
            f" p99 {percentile(o.loop_lag, 99):.2f} ms, max {max(o.loop_lag, default=math.nan):.1f} ms;"
            f" client GC pauses {len(o.gc_pauses)}, max {max(o.gc_pauses, default=0):.1f} ms"
        )
        if o.errors:
            print(f"  errors: {dict(o.errors)}")
        if o.label == "Fristad":
            print(f"  server log errors/tracebacks before shutdown: {o.server_errors}")
            print(f"  channel layer drops during setup: {dict(o.drops_setup) or 'none'}")
            print(f"  channel layer drops while measuring: {dict(o.drops_measure) or 'none'}")
            for i, pauses in enumerate(o.server_gc):
                text = "; ".join(
                    f"generation {g}: {int(n)} pauses, {total:.0f} ms in all ({cpu:.0f} ms CPU),"
                    f" longest {longest:.1f} ms, {int(freed)} objects freed"
                    for g, (n, total, longest, cpu, freed) in sorted(pauses.items())
                )
                print(f"  server {i} garbage collection, warm-up to drain: {text or 'none'}")
            slow_episodes(o)
            p99 = percentile(o.latencies, 99)
            met = p99 <= GOAL_P99_MS and o.lost == 0 and o.chats_ready == o.chats
            print(
                f"  goal (all {o.chats} chats, p99 ≤ {GOAL_P99_MS:g} ms, none lost):"
                f" {'met' if met else 'NOT met'}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=0.2, help="messages per second per side per chat")
    parser.add_argument("--seconds", type=float, default=30.0, help="measuring time")
    parser.add_argument("--warmup", type=float, default=3.0, help="sending before measuring")
    parser.add_argument(
        "--drain",
        type=float,
        default=5.0,
        help="after measuring, wait until nothing more arrived for this long",
    )
    parser.add_argument("--drain-limit", type=float, default=120.0, help="but no longer than this")
    parser.add_argument("--layer", choices=("memory", "redis"), default="memory")
    parser.add_argument("--processes", type=int, choices=(1, 2), default=1)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="PostgreSQL to create a throw-away database next to (default: SQLite in a temp dir)",
    )
    parser.add_argument("--capacity", type=int, default=10, help="chats per jourkvinna")
    parser.add_argument("--batch", type=int, default=100, help="sockets opened at once during setup")
    parser.add_argument(
        "--burst",
        action="store_true",
        help="start her clients without pausing for the consoles between batches",
    )
    parser.add_argument("--setup-timeout", type=float, default=120.0, help="per chat, to be assigned")
    parser.add_argument("--body-bytes", type=int, default=120)
    parser.add_argument("--timing", choices=("poisson", "even"), default="poisson")
    parser.add_argument("--seed", type=int, default=1)
    baseline = parser.add_mutually_exclusive_group()
    baseline.add_argument("--baseline-only", action="store_true")
    baseline.add_argument("--no-baseline", action="store_true")
    parser.add_argument(
        "--profile",
        choices=("setup", "measure"),
        help="sample the server's threads while her clients start (setup) or while measuring",
    )
    parser.add_argument("--profile-lines", type=int, default=120)
    parser.add_argument(
        "--plain", action="store_true", help="run the uvicorn command itself, without drop counts or profile"
    )
    parser.add_argument(
        "--server-gc-freeze",
        action="store_true",
        help="experiment: the server wrapper calls gc.freeze() once the chats are set up",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (server logs, SQLite file)")
    parser.add_argument("--setup-consoles", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    if args.setup_consoles is not None:
        setup_database(args.setup_consoles, args.capacity)
        return
    if args.processes == 2 and args.layer != "redis":
        parser.error("two processes need --layer redis")
    if args.database_url and not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("--database-url must be PostgreSQL")
    consoles = math.ceil(args.chats / args.capacity)
    per_console = args.capacity * args.rate * 2 + 1 / HEARTBEAT_SECONDS
    if per_console > CONSOLE_FRAMES_PER_SECOND:
        print(
            f"warning: a console sends {per_console:.1f} frames/s (messages and acks), over the server's"
            f" {CONSOLE_FRAMES_PER_SECOND:g}/s limit: expect slow_down errors; lower --capacity",
            file=sys.stderr,
        )
    outcomes = []
    tmp = Path(tempfile.mkdtemp(prefix="fristad-chat-bench-"))
    try:
        if not args.baseline_only:
            print(f"Fristad, {args.layer} layer, {args.processes} process(es):", flush=True)
            outcomes.append(run_fristad(args, tmp, consoles))
        if not args.no_baseline:
            print("bare relay:", flush=True)
            outcomes.append(run_bare(args, consoles))
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    report(args, consoles, outcomes)


if __name__ == "__main__":
    main()
