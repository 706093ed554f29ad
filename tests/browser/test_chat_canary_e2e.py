"""The canary, end to end: her page and the console in Chromium, a canary typed in both
directions. It shows decrypted on the other side and nowhere else: in no websocket frame
either page sends or receives, in no frame the consumers receive or send, in no command
Redis receives (``MONITOR``, with REDIS_URL), in no table, log record or output
(tests/test_chat_canary.py has the server's side of the checks and a chat in clear)."""

from __future__ import annotations

import logging
import os
import re
import uuid
from typing import Any

import pytest
from django.test import override_settings

from tests.browser.asgi_server import ChatWorld, asgi_live_server, chat_world, page_strings, start_chat
from tests.browser.wire import (
    Frames,
    assert_only_ciphertext,
    record_server_frames,
    watched_console,
    watched_her_page,
)
from tests.test_chat_canary import assert_nowhere_on_the_server, redis_dump, redis_monitor

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["asgi_live_server", "chat_world"]  # fixtures, imported to be found


@override_settings(DEBUG=True)  # Django logs every SQL statement with its parameters
def test_an_encrypted_chat_leaves_no_trace(
    chat_world: ChatWorld,
    new_context: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    from tests.browser.test_chat_browser import assert_logs, her_says, staff_says

    canary = f"kanariefagel-{uuid.uuid4().hex}"
    answer = f"svar-{uuid.uuid4().hex}"
    caplog.set_level(logging.DEBUG)
    for name in ("django", "django.db.backends", "fristad", "channels", "uvicorn"):
        caplog.set_level(logging.DEBUG, logger=name)
    server = record_server_frames(monkeypatch)
    her_frames, console_frames = Frames(), Frames()
    monitor = redis_monitor() if os.environ.get("REDIS_URL") else None

    console = watched_console(new_context, chat_world, chat_world.staff.kvinna_a, console_frames)
    her = watched_her_page(new_context, chat_world, her_frames)
    start_chat(her)
    panel = console.locator(".chat-panel")
    expect(panel).to_have_count(1)
    said = [
        f"Jag heter {canary} och bor på Storgatan 1",
        f"Hej, {answer}. Vi hjälper dig.",
        f"Fortfarande {canary}",
    ]
    her_says(her, said[0], seen_by=panel)
    staff_says(panel, said[1], seen_by=her)
    her_says(her, said[2], seen_by=panel)
    assert_logs(her, said, panel, said)
    # Both sides show the same security code.
    code = her.locator("#verify-shown")
    expect(code).to_have_text(re.compile(r"^\d{4} \d{4} \d{4}$"))
    expect(panel.locator(".verify .code")).to_have_text(code.inner_text())
    console.once("dialog", lambda dialog: dialog.accept())
    panel.get_by_role("button", name=page_strings(console, "console-strings")["end"], exact=True).click()
    expect(her.locator("#chat-log > li")).to_have_count(0)
    her.wait_for_timeout(200)

    assert_only_ciphertext(her_frames, canary, answer, what="her page's websocket")
    assert_only_ciphertext(console_frames, canary, answer, what="the console's websocket")
    assert_only_ciphertext(server, canary, answer, what="the consumers' frames")
    if monitor is not None:
        monitor.terminate()
        seen = monitor.communicate(timeout=10)[0]
        assert b"publish" in seen.lower(), "MONITOR saw no PUBLISH: the check would prove nothing"
        assert canary.encode() not in seen and answer.encode() not in seen
    assert_nowhere_on_the_server(canary, answer, caplog=caplog, capfd=capfd)
    if os.environ.get("REDIS_URL"):
        from django.conf import settings

        _keys, values = redis_dump(settings.CHANNEL_LAYERS["default"]["CONFIG"].get("prefix", "asgi"))
        assert canary.encode() not in values and answer.encode() not in values
