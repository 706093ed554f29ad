"""Her chat pages: the network's chat and each jour's."""

from django.urls import path

from fristad.chat import views

app_name = "chat"

urlpatterns = [
    path("chatt/", views.chat_page, name="chat"),
    path("chatt/<slug:slug>/", views.chat_page, name="chat_jour"),
]
