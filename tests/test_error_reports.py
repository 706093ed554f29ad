"""Error reports keep the no-trace promise: what failed and where, never who or what.

Reports are kept in memory by a transport of our own (no network). A failing page with a
postal code in its query string, and a chat consumer failing on her message, each make a
report; nothing of the request (URL, query string, headers, cookies, address) and none
of her words (in the exception's message, in local variables, in log arguments) is in it.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sentry_sdk
import sentry_sdk.consts
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from fristad.chat import events
from fristad.ops.errors import error_reports_init, scrub_event


def failing_view(request: HttpRequest, word: str) -> HttpResponse:
    """Fails quoting what it was asked, as a DataError quotes a value it could not store."""
    raise ValueError(f"nothing near {request.GET.get('q')} for {word}")


urlpatterns = [path("ops-test/fails/<str:word>/", failing_view)]


# The DSN names no real server; the transport below never connects anywhere.
DSN = "https://public@127.0.0.1:9/1"


class MemoryTransport(Transport):
    """Keeps every envelope instead of sending it."""

    def __init__(self) -> None:
        super().__init__()
        self.envelopes: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope)

    def flush(self, timeout: float, callback: Any = None) -> None:
        return None

    def kill(self) -> None:
        return None

    def serialized(self) -> str:
        """Every envelope as it would go on the wire (headers and every item)."""
        return "\n".join(envelope.serialize().decode("utf-8", "replace") for envelope in self.envelopes)

    def events(self) -> list[dict[str, Any]]:
        found = []
        for envelope in self.envelopes:
            for item in envelope.items:
                if item.type == "event":
                    payload = item.payload.json
                    assert payload is not None
                    found.append(payload)
        return found


@pytest.fixture
def reports() -> Iterator[MemoryTransport]:
    transport = MemoryTransport()
    error_reports_init(dsn=DSN, environment="test", release="fristad@test", transport=transport)
    assert sentry_sdk.get_client().is_active()
    yield transport
    # Other tests run without error reports, as they would without SENTRY_DSN.
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)
    assert not sentry_sdk.get_client().is_active()


def assert_nothing_of(transport: MemoryTransport, *canaries: str) -> None:
    wire = transport.serialized()
    for canary in canaries:
        assert canary not in wire, f"{canary!r} left in a report"


def test_without_a_dsn_nothing_starts() -> None:
    error_reports_init(dsn="", environment="test", release="fristad@test")
    assert not sentry_sdk.get_client().is_active()


# --- A page that fails ----------------------------------------------------------------------


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_a_failing_page_is_reported_without_the_request(reports: MemoryTransport) -> None:
    client = Client(raise_request_exception=False)
    response = client.get(
        "/ops-test/fails/sokordkanarie/?q=11520",
        HTTP_COOKIE="sessionid=kakakanarie",
        HTTP_USER_AGENT="AgentKanarie/1.0",
        HTTP_REFERER="https://referer-kanarie.example/",
        HTTP_X_FORWARDED_FOR="198.51.100.23",
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 500
    reported = reports.events()
    assert len(reported) == 1, reported
    event = reported[0]
    exception = event["exception"]["values"][-1]
    assert exception["type"] == "ValueError"
    assert exception["value"] == ""
    assert any(frame["function"] == "failing_view" for frame in exception["stacktrace"]["frames"])
    assert event["logger"] == "django.request"
    assert event["logentry"] == {"message": "%s: %s", "formatted": "%s: %s"}
    for key in ("request", "user", "breadcrumbs", "extra", "tags"):
        assert key not in event, key
    assert_nothing_of(
        reports,
        "11520",
        "sokordkanarie",
        "kakakanarie",
        "AgentKanarie",
        "referer-kanarie",
        "198.51.100.23",
        "203.0.113.9",
        "testserver",
    )


# --- The chat ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_chat_consumer_failure_is_reported_without_her_words(
    sample_jourer: Any, reports: MemoryTransport, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.chat_helpers import her_socket, run, started_chat

    canary = f"kanarie{uuid.uuid4().hex}"

    async def relay_fails(*, chat_id: str, frame: dict[str, Any], side: str, sender: str) -> None:
        body = frame["body"]
        words = body.split()
        raise ValueError(f"boom {body} ({len(words)} words)")

    monkeypatch.setattr(events, "relay", relay_fails)
    # A line before the failure, with her words as its argument: no breadcrumb keeps it.
    logging.getLogger("fristad.chat").warning("before the failure: %s", canary)

    async def scenario() -> None:
        her = await her_socket()
        await started_chat(her)
        await her.send(t="msg", seq=1, leg="h1", body=f"hej jag heter {canary}")
        failed = await her.expect("error")
        assert failed["code"] == "server"
        # The socket lives on.
        await her.send(t="ping")
        await her.expect("pong")
        await her.close()

    run(scenario)
    reported = [event for event in reports.events() if event.get("logger") == "fristad.chat.consumers"]
    assert len(reported) == 1, reports.events()
    event = reported[0]
    exception = event["exception"]["values"][-1]
    assert exception["type"] == "ValueError"
    assert exception["value"] == ""
    frames = exception["stacktrace"]["frames"]
    assert any(frame["function"] == "relay_fails" for frame in frames)
    assert not any("vars" in frame for frame in frames)
    assert event["logentry"]["message"] == "chat consumer failed on a %s frame"
    assert_nothing_of(reports, canary)
    # Nothing else became a report either (the warning is below the reports' level).
    assert all(event.get("level") in ("error", "fatal") for event in reports.events())


# --- What before_send keeps -------------------------------------------------------------------


def test_scrub_keeps_what_failed_and_where_only() -> None:
    frame = {"filename": "fristad/chat/consumers.py", "function": "receive", "lineno": 97, "vars": {"x": "k"}}
    event = {
        "event_id": "e1",
        "level": "error",
        "logger": "fristad.chat.consumers",
        "server_name": "app-1",
        "release": "fristad@0.1.0",
        "environment": "production",
        "exception": {
            "values": [
                {"type": "DataError", "value": "A string literal cannot contain NUL (0x00) characters: k"},
                {"type": "ValueError", "value": "boom k", "stacktrace": {"frames": [frame]}},
            ]
        },
        "threads": {"values": [{"stacktrace": {"frames": [dict(frame)]}}]},
        "logentry": {"message": "failed on %s", "formatted": "failed on k", "params": ["k"]},
        "request": {"url": "https://fristad.example/hitta?q=k", "headers": {"Cookie": "k"}},
        "user": {"ip_address": "203.0.113.9"},
        "breadcrumbs": {"values": [{"message": "k"}]},
        "extra": {"request": "<ASGIRequest k>"},
        "tags": {"url": "k"},
        "transaction": "/hitta/k",
        "contexts": {"runtime": {"name": "CPython"}, "response": {"status_code": 500}, "asgi": {"k": "k"}},
        "spans": [{"description": "SELECT k"}],
    }
    scrubbed = scrub_event(event, {})
    assert "k" not in json.dumps(scrubbed).replace('"', " ").split()
    assert set(scrubbed) == {
        "event_id",
        "level",
        "logger",
        "server_name",
        "release",
        "environment",
        "exception",
        "threads",
        "logentry",
        "contexts",
    }
    assert [value["type"] for value in scrubbed["exception"]["values"]] == ["DataError", "ValueError"]
    assert all(value["value"] == "" for value in scrubbed["exception"]["values"])
    assert scrubbed["exception"]["values"][1]["stacktrace"]["frames"] == [
        {"filename": "fristad/chat/consumers.py", "function": "receive", "lineno": 97}
    ]
    assert "vars" not in scrubbed["threads"]["values"][0]["stacktrace"]["frames"][0]
    assert scrubbed["logentry"] == {"message": "failed on %s", "formatted": "failed on %s"}
    assert scrubbed["contexts"] == {"runtime": {"name": "CPython"}}


@pytest.mark.filterwarnings("ignore:The send_default_pii option is deprecated:DeprecationWarning")
@pytest.mark.parametrize("sdk_knows_data_collection", [True, False])
def test_the_sdk_is_told_to_collect_nothing(
    sdk_knows_data_collection: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whichever privacy option this SDK version has; no tracing, breadcrumbs or sessions."""
    if not sdk_knows_data_collection:
        defaults = {k: v for k, v in sentry_sdk.consts.DEFAULT_OPTIONS.items() if k != "data_collection"}
        monkeypatch.setattr(sentry_sdk.consts, "DEFAULT_OPTIONS", defaults)
    transport = MemoryTransport()
    error_reports_init(dsn=DSN, environment="test", release="", transport=transport)
    try:
        client = sentry_sdk.get_client()
        options = client.options
        assert options["include_local_variables"] is False
        assert options["max_request_body_size"] == "never"
        assert options["max_breadcrumbs"] == 0
        assert options["traces_sample_rate"] is None
        assert options["profiles_sample_rate"] is None
        assert options["auto_session_tracking"] is False
        assert options["before_send_transaction"]({"type": "transaction"}, {}) is None
        if sdk_knows_data_collection:
            collection = options["data_collection"]
            assert collection["user_info"] is False
            assert collection["stack_frame_variables"] is False
            assert collection["url_query_params"]["mode"] == "off"
            assert collection["cookies"]["mode"] == "off"
            assert collection["http_headers"]["request"]["mode"] == "off"
            assert collection["http_bodies"] == []
        else:
            assert options["send_default_pii"] is False
        assert set(client.integrations) == {"logging", "dedupe", "excepthook", "atexit"}
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.get_global_scope().set_client(None)
