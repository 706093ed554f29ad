from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fristad.accounts"
    label = "accounts"

    def ready(self) -> None:
        from fristad.accounts import receivers  # noqa: F401  (connects the audit receivers)
