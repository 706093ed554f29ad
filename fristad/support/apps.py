"""Stödperson appointments."""

from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "fristad.support"
    label = "support"

    def ready(self) -> None:
        # Her schedule and calendar feed (accounts, a lower layer) ask for her appointments.
        from fristad.accounts import appointments
        from fristad.support import jobs
        from fristad.support.selectors import personal_appointments

        appointments.register("support", personal_appointments)
        jobs.register()
