from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "fristad.support"
    label = "support"
