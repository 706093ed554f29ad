"""Websocket routes: her chat (no session, no cookies read) and the jourkvinna's console."""

from typing import Any

from channels.auth import AuthMiddlewareStack
from django.urls import path

from fristad.chat.consumers import ConsoleConsumer, HelpSeekerConsumer

websocket_urlpatterns: list[Any] = [
    path("ws/chatt/", HelpSeekerConsumer.as_asgi()),
    path("ws/personal/chatt/", AuthMiddlewareStack(ConsoleConsumer.as_asgi())),
]
