"""The jourkvinna's console and the coordinator's chat page."""

from django.urls import path

from fristad.chat import staff_views

app_name = "chat_staff"

urlpatterns = [
    path("chatt/", staff_views.console, name="console"),
    path("jour/<int:jour_id>/chatt/", staff_views.jour_chat, name="jour_chat"),
]
