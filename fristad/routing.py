"""Websocket routes. The chat issue adds its consumers here."""

from typing import Any

websocket_urlpatterns: list[Any] = []
