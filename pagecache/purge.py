"""Purge hooks: tell caches in front of the site (a CDN, Varnish) which tags were invalidated.

Configured with `PAGE_CACHE_PURGERS`, a list of {"BACKEND": dotted path, "OPTIONS": {...}}.
Every cached page names its tags in the `xkey`, `Surrogate-Key` and `Cache-Tag` response
headers, so a cache that indexes them can drop exactly the pages a change touched. A failed
purge is logged and never undoes or blocks the change; the page's short `max-age` bounds how
long such a cache could keep it.
"""

import functools
import logging
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.module_loading import import_string

from .generation import EVERYTHING

logger = logging.getLogger(__name__)

# Carried by every cached page: purging it drops them all (a change that may touch anything).
EVERY_PAGE = "page"


class Purger:
    """A cache in front of the site. Subclasses send `purge(tags)` to it (Fastly, Cloudflare, CloudFront…)."""

    def __init__(self, **options):
        self.options = options

    def purge(self, tags):
        raise NotImplementedError


class VarnishPurger(Purger):
    """Varnish with the xkey module: one `PURGE` request per call, the tags in the `xkey-purge` header.

    OPTIONS: `url`, the Varnish listener (e.g. "http://127.0.0.1:6081"); `timeout` in seconds (default 2).
    """

    def purge(self, tags):
        url = self.options["url"].rstrip("/") + "/"
        request = urllib.request.Request(url, method="PURGE", headers={"xkey-purge": " ".join(sorted(tags))})
        if urlsplit(url).scheme not in {"http", "https"}:
            raise ValueError(f"Varnish purge URL must be http(s), not {url!r}.")
        with urllib.request.urlopen(request, timeout=self.options.get("timeout", 2)) as response:
            response.read()


@functools.cache
def _purgers(config):
    return [import_string(backend)(**dict(options)) for backend, options in config]


def purgers():
    config = tuple(
        (entry["BACKEND"], tuple(sorted(entry.get("OPTIONS", {}).items())))
        for entry in getattr(settings, "PAGE_CACHE_PURGERS", [])
    )
    return _purgers(config)


def purge(tags):
    """Send tags (None: every page) to every configured purger; failures are logged, never raised."""
    tags = {EVERY_PAGE} if tags is None else set(tags)
    if not tags:
        return
    for purger in purgers():
        try:
            purger.purge(tags)
        except Exception:
            logger.exception("Purging %s with %s failed", " ".join(sorted(tags)), type(purger).__name__)


def surrogate_headers(tags):
    """The response headers naming a page's tags, as Varnish (xkey), Fastly and Cloudflare read them."""
    names = sorted({*tags, EVERY_PAGE} - {EVERYTHING})
    return {"xkey": " ".join(names), "Surrogate-Key": " ".join(names), "Cache-Tag": ",".join(names)}
