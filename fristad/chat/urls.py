"""URLs (filled in by the chat issue)."""

from typing import Any

app_name = "chat"

urlpatterns: list[Any] = []
