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
