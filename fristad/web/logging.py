"""A logging filter that keeps requests (addresses, headers, cookies) out of log records."""

from __future__ import annotations

import logging


class ScrubRequestFilter(logging.Filter):
    """Drop the request Django attaches to records, so no handler can print it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request"):
            record.request = None
        if hasattr(record, "scope"):
            record.scope = None
        return True


class DropClientAddressFilter(logging.Filter):
    """Drop the server's per-connection lines: uvicorn prints each websocket's client
    address and path ('127.0.0.1:5555 - "WebSocket /ws/chatt/" [accepted]')."""

    def filter(self, record: logging.LogRecord) -> bool:
        template = str(record.msg)
        return "WebSocket" not in template and template not in ("connection open", "connection closed")
