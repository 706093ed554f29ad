"""Thin websocket consumers: parse a frame, authorize it, call one service or relay it.

Her socket (``HelpSeekerConsumer``, ``her.py``) reads no cookie, header or address. The
jourkvinna's console (``ConsoleConsumer``, ``console.py``) stands on the same floor as every
staff page (``accounts.floor.staff_floor``), at the handshake and on a tick every few seconds
after (``floor_watch``: one check for all the process's consoles). What both share is in
``_base.py``.
A bad frame gets an error frame; the consumer lives on.
Message frames pass through untouched and are never logged or stored.

The names are re-exported here for the routing and the tests. A setting read at run time
(``QUEUE_TICK_SECONDS``, ``REFRESH_AFTER_SECONDS``, ``CONSOLE_ACTIVITY``, the start budget's
``_start_bucket``) lives in the module that reads it: patch it there (``consumers.her``,
``consumers.console``), not here.
"""

from fristad.chat.consumers._base import RELAYED, _Base, relayed_frame
from fristad.chat.consumers.console import (
    CLOSE_OFF_FLOOR,
    CONSOLE_ACTIVITY,
    CONSOLE_FRAMES,
    REFRESH_AFTER_SECONDS,
    ConsoleConsumer,
)
from fristad.chat.consumers.her import HER_FRAMES, QUEUE_TICK_SECONDS, HelpSeekerConsumer, start_allowed

__all__ = [
    "CLOSE_OFF_FLOOR",
    "CONSOLE_ACTIVITY",
    "CONSOLE_FRAMES",
    "HER_FRAMES",
    "QUEUE_TICK_SECONDS",
    "REFRESH_AFTER_SECONDS",
    "RELAYED",
    "ConsoleConsumer",
    "HelpSeekerConsumer",
    "_Base",
    "relayed_frame",
    "start_allowed",
]
