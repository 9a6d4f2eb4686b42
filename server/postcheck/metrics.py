"""Prometheus metrics at /metrics: counts and timings, never text.

Labels come only from bounded sets the server itself defines (a route's template, an HTTP method, a
status code, a rule id and category from the loaded rules), never from what a client sends, so no
draft, handle or token can become a label and a client cannot blow up the number of series.

Under gunicorn each worker is a process: with PROMETHEUS_MULTIPROC_DIR set (the gunicorn config sets
it) every worker writes its values there and /metrics adds them up across workers.

  postcheck_http_requests_total{method,route,status}     requests answered
  postcheck_http_request_duration_seconds{route}         time to answer, histogram
  postcheck_http_errors_total{route,status}              answers with a 5xx status
  postcheck_checks_total{api}                            drafts checked (api: v1 or languagetool)
  postcheck_check_duration_seconds{api}                  time to check a draft, histogram
  postcheck_warnings_total{rule,category}                warnings given by /api/v1/check
  postcheck_outcome_reports_total{outcome,platform}      outcome reports counted by /api/v1/feedback;
                                                         outcome no_composer or submit_missed rising
                                                         means a site changed and a selector broke
  postcheck_rules_loaded                                 rules in force (max over workers)
  postcheck_info{version}                                always 1
"""
from __future__ import annotations

import os
import time

from flask import Flask, Response, g, request

# prometheus_client writes each process's values into this folder as soon as a metric exists, so it must
# exist before the import below (systemd's RuntimeDirectory or the gunicorn config normally makes it).
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

from prometheus_client import (CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, REGISTRY,
                               generate_latest)  # noqa: E402

from postcheck import __version__

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)

HTTP_REQUESTS = Counter("postcheck_http_requests", "Requests answered", ["method", "route", "status"])
HTTP_DURATION = Histogram("postcheck_http_request_duration_seconds", "Time to answer a request", ["route"],
                          buckets=_LATENCY_BUCKETS)
HTTP_ERRORS = Counter("postcheck_http_errors", "Answers with a 5xx status", ["route", "status"])
CHECKS = Counter("postcheck_checks", "Drafts checked", ["api"])
CHECK_DURATION = Histogram("postcheck_check_duration_seconds", "Time to check a draft, request to answer", ["api"],
                           buckets=_LATENCY_BUCKETS)
WARNINGS = Counter("postcheck_warnings", "Warnings given, per rule and category", ["rule", "category"])
# Both labels are from the server's own lists (postcheck.outcomes, PLATFORMS), checked before counting.
OUTCOME_REPORTS = Counter("postcheck_outcome_reports", "Outcome reports counted, per outcome and platform",
                          ["outcome", "platform"])
# A shared rate-limit store (Redis) that stops answering: each process keeps its own counts meanwhile.
RATE_LIMIT_SHARED = Gauge("postcheck_ratelimit_shared", "1 while the shared rate-limit store answers, 0 while "
                          "this process keeps its own counts instead (absent with memory:// storage)",
                          multiprocess_mode="livemin")
RATE_LIMIT_FALLBACKS = Counter("postcheck_ratelimit_fallbacks", "Times a server process lost the shared "
                               "rate-limit store and kept its own counts")
RULES_LOADED = Gauge("postcheck_rules_loaded", "Rules in force", multiprocess_mode="max")
INFO = Gauge("postcheck_info", "The server's version", ["version"], multiprocess_mode="max")

# Endpoints (Flask's names) that check a draft, and the api label each counts under.
_CHECK_ENDPOINTS = {"check.check_draft": "v1", "languagetool.check": "languagetool"}


def _route() -> str:
    # The URL rule's template (/api/v1/elections/<int:election_id>), never the path a client sent.
    return request.url_rule.rule if request.url_rule is not None else "unmatched"


def init_app(app: Flask, settings: dict) -> None:
    INFO.labels(__version__).set(1)

    @app.before_request
    def _start():
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _count(response):
        started = g.pop("metrics_started", None)
        if started is None:
            return response
        elapsed = time.perf_counter() - started
        route, status = _route(), str(response.status_code)
        HTTP_REQUESTS.labels(request.method, route, status).inc()
        HTTP_DURATION.labels(route).observe(elapsed)
        if response.status_code >= 500:
            HTTP_ERRORS.labels(route, status).inc()
        api = _CHECK_ENDPOINTS.get(request.endpoint or "")
        if api and response.status_code == 200:
            CHECKS.labels(api).inc()
            CHECK_DURATION.labels(api).observe(elapsed)
            # What the view noted (note_warnings), so the answer need not be parsed.
            for rule, category in g.pop("warned", ()):
                WARNINGS.labels(rule, category).inc()
        return response

    if settings.get("METRICS_ENABLED", True):
        app.add_url_rule("/metrics", "metrics", _metrics_view(app))


def note_warnings(warnings) -> None:
    """Called by a check view with the warnings it answers: their rule ids and categories (never the
    text) are counted when the response leaves, without parsing it again."""
    g.warned = [(w.rule, w.category) for w in warnings]


def note_outcome(outcome: str, platform: str, count: int = 1) -> None:
    """Called by the feedback view for a report it counted (both values already validated); `count`: a
    report of outcomes the extension kept while the server could not take them counts as that many."""
    OUTCOME_REPORTS.labels(outcome, platform).inc(count)


def _metrics_view(app: Flask):
    def metrics():
        services = app.extensions.get("postcheck")
        if services is not None:
            RULES_LOADED.set(len(services.rules.current.rules))
        registry = REGISTRY
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            from prometheus_client import multiprocess

            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
        response = Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
        response.headers["Cache-Control"] = "no-store"
        return response
    return metrics
