"""Optional error reports (Sentry, or GlitchTip: the same protocol) that keep the no-trace promise.

A report says what failed and where in the code: the exception's type and its stack
frames, the logger and the log message's template. Never who or what: no request (URL,
query string, headers, cookies, client address), no user, no breadcrumbs, no local
variables, no extra data or tags, no exception message (a ``DataError`` quotes what was
typed, a chat failure could quote her words) and no log arguments.

Reports are made from log records at ERROR (``log.exception`` is how the chat consumers
and Django's request handler report failures) through Sentry's logging integration only.
No web framework integration is enabled: nothing collects a request in the first place,
and ``before_send`` strips what would still get in.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from typing import Any

# What a report may carry at its top level; everything else is dropped ("message" too:
# a formatted message carries its arguments; "logentry" keeps the template).
EVENT_KEYS = frozenset(
    {
        "event_id",
        "timestamp",
        "level",
        "platform",
        "logger",
        "server_name",
        "release",
        "environment",
        "dist",
        "sdk",
        "exception",
        "threads",
        "logentry",
        "contexts",
        "fingerprint",
    }
)
# Contexts that describe the server, not a request or a person.
CONTEXT_KEYS = frozenset({"runtime", "os", "trace"})
# What the SDK itself collects, where it has the ``data_collection`` option (2.5x and later,
# where ``send_default_pii`` is deprecated): nothing. Every field is given, because its
# defaults collect (frame variables too, whatever ``include_local_variables`` says).
NO_DATA_COLLECTION: dict[str, Any] = {
    "user_info": False,
    "cookies": {"mode": "off"},
    "http_headers": {"request": {"mode": "off"}},
    "http_bodies": [],
    "url_query_params": {"mode": "off"},
    "graphql": {"document": False, "variables": False},
    "gen_ai": {"inputs": False, "outputs": False},
    "database_query_data": False,
    "queues": False,
    "stack_frame_variables": False,
}
# Loggers whose records are not reports. DisallowedHost: every scanner's forged Host
# header would be one, quoted in the message itself.
IGNORED_LOGGERS = ("django.security.DisallowedHost",)


def fristad_release() -> str:
    """``fristad@<version>`` from the installed package ("" when it is not installed)."""
    try:
        return f"fristad@{version('fristad')}"
    except PackageNotFoundError:
        return ""


def error_reports_init(*, dsn: str, environment: str, release: str, transport: Any = None) -> None:
    """Start error reporting when ``dsn`` is set; without it, nothing is imported or sent.

    ``transport`` is for tests: a ``sentry_sdk.transport.Transport`` that keeps envelopes.
    """
    if not dsn:
        return
    import sentry_sdk
    import sentry_sdk.consts
    from sentry_sdk.integrations.atexit import AtexitIntegration
    from sentry_sdk.integrations.dedupe import DedupeIntegration
    from sentry_sdk.integrations.excepthook import ExcepthookIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration, ignore_logger

    for name in IGNORED_LOGGERS:
        ignore_logger(name)
    options: dict[str, Any] = {}
    if "data_collection" in sentry_sdk.consts.DEFAULT_OPTIONS:
        options["data_collection"] = NO_DATA_COLLECTION
    else:
        options["send_default_pii"] = False
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        include_local_variables=False,
        max_request_body_size="never",
        max_breadcrumbs=0,
        # None, not 0: with 0 the SDK still continues traces a request brings along (and
        # sends their transactions); None starts and continues none. No profiling either.
        traces_sample_rate=None,
        profiles_sample_rate=None,
        auto_session_tracking=False,
        attach_stacktrace=False,
        enable_logs=False,
        # The defaults would add sys.argv (ArgvIntegration), breadcrumbs of outgoing HTTP
        # and subprocesses (StdlibIntegration), and every auto-enabled integration
        # (Django, Redis, ...), which reads requests and commands. Only these stay:
        default_integrations=False,
        auto_enabling_integrations=False,
        integrations=[
            # ERROR records become reports; no record becomes a breadcrumb.
            LoggingIntegration(level=None, event_level=logging.ERROR),
            DedupeIntegration(),
            ExcepthookIntegration(),
            AtexitIntegration(),
        ],
        before_send=scrub_event,
        before_send_transaction=drop_transaction,
        before_breadcrumb=drop_breadcrumb,
        **options,
    )


def scrub_event(event: Any, hint: Any) -> Any:
    """The report as it may leave: only the keys in EVENT_KEYS, every message blanked."""
    kept = {key: value for key, value in event.items() if key in EVENT_KEYS}
    for exception in _values(kept.get("exception")):
        if isinstance(exception, dict):
            # The type and the frames say what failed; the message may quote her words.
            if "value" in exception:
                exception["value"] = ""
            _scrub_stacktrace(exception.get("stacktrace"))
    for thread in _values(kept.get("threads")):
        if isinstance(thread, dict):
            _scrub_stacktrace(thread.get("stacktrace"))
    if "logentry" in kept:
        kept["logentry"] = _scrub_logentry(kept["logentry"])
    contexts = kept.get("contexts")
    if isinstance(contexts, Mapping):
        kept["contexts"] = {key: value for key, value in contexts.items() if key in CONTEXT_KEYS}
    return kept


def drop_transaction(event: Any, hint: Any) -> None:
    """No performance data is ever sent (tracing is off; this holds if it were turned on)."""
    return None


def drop_breadcrumb(crumb: Any, hint: Any) -> None:
    """No breadcrumbs: a database query's or a log line's arguments could carry data."""
    return None


def _values(interface: Any) -> list[Any]:
    """An exception or threads interface's values ({"values": [...]} or a bare list)."""
    values = interface.get("values") if isinstance(interface, Mapping) else interface
    return list(values) if isinstance(values, list) else []


def _scrub_stacktrace(stacktrace: Any) -> None:
    """Frames keep file, function and line; their variables go (in case they were captured)."""
    if not isinstance(stacktrace, dict):
        return
    for frame in stacktrace.get("frames") or []:
        if isinstance(frame, dict):
            frame.pop("vars", None)


def _scrub_logentry(logentry: Any) -> dict[str, str]:
    """The log message's template only: its arguments could carry data.

    A template is ours (``"chat consumer failed on a %s frame"``); what fills it is not.
    """
    template = logentry.get("message") if isinstance(logentry, Mapping) else None
    text = template if isinstance(template, str) else ""
    return {"message": text, "formatted": text}
