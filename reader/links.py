"""Addresses every reader page uses: absolute URLs on SITE_URL, and the links in every page's frame."""

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Pages that every page links to (masthead, navigation, footer).
SITE_LINK_NAMES = ("home", "search", "feed", "feed_atom", "regions", "topics")


def absolute(path):
    """path on the outlet's public address (SITE_URL), as canonical links, feeds and sitemaps give it.

    Full URLs and empty values pass through.
    """
    if not path or path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path}"


def site_links():
    """{name: path} of the pages every page links to, reversed once per URL configuration and script prefix."""
    return _site_links(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@functools.cache
def _site_links(urlconf, script_prefix):
    return {name: reverse(f"reader:{name}", urlconf=urlconf) for name in SITE_LINK_NAMES}
