from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "fristad.demo"
    label = "demo"
