"""System checks for what a deployment cannot do without (run by `manage.py check`, and `check --deploy`)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


def site_url_problem(value, *, production):
    """Why value cannot be the outlet's public address, or None when it can."""
    if not value:
        return "SITE_URL is not set." if production else None
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError:
        return f"SITE_URL “{value}” is not a valid address."
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return f"SITE_URL “{value}” must be an absolute address such as https://news.example.org."
    if production and parts.scheme != "https":
        return f"SITE_URL “{value}” must use https in production."
    if parts.path not in {"", "/"} or parts.query or parts.fragment or parts.username or parts.password:
        return f"SITE_URL “{value}” must be a scheme and host only (no path, query or credentials)."
    return None


@register(Tags.security)
def check_site_url(app_configs=None, **kwargs):
    problem = site_url_problem(settings.SITE_URL, production=settings.PRODUCTION)
    if problem is None:
        return []
    return [
        Error(
            problem,
            hint="Set SITE_URL to the outlet's public address, e.g. https://news.example.org: canonical links, "
            "og:url, structured data, feeds, sitemaps and robots.txt are built on it.",
            id="ops.E001",
        )
    ]


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs=None, **kwargs):
    if settings.REDIS_URL:
        return []
    return [
        Warning(
            "No REDIS_URL: every worker process keeps its own page cache and remembered values, and the page "
            "cache's shared state is a file in PAGE_CACHE_GENERATION_DIR, shared only by processes on this machine.",
            hint="Set REDIS_URL before running more than one app server (docs/deployment.md).",
            id="ops.W001",
        )
    ]


# A scraper's token is never typed by a person: anything shorter is guessable in time.
METRICS_TOKEN_MIN_LENGTH = 32


@register(Tags.security, deploy=True)
def check_metrics_token(app_configs=None, **kwargs):
    token = settings.METRICS_TOKEN
    if not token or len(token) >= METRICS_TOKEN_MIN_LENGTH:
        return []
    return [
        Warning(
            f"METRICS_TOKEN has {len(token)} characters; /metrics should need at least {METRICS_TOKEN_MIN_LENGTH}.",
            hint="Make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'",
            id="ops.W002",
        )
    ]
