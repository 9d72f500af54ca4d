"""The files browsers ask for at the site's root: the favicon and the web app manifest."""

import functools
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

THEME_COLOUR = "#a5121c"


@functools.cache
def _favicon_bytes():
    with open(finders.find("icons/favicon.ico"), "rb") as icon:
        return icon.read()


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request):
    return HttpResponse(_favicon_bytes(), content_type="image/vnd.microsoft.icon")


@require_safe
@cache_control(max_age=86400, public=True)
def manifest(request):
    document = {
        "name": settings.SITE_NAME,
        "short_name": settings.SITE_NAME,
        "description": settings.SITE_TAGLINE,
        "lang": settings.SITE_LANGUAGE,
        "start_url": "/",
        "scope": "/",
        "display": "browser",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return HttpResponse(json.dumps(document, indent=2), content_type="application/manifest+json")
