"""``GET /metrics``: counts for Prometheus (text exposition format), nothing per chat and
nothing about anyone.

Behind ``Authorization: Bearer <METRICS_TOKEN>`` (unset: 404), and blocked at the proxy
(deploy/Caddyfile): it is scraped on the internal network, from each app process. Higher
layers add their gauges with ``metrics_register`` at start-up (the chat adds its queue),
so this layer imports none of them. The format is four lines of text per metric; a
client library would add a process-global registry that several processes cannot share.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from fristad.ops.counters import counter_values
from fristad.ops.mail import FAILED_COUNTER, SENT_COUNTER, emails_waiting
from fristad.ops.models import JobRun
from fristad.web import layers

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Metric:
    name: str
    kind: str  # "gauge" or "counter"
    help: str
    # (labels, value) pairs; a metric without labels has one pair with {}.
    samples: list[tuple[dict[str, str], float]] = field(default_factory=list)


MetricsProvider = Callable[[], Iterable[Metric]]
_PROVIDERS: list[MetricsProvider] = []


def metrics_register(provider: MetricsProvider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def _label_text(labels: dict[str, str]) -> str:
    if not labels:
        return ""
    escaped = (
        f'{key}="{value.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
        for key, value in sorted(labels.items())
    )
    return "{" + ",".join(escaped) + "}"


def render(metrics: Iterable[Metric]) -> str:
    lines: list[str] = []
    for metric in metrics:
        lines.append(f"# HELP {metric.name} {metric.help}")
        lines.append(f"# TYPE {metric.name} {metric.kind}")
        for labels, value in metric.samples:
            number = int(value) if float(value).is_integer() else value
            lines.append(f"{metric.name}{_label_text(labels)} {number}")
    return "\n".join(lines) + "\n"


def ops_metrics() -> list[Metric]:
    counters = counter_values()
    jobs = list(JobRun.objects.order_by("name"))
    runs = Metric("fristad_job_runs_total", "counter", "Runs of each scheduled job.")
    failures = Metric("fristad_job_failures_total", "counter", "Failed runs of each scheduled job.")
    last = Metric(
        "fristad_job_last_success_timestamp_seconds", "gauge", "When each job last finished without error."
    )
    records = Metric(
        "fristad_job_records_total", "counter", "What the scheduled jobs did, in records, summed over runs."
    )
    for job in jobs:
        labels = {"job": job.name}
        runs.samples.append((labels, job.runs))
        failures.samples.append((labels, job.failures))
        if job.last_ok and job.last_finished_at is not None:
            last.samples.append((labels, job.last_finished_at.timestamp()))
        for what, count in sorted(job.total_counts.items()):
            records.samples.append(({"job": job.name, "what": what}, float(count)))
    return [
        Metric("fristad_emails_waiting", "gauge", "E-mails in the outbox.", [({}, emails_waiting())]),
        Metric(
            "fristad_emails_sent_total", "counter", "E-mails sent.", [({}, counters.get(SENT_COUNTER, 0))]
        ),
        Metric(
            "fristad_emails_failed_total",
            "counter",
            "E-mails given up after EMAIL_MAX_ATTEMPTS tries.",
            [({}, counters.get(FAILED_COUNTER, 0))],
        ),
        Metric(
            "fristad_channel_layer_dropped_total",
            "counter",
            "Events this process's channel layer dropped because a socket's queue was full.",
            [({}, layers.dropped_events())],
        ),
        runs,
        failures,
        last,
        records,
    ]


def _authorized(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if not token:
        return False
    given = request.headers.get("Authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not _authorized(request):
        raise Http404
    collected = ops_metrics()
    for provider in _PROVIDERS:
        collected.extend(provider())
    return HttpResponse(render(collected), content_type="text/plain; version=0.0.4; charset=utf-8")
