from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running Fristad for real: the e-mail outbox, scheduled jobs and their worker,
    health and readiness, metrics, production self-checks and error reporting."""

    name = "fristad.ops"
    label = "ops"

    def ready(self) -> None:
        from fristad.ops import checks  # noqa: F401  (registers the system checks)
