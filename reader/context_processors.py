from django.conf import settings

from .links import site_links, site_url


def site(request):
    """The outlet's name, tagline, address and main links, so another outlet can reuse the templates."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_TAGLINE": settings.SITE_TAGLINE,
        "SITE_URL": site_url(),
        "SITE_LANGUAGE": settings.SITE_LANGUAGE,
        "SITE_LINKS": site_links(),
    }
