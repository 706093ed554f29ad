"""How Fristad's ASGI server runs: one set of uvicorn options for ``fristad serve`` (and so
``make run``), the real-server tests and the benchmarks.

- No access log and no server header: uvicorn's access lines carry client addresses.
- No per-message compression on websockets: the frames are small (so it only costs CPU,
  the largest single cost of a relayed frame), and compressing a chat's secrets together
  with text someone else chose is the shape of a compression side channel (CRIME/BREACH).
- Frames above 64 KB are refused by the server itself (the chat allows 4 KB).
- No lifespan: nothing to start or stop.
"""

from __future__ import annotations

from typing import Any

APPLICATION = "fristad.asgi:application"
WS_MAX_SIZE = 64 * 1024

SERVER_OPTIONS: dict[str, Any] = {
    "access_log": False,
    "server_header": False,
    "lifespan": "off",
    "ws_per_message_deflate": False,
    "ws_max_size": WS_MAX_SIZE,
}

# The same options for the ``uvicorn`` command line.
SERVER_ARGS: list[str] = [
    "--no-access-log",
    "--no-server-header",
    "--lifespan",
    "off",
    "--ws-per-message-deflate",
    "false",
    "--ws-max-size",
    str(WS_MAX_SIZE),
]
