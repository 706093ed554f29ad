"""Operations, outside the language prefixes: ``/healthz``, ``/readyz`` and ``/metrics``.

``HealthCheckMiddleware`` answers the first two before any other middleware; these routes
serve them where it is not installed (and give them names).
"""

from django.urls import path

from fristad.ops import health, metrics

app_name = "ops"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
]
