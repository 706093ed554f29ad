from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "fristad.chat"
    label = "chat"
