from django.apps import AppConfig


class HousingConfig(AppConfig):
    name = "fristad.housing"
    label = "housing"

    def ready(self) -> None:
        from fristad.housing import jobs

        jobs.register()
