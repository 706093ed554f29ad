"""The embedded default, and the real PostgreSQL and Redis when configured.

Without DATABASE_URL / REDIS_URL the service tests skip and say why; CI sets
FRISTAD_REQUIRE_SERVICES=1 so that a missing service fails instead.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection

REQUIRE = os.environ.get("FRISTAD_REQUIRE_SERVICES") == "1"


def need(variable: str) -> None:
    if not os.environ.get(variable):
        message = f"{variable} is not set: this test needs the real service (see README, 'Real services')"
        if REQUIRE:
            pytest.fail(message)
        pytest.skip(message)


def test_embedded_default_is_sqlite_and_in_memory_layer(tmp_path: object) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["FRISTAD_VAR_DIR"] = str(tmp_path)
    env["DJANGO_SETTINGS_MODULE"] = "fristad.settings"
    code = (
        "import json, django; django.setup(); from django.conf import settings as s;"
        "print(json.dumps([s.DATABASES['default']['ENGINE'], s.CHANNEL_LAYERS['default']['BACKEND'],"
        " len(s.SECRET_KEY)]))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    engine, layer, key_length = json.loads(out.stdout.strip().splitlines()[-1])
    assert engine == "django.db.backends.sqlite3"
    assert layer == "fristad.web.layers.InMemoryChannelLayer"
    assert key_length >= 50
    # The generated key is kept in the untracked var dir, and reused.
    key_file = os.path.join(str(tmp_path), "secret_key")
    assert os.path.exists(key_file) and oct(os.stat(key_file).st_mode)[-3:] == "600"


def test_channel_layer_events_of_the_previous_key_still_read_during_a_rotation(tmp_path: object) -> None:
    """Processes started with a new SECRET_KEY (the old one as a fallback) read the events of
    processes still on the old key (an undecryptable event would end every socket it reaches)."""
    from fristad.web.layers import RedisPubSubChannelLayer

    env = {**os.environ, "FRISTAD_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "fristad.settings"}
    env.update(
        REDIS_URL="redis://127.0.0.1:6379/0", SECRET_KEY="the-new-key", SECRET_KEY_FALLBACKS="the-old-key"
    )
    code = (
        "import json, django; django.setup(); from django.conf import settings as s;"
        "print(json.dumps(s.CHANNEL_LAYERS['default']['CONFIG']['symmetric_encryption_keys']))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    keys = json.loads(out.stdout.strip().splitlines()[-1])
    assert keys == ["the-new-key", "the-old-key"]
    hosts = ["redis://127.0.0.1:6379/0"]  # no connection is made: only (de)serializing
    old_process = RedisPubSubChannelLayer(hosts=hosts, symmetric_encryption_keys=["the-old-key"])
    new_process = RedisPubSubChannelLayer(hosts=hosts, symmetric_encryption_keys=keys)
    event = {"type": "chat.relay", "frame": {"t": "msg"}}
    assert new_process.deserialize(old_process.serialize(event)) == event


@pytest.mark.services
@pytest.mark.django_db
def test_postgresql_when_database_url_is_set() -> None:
    need("DATABASE_URL")
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("select count(*) from geo_postalcode")
        assert cursor.fetchone()[0] == 15463


@pytest.mark.services
def test_redis_channel_layer_delivers_between_two_layer_instances() -> None:
    need("REDIS_URL")
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "fristad.web.layers.RedisPubSubChannelLayer"
    from fristad.web.layers import RedisPubSubChannelLayer

    # Two layer instances, configured as the settings say, stand for two server processes.
    config = {**settings.CHANNEL_LAYERS["default"]["CONFIG"], "prefix": f"test-{uuid.uuid4().hex[:8]}"}
    sender = RedisPubSubChannelLayer(**config)
    receiver = RedisPubSubChannelLayer(**config)

    async def roundtrip() -> dict[str, str]:
        channel = await receiver.new_channel()
        await receiver.group_add("jour-test", channel)
        await asyncio.sleep(0.1)  # the subscription reaches Redis before the publish
        await sender.group_send("jour-test", {"type": "ping", "text": "hej"})
        message = await asyncio.wait_for(receiver.receive(channel), 10)
        await receiver.group_discard("jour-test", channel)
        await sender.flush()
        await receiver.flush()
        return message

    # A thread of its own: no event loop of another test (a browser driver) is in the way.
    with ThreadPoolExecutor(max_workers=1) as pool:
        message = pool.submit(asyncio.run, roundtrip()).result(timeout=30)
    assert message == {"type": "ping", "text": "hej"}
    assert get_channel_layer() is not None
