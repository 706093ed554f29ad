from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "fristad.geo"
    label = "geo"
