import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Pages that every page links to (masthead, navigation, footer).
SITE_LINK_NAMES = ("home", "search", "feed", "feed_atom", "regions", "topics")


def site(request):
    """The outlet's name, tagline, address and main links, so another outlet can reuse the templates."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_TAGLINE": settings.SITE_TAGLINE,
        "SITE_URL": settings.SITE_URL,
        "SITE_LANGUAGE": settings.SITE_LANGUAGE,
        "SITE_LINKS": site_links(),
    }


def site_links():
    """{name: path} of the pages every page links to, reversed once per URL configuration and script prefix."""
    return _site_links(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@functools.cache
def _site_links(urlconf, script_prefix):
    return {name: reverse(f"articles:{name}", urlconf=urlconf) for name in SITE_LINK_NAMES}
