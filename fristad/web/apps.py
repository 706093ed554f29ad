from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "fristad.web"
    label = "web"
