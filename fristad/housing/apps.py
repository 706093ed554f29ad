from django.apps import AppConfig


class HousingConfig(AppConfig):
    name = "fristad.housing"
    label = "housing"
