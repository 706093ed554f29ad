from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fristad.accounts"
    label = "accounts"

    def ready(self) -> None:
        from fristad.accounts import jobs, receivers  # noqa: F401  (receivers connect the audit log)

        jobs.register()
