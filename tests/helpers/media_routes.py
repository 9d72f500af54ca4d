"""Uploads served to a test browser from MEDIA_ROOT, as the production web server serves them."""

import mimetypes
from pathlib import Path

from django.conf import settings


def serve_media(page, base_url):
    """Serve uploaded files from MEDIA_ROOT, as the production web server does."""
    media_root = Path(settings.MEDIA_ROOT)

    def handle(route):
        path = media_root / route.request.url.split("/media/", 1)[1].split("?")[0]
        if path.is_file() and media_root in path.resolve().parents:
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            route.fulfill(status=200, body=path.read_bytes(), content_type=content_type)
        else:
            route.fulfill(status=404, body="")

    page.route(f"{base_url}{settings.MEDIA_URL}**", handle)
