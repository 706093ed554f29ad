"""Flood benchmark of chat starts: a script floods her socket while real chats go on.

``fristad serve`` (SQLite in a temp dir, the in-memory channel layer) gets one jour that
chats and ``--consoles`` jourkvinnor who are available. A separate process opens
``--flood`` websockets on loopback (127.0.0.1 only), each sending ``start`` with no
session token, ``--concurrency`` at a time, and holds them open; it stops by itself after
``--flood-seconds``. Meanwhile ``--real`` help-seekers start chats (one every second from
the flood's start; a refused one tries again on the same socket every ``--retry``
seconds, as a person pressing the button again) and the consoles answer: a chat whose first message does not
come within ``--spam-after`` seconds is ended as spam, a real one talks ``--messages``
messages each way, every one acknowledged.

It prints how many flood starts were refused with ``busy`` (and how the others went),
how many real chats were answered and the time from her first ``start`` to ``assigned``
(median, p95), the longest queue a console saw, the server's resident memory, whether
every real message arrived, and what the server logged.

    .venv/bin/python bench/chat_flood.py [--flood 5000] [--concurrency 500] [--real 5]
        [--consoles 3] [--flood-target jour|network] [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

sys.path.insert(0, str(Path(__file__).resolve().parent))
from chat_relay import cpu_seconds, free_port, log_summary, percentile, stop, wait_open

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOOPBACK = "127.0.0.1"


def raise_open_files() -> int:
    """As many open files as the hard limit allows (5,000 sockets on each side)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 65536
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def dumps(payload: dict[str, Any]) -> str:
    return json.dumps(payload, separators=(",", ":"))


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# --- The flood (its own process) ------------------------------------------------------


async def flood(
    url: str, *, count: int, concurrency: int, seconds: float, hold: float, jour: str
) -> dict[str, Any]:
    """``count`` sockets each send one ``start``; held open until ``hold`` seconds after the
    flood began, all closed by ``seconds``. Returns the counts of the answers."""
    assert urlsplit(url).hostname == LOOPBACK, "the flood goes to 127.0.0.1 only"
    origin = Origin(f"http://{urlsplit(url).netloc}")
    outcomes: Counter[str] = Counter()
    gate = asyncio.Semaphore(concurrency)
    held: list[ClientConnection] = []
    began = time.perf_counter()
    sent_times: list[float] = []

    async def one() -> None:
        async with gate:
            try:
                ws = await connect(url, origin=origin, open_timeout=10, max_size=65536)
            except (OSError, TimeoutError) as error:
                outcomes[f"connect failed ({type(error).__name__})"] += 1
                return
            held.append(ws)
            frame: dict[str, Any] = {"t": "start"}
            if jour:
                frame["jour"] = jour
            try:
                await ws.send(dumps(frame))
                sent_times.append(time.perf_counter() - began)
                async with asyncio.timeout(10):
                    while True:
                        answer = json.loads(await ws.recv())
                        if answer["t"] in ("started", "refused", "error"):
                            break
            except (TimeoutError, ConnectionClosed) as error:
                outcomes[f"no answer ({type(error).__name__})"] += 1
                return
            if answer["t"] == "started":
                outcomes["started"] += 1
            else:
                outcomes[f"{answer['t']} {answer.get('code')}"] += 1

    try:
        async with asyncio.timeout(seconds):
            await asyncio.gather(*(one() for _ in range(count)))
            outcomes_done = time.perf_counter() - began
            await asyncio.sleep(max(0.0, hold - outcomes_done))
    except TimeoutError:
        outcomes["stopped by the time limit"] += 1
        outcomes_done = time.perf_counter() - began
    await asyncio.gather(*(ws.close() for ws in held), return_exceptions=True)
    return {
        "outcomes": dict(outcomes),
        "seconds": outcomes_done,
        "sent_seconds": max(sent_times) if sent_times else 0.0,
        "held": len(held),
    }


# --- Real help-seekers and consoles (this process) -------------------------------------


@dataclass
class Her:
    index: int
    ws: ClientConnection | None = None
    chat: str = ""
    attempts: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    first_start: float = 0.0
    assigned_at: float = 0.0
    got: set[int] = field(default_factory=set)
    acked: set[int] = field(default_factory=set)
    done: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class World:
    her_url: str
    console_url: str
    jour_id: int
    jour_slug: str
    sessions: list[str]
    args: argparse.Namespace
    real_chats: dict[str, Her] = field(default_factory=dict)
    staff_got: dict[str, set[int]] = field(default_factory=dict)
    staff_acked: dict[str, set[int]] = field(default_factory=dict)
    spam_ended: int = 0
    max_queue: int = 0
    console_errors: Counter[str] = field(default_factory=Counter)

    def origin(self, url: str) -> Origin:
        return Origin(f"http://{urlsplit(url).netloc}")


async def run_console(world: World, session: str, ready: asyncio.Event, stop_event: asyncio.Event) -> None:
    ws = await connect(
        world.console_url,
        origin=world.origin(world.console_url),
        additional_headers={"Cookie": f"sessionid={session}"},
        max_size=65536,
    )
    await ws.send(dumps({"t": "presence", "jour": world.jour_id, "available": True}))
    messages = world.args.messages
    tasks: set[asyncio.Task[None]] = set()

    def soon(work: Any) -> None:
        task = asyncio.create_task(work)
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    async def judge(chat: str) -> None:
        """A jourkvinna ends a chat in which nobody writes (the flood's) after a while."""
        await asyncio.sleep(world.args.spam_after)
        if chat not in world.real_chats:
            world.spam_ended += 1
            with contextlib.suppress(ConnectionClosed):
                await ws.send(dumps({"t": "end", "chat": chat}))

    async def reply(chat: str) -> None:
        for seq in range(1, messages + 1):
            await ws.send(dumps({"t": "msg", "chat": chat, "seq": seq, "leg": "s", "body": f"svar {seq}"}))
            await asyncio.sleep(0.25)

    heartbeat_at = time.perf_counter()
    try:
        while not stop_event.is_set():
            if time.perf_counter() - heartbeat_at > 20:
                heartbeat_at = time.perf_counter()
                await ws.send('{"t":"ping"}')
            try:
                raw = await asyncio.wait_for(ws.recv(), 0.5)
            except TimeoutError:
                continue
            frame = json.loads(raw)
            t = frame.get("t")
            if t == "state":
                if frame.get("available"):
                    ready.set()
                world.max_queue = max(
                    world.max_queue, len(frame.get("queue", [])) + len(frame.get("overflow", []))
                )
            elif t == "queue":
                world.max_queue = max(
                    world.max_queue, len(frame.get("queue", [])) + len(frame.get("overflow", []))
                )
            elif t == "chat":
                soon(judge(frame["chat"]))
            elif t == "msg":
                chat = frame["chat"]
                first = chat not in world.staff_got
                world.staff_got.setdefault(chat, set()).add(frame["seq"])
                await ws.send(dumps({"t": "ack", "chat": chat, "seq": frame["seq"], "leg": frame["leg"]}))
                if first:
                    soon(reply(chat))
            elif t == "ack":
                world.staff_acked.setdefault(frame["chat"], set()).add(frame["seq"])
            elif t in ("error", "closed"):
                world.console_errors[f"{t} {frame.get('code') or frame.get('reason')}"] += 1
    finally:
        await ws.close()


async def run_her(world: World, her: Her, delay: float, deadline: float) -> None:
    await asyncio.sleep(delay)
    args = world.args
    her.ws = ws = await connect(world.her_url, origin=world.origin(world.her_url), max_size=65536)
    loop = asyncio.get_running_loop()
    try:
        while loop.time() < deadline:
            her.attempts += 1
            if not her.first_start:
                her.first_start = time.perf_counter()
            await ws.send(dumps({"t": "start", "jour": world.jour_slug}))
            answer = await _answer(ws, ("started", "refused", "error"))
            if answer["t"] != "started":
                her.refused[f"{answer['t']} {answer['code']}"] += 1
                await asyncio.sleep(args.retry)
                continue
            her.chat = answer["chat"]
            world.real_chats[her.chat] = her
            break
        if not her.chat:
            return
        async with asyncio.timeout(max(1.0, deadline - loop.time())):
            await _answer(ws, ("assigned",))
            her.assigned_at = time.perf_counter()
            await ws.send(dumps({"t": "leg", "leg": "h", "from": 1}))
            for seq in range(1, args.messages + 1):
                await ws.send(dumps({"t": "msg", "seq": seq, "leg": "h", "body": f"meddelande {seq}"}))
                await asyncio.sleep(1.05)  # her rate limit: one a second after a burst
            while len(her.got) < args.messages or len(her.acked) < args.messages:
                frame = json.loads(await ws.recv())
                _note(her, frame)
                if frame["t"] == "msg":
                    await ws.send(dumps({"t": "ack", "seq": frame["seq"], "leg": frame["leg"]}))
                elif frame["t"] == "peer" and frame["here"]:
                    # As her page: the jourkvinna's console (re)joined, so what it has not
                    # acknowledged goes again (it may have joined after her first message).
                    unacked = [seq for seq in range(1, args.messages + 1) if seq not in her.acked]
                    if unacked:
                        await ws.send(dumps({"t": "leg", "leg": "h", "from": unacked[0]}))
                    for seq in unacked:
                        await ws.send(
                            dumps({"t": "msg", "seq": seq, "leg": "h", "body": f"meddelande {seq}"})
                        )
            await ws.send(dumps({"t": "end"}))
    except (TimeoutError, ConnectionClosed):
        pass
    finally:
        her.done.set()
        await ws.close()


def _note(her: Her, frame: dict[str, Any]) -> None:
    if frame["t"] == "msg":
        her.got.add(frame["seq"])
    elif frame["t"] == "ack":
        her.acked.add(frame["seq"])


async def _answer(ws: ClientConnection, types: tuple[str, ...]) -> dict[str, Any]:
    while True:
        frame = dict(json.loads(await ws.recv()))
        if frame["t"] in types:
            return frame


async def run_world(
    world: World, server_pid: int, flood_command: list[str], env: dict[str, str]
) -> dict[str, Any]:
    args = world.args
    stop_event = asyncio.Event()
    readies = [asyncio.Event() for _ in world.sessions]
    consoles = [
        asyncio.create_task(run_console(world, session, ready, stop_event))
        for session, ready in zip(world.sessions, readies, strict=True)
    ]
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 30)
    rss_before = rss_mb(server_pid)
    cpu_before = cpu_seconds(server_pid)
    began = time.perf_counter()
    flood_process = await asyncio.create_subprocess_exec(
        *flood_command, env=env, stdout=asyncio.subprocess.PIPE, cwd=str(ROOT)
    )
    loop = asyncio.get_running_loop()
    deadline = loop.time() + args.deadline
    hers = [Her(i) for i in range(args.real)]
    real = [asyncio.create_task(run_her(world, her, 1.0 * (i + 1), deadline)) for i, her in enumerate(hers)]
    try:
        out, _ = await asyncio.wait_for(flood_process.communicate(), args.flood_seconds + 20)
    except TimeoutError:
        flood_process.kill()
        out = b"{}"
    flood_seconds = time.perf_counter() - began
    flood_cpu = cpu_seconds(server_pid) - cpu_before
    await asyncio.gather(*real, return_exceptions=True)
    await asyncio.sleep(1.0)
    stop_event.set()
    await asyncio.gather(*consoles, return_exceptions=True)
    return {
        "flood": json.loads(out.decode().strip().splitlines()[-1] or "{}"),
        "flood_wall_seconds": flood_seconds,
        "flood_server_cpu": flood_cpu,
        "hers": hers,
        "rss_before": rss_before,
    }


class RssSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0.0
        self.running = True

    def run(self) -> None:
        while self.running:
            with contextlib.suppress(OSError):
                self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.2)


def setup(env: dict[str, str], consoles: int, capacity: int) -> dict[str, Any]:
    subprocess.run([str(BIN / "fristad"), "migrate", "--no-input", "-v0"], env=env, cwd=ROOT, check=True)
    done = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve().parent / "chat_relay.py"),
            "--setup-consoles",
            str(consoles),
            "--capacity",
            str(capacity),
        ],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flood", type=int, default=5000, help="flood sockets, each sending one start")
    parser.add_argument("--concurrency", type=int, default=500, help="flood sockets being opened at once")
    parser.add_argument(
        "--flood-seconds", type=float, default=60.0, help="the flood stops by itself after this"
    )
    parser.add_argument("--hold", type=float, default=20.0, help="flood sockets stay open this long")
    parser.add_argument("--flood-target", choices=("jour", "network"), default="jour")
    parser.add_argument("--real", type=int, default=5, help="real help-seekers")
    parser.add_argument("--consoles", type=int, default=3)
    parser.add_argument("--capacity", type=int, default=2, help="chats per jourkvinna")
    parser.add_argument("--messages", type=int, default=5, help="messages each way in a real chat")
    parser.add_argument(
        "--retry",
        type=float,
        default=5.0,
        help="a refused help-seeker tries again after this (her socket allows a start per 5 s after 5)",
    )
    parser.add_argument("--spam-after", type=float, default=2.0, help="a silent chat is ended after this")
    parser.add_argument(
        "--deadline", type=float, default=120.0, help="a real help-seeker gives up after this"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (server log, SQLite file)")
    parser.add_argument("--flood-client", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--flood-jour", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    open_files = raise_open_files()
    if args.flood_client:
        result = asyncio.run(
            flood(
                args.flood_client,
                count=args.flood,
                concurrency=args.concurrency,
                seconds=args.flood_seconds,
                hold=args.hold,
                jour=args.flood_jour,
            )
        )
        print(json.dumps(result))
        return
    if open_files < args.flood + 200:
        parser.error(f"open files limited to {open_files}: lower --flood or raise the hard limit")

    tmp = Path(tempfile.mkdtemp(prefix="fristad-chat-flood-"))
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
    )
    log = tmp / "server.log"
    server: subprocess.Popen[bytes] | None = None
    try:
        data = setup(env, args.consoles, args.capacity)
        port = free_port()
        with log.open("wb") as out:
            server = subprocess.Popen(
                [
                    str(BIN / "fristad"),
                    "serve",
                    "--host",
                    LOOPBACK,
                    "--port",
                    str(port),
                    "--log-level",
                    "warning",
                ],
                env=env,
                cwd=ROOT,
                stdout=out,
                stderr=out,
            )
        her_url = f"ws://{LOOPBACK}:{port}/ws/chatt/"
        asyncio.run(wait_open(her_url, server))
        world = World(
            her_url=her_url,
            console_url=f"ws://{LOOPBACK}:{port}/ws/personal/chatt/",
            jour_id=data["jour_id"],
            jour_slug=data["jour_slug"],
            sessions=data["sessions"],
            args=args,
        )
        flood_command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--flood-client",
            her_url,
            "--flood",
            str(args.flood),
            "--concurrency",
            str(args.concurrency),
            "--flood-seconds",
            str(args.flood_seconds),
            "--hold",
            str(args.hold),
            "--flood-jour",
            data["jour_slug"] if args.flood_target == "jour" else "",
        ]
        sampler = RssSampler(server.pid)
        sampler.start()
        outcome = asyncio.run(run_world(world, server.pid, flood_command, env))
        sampler.running = False
        rss_after = rss_mb(server.pid)
    finally:
        if server is not None:
            stop(server)
    text = log.read_text(errors="replace")
    report(args, world, outcome, sampler.peak, rss_after, log_summary(text))
    if args.keep:
        print(f"kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)


def report(
    args: argparse.Namespace,
    world: World,
    outcome: dict[str, Any],
    rss_peak: float,
    rss_after: float,
    logged: Counter[str],
) -> None:
    flood_result = outcome["flood"]
    outcomes: dict[str, int] = flood_result.get("outcomes", {})
    hers: list[Her] = outcome["hers"]
    answered = [h for h in hers if h.assigned_at]
    waits = [h.assigned_at - h.first_start for h in answered]
    delivered = [
        h
        for h in answered
        if len(h.got) == args.messages
        and len(h.acked) == args.messages
        and len(world.staff_got.get(h.chat, ())) == args.messages
        and len(world.staff_acked.get(h.chat, ())) == args.messages
    ]
    target = "her jour" if args.flood_target == "jour" else "the network's queue"
    print(
        f"\nflood: {args.flood} sockets to {target}, {args.concurrency} opening at once, from another process"
    )
    sent = flood_result.get("sent_seconds", 0)
    print(f"  all starts sent within {sent:.1f} s; sockets held: {flood_result.get('held')}")
    wall, cpu = outcome["flood_wall_seconds"], outcome["flood_server_cpu"]
    print(f"  server CPU while the flood ran: {cpu:.1f} s in {wall:.1f} s (2 cores, shared with the flood)")
    for what, n in sorted(outcomes.items(), key=lambda kv: -kv[1]):
        print(f"  {n:6d} × {what}")
    print(f"  refused with busy: {outcomes.get('refused busy', 0)} of {args.flood}")
    print(f"  flood chats ended as spam by the consoles: {world.spam_ended}")
    print(f"  longest queue a console saw (own + overflow): {world.max_queue}")
    print(f"\nreal help-seekers: {len(answered)} of {len(hers)} answered")
    if waits:
        median, p95 = statistics.median(waits), percentile(waits, 95)
        print(f"  first start to assigned: median {median:.1f} s, p95 {p95:.1f} s, max {max(waits):.1f} s")
    for h in hers:
        state = f"assigned after {h.assigned_at - h.first_start:.1f} s" if h.assigned_at else "never assigned"
        refused = ", ".join(f"{n} × {code}" for code, n in h.refused.items()) or "none"
        print(f"  her {h.index}: {h.attempts} start(s), refused: {refused}; {state}")
    every = "yes" if answered and len(delivered) == len(answered) else "NO"
    print(
        f"  every real message arrived (and was acknowledged), both ways: {every}"
        f" ({len(delivered)} of {len(answered)} chats)"
    )
    if world.console_errors:
        print(f"  consoles were told: {dict(world.console_errors)}")
    before = outcome["rss_before"]
    print(f"\nserver RSS: {before:.0f} MB before, {rss_peak:.0f} MB peak, {rss_after:.0f} MB after")
    if logged:
        print("server logged:")
        for line, n in logged.most_common(12):
            print(f"  {n:6d} × {line[:160]}")
    else:
        print("server logged: nothing at WARNING or above, no traceback")


if __name__ == "__main__":
    main()
