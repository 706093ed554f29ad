from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "fristad.web"
    label = "web"

    def ready(self) -> None:
        # Somali and Tigrinya are not in Django's LANG_INFO.
        from fristad.web.languages import register_language_info

        register_language_info()
