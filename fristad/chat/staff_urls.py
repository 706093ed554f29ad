"""The jourkvinna's console, the coordinator's chat page and the national office's view of
the network's chat (isolation: tests/test_chat_staff_isolation.py)."""

from django.urls import path

from fristad.chat import staff_views

app_name = "chat_staff"

urlpatterns = [
    path("chatt/", staff_views.console, name="console"),
    path("jour/<int:jour_id>/chatt/", staff_views.jour_chat, name="jour_chat"),
    path("forbund/natverket/", staff_views.national_network, name="national_network"),
]
