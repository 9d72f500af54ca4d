from django.conf import settings
from django.utils.functional import SimpleLazyObject

from . import readmodel
from .links import site_links, site_url


def site(request):
    """The outlet's name, tagline, address and main links, so another outlet can reuse the templates; and the
    frame's furniture (banner, sections, the outlet's pages), read at most once per request, when a page shows it."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_TAGLINE": settings.SITE_TAGLINE,
        "SITE_URL": site_url(),
        "SITE_LANGUAGE": settings.SITE_LANGUAGE,
        "SITE_LINKS": site_links(),
        "FURNITURE": SimpleLazyObject(readmodel.furniture),
    }


def furniture(context):
    """The furniture for a template context: the request's one read (see `site`), or a read now."""
    return context.get("FURNITURE") or readmodel.furniture()
