"""Addresses every reader page uses: absolute URLs on SITE_URL, and the links in every page's frame."""

import contextvars
import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Pages that every page links to (masthead, navigation, footer).
SITE_LINK_NAMES = ("home", "archive", "search", "feed", "feed_atom", "regions", "topics")
# Pages of other apps that every reader page links to: {name in SITE_LINKS: URL name}.
OTHER_SITE_LINKS = {"newsletter": "newsletter:subscribe"}


# The scheme and host of the request being answered, for absolute URLs when SITE_URL is not set.
_request_origin = contextvars.ContextVar("request_origin", default="")


def site_url():
    """The outlet's public address without a trailing slash.

    SITE_URL (mandatory in production); in development, when it is not set, the
    scheme and host of the request being answered, so links work on any port.
    """
    return settings.SITE_URL or _request_origin.get() or "http://localhost"


def absolute(path):
    """path on the outlet's public address (`site_url()`), as canonical links, feeds and sitemaps give it.

    Full URLs and empty values pass through.
    """
    if not path or path.startswith(("http://", "https://")):
        return path
    return f"{site_url()}{path}"


class RequestOriginMiddleware:
    """Remember the request's scheme and host while it is answered (used only when SITE_URL is unset)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SITE_URL:
            return self.get_response(request)
        token = _request_origin.set(f"{request.scheme}://{request.get_host()}")
        try:
            return self.get_response(request)
        finally:
            _request_origin.reset(token)


def site_links():
    """{name: path} of the pages every page links to, reversed once per URL configuration and script prefix."""
    return _site_links(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@functools.cache
def _site_links(urlconf, script_prefix):
    links = {name: reverse(f"reader:{name}", urlconf=urlconf) for name in SITE_LINK_NAMES}
    return {**links, **{name: reverse(view_name, urlconf=urlconf) for name, view_name in OTHER_SITE_LINKS.items()}}
