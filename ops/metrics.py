"""Prometheus metrics at `/metrics`, for the operators' scraper only.

django-prometheus times every request: `RequestMetricsMiddleware` (its "before" middleware, outside the
page cache, so cached pages are timed too) and `PrometheusAfterMiddleware` (the latency of each view,
`django_http_requests_latency_seconds_by_view_method`). This module adds the newsroom's own counters:
what the page cache answered, the SQL statements run, and the stories published.

`/metrics` answers 404, like any unknown address, unless `METRICS_TOKEN` is set and the request sends it
as `Authorization: Bearer <token>`. With `PROMETHEUS_MULTIPROC_DIR` set (gunicorn with several workers),
each worker writes its values there and `/metrics` adds up every worker's (prometheus_client's
multiprocess mode, through django-prometheus's export view).
"""

import hmac

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.utils.cache import add_never_cache_headers
from django_prometheus.exports import ExportToDjangoView
from django_prometheus.middleware import PrometheusBeforeMiddleware
from prometheus_client import Counter

from articles.models import Article

PAGE_CACHE_OUTCOMES = ("hit", "stale", "miss")

page_cache_requests = Counter(
    "newsroom_page_cache_requests_total",
    "Anonymous reader pages answered by the page cache: hit, stale (the previous copy while another worker "
    "renders the page) or miss (rendered and stored).",
    ["outcome"],
)
db_queries = Counter("newsroom_db_queries_total", "SQL statements run, by database alias.", ["alias"])
articles_published = Counter(
    "newsroom_articles_published_total",
    "Stories that became published (now or scheduled), counted when the change commits.",
)
for outcome in PAGE_CACHE_OUTCOMES:
    page_cache_requests.labels(outcome)


class RequestMetricsMiddleware(PrometheusBeforeMiddleware):
    """django-prometheus's "before" middleware, also counting what the page cache answered."""

    def process_response(self, request, response):
        # Set by the page cache (pagecache/middleware.py) on every page it served or stored.
        outcome = getattr(request, "page_cache_outcome", None)
        if outcome in PAGE_CACHE_OUTCOMES:
            page_cache_requests.labels(outcome).inc()
        return super().process_response(request, response)


def count_query(execute, sql, params, many, context):
    db_queries.labels(context["connection"].alias).inc()
    return execute(sql, params, many, context)


def watch_connection(sender, connection, **kwargs):
    """Receiver of `connection_created`: count every statement the connection runs (no SQL of its own)."""
    if count_query not in connection.execute_wrappers:
        # First, so that `connection.execute_wrapper()` blocks, which pop the last wrapper, pop their own.
        connection.execute_wrappers.insert(0, count_query)


def became_published(change):
    published = Article.Status.PUBLISHED
    return (
        change.after is not None
        and change.after.status == published
        and getattr(change.before, "status", None) != published
    )


def content_changed(sender, using=None, articles=None, **kwargs):
    """Receiver of `articles.signals.content_changed`: count stories published, once their change commits."""
    count = sum(1 for change in articles or () if became_published(change))
    if count:
        transaction.on_commit(lambda: articles_published.inc(count), using=using, robust=True)


def is_authorised(request):
    """Whether the request sends the configured token (compared in constant time); never without one."""
    token = settings.METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode("utf-8", "replace"), token.encode())


def metrics(request):
    """The metrics in Prometheus's text format; 404 for anyone without the token, as for an unknown address."""
    if not is_authorised(request):
        raise Http404
    if request.method not in {"GET", "HEAD"}:
        return HttpResponseNotAllowed(["GET", "HEAD"])
    response = ExportToDjangoView(request)
    add_never_cache_headers(response)
    return response
