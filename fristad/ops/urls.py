"""Health and readiness, outside the language prefixes: ``/healthz`` and ``/readyz``.

``HealthCheckMiddleware`` answers them before any other middleware; these routes serve
them where it is not installed (and give them names).
"""

from django.urls import path

from fristad.ops import health

app_name = "ops"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
