from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "fristad.stats"
    label = "stats"
