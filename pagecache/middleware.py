"""The anonymous page cache: whole reader pages, never stale.

A page is stored under a key made of the release, the content generation and
the next scheduled change (see `pagecache.generation`), and the request's
scheme, host, path and query string. It keeps the tags of everything it
showed (see `pagecache.tags`) and is served only while none of them changed.

Only anonymous GET and HEAD requests are served from the cache: no session or
messages cookie, no Authorization header, never under the skipped prefixes
(admin, preview). Only plain 200 responses that set no cookie and are not
marked private, no-cache or no-store are stored. Cached pages carry an ETag, a
Last-Modified date and `Cache-Control: public, max-age=…` (never beyond the next
scheduled change) so browsers and CDNs can revalidate with a 304; pages for
visitors with a session are marked `private, no-cache`.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from .generation import page_store
from .purge import surrogate_headers
from .schedule import request_scope, request_state
from .tags import UNTAGGED, collecting, is_valid, only_added_since, shown_with_everything, versions_if_unchanged_since

logger = logging.getLogger(__name__)

PAGE_KEY = "page-cache:page:{stamp}:{url}"
# Marks a page one worker is rendering, so that the others do not all render it at once.
RENDERING_KEY = "{key}:rendering"
RENDERING_SECONDS = 10
WAIT_STEP_SECONDS = 0.05
CACHEABLE_VARY = {"cookie", "accept-encoding"}
SKIPPED_CACHE_CONTROL = {"private", "no-cache", "no-store"}
# What patch_cache_control(public=True, max_age=…) writes, written directly: it is added to every page served.
SHARED_CACHE_CONTROL = "public, max-age={max_age}"


def is_anonymous_request(request):
    """True when nothing in the request can make its page personal."""
    return not (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or getattr(settings, "MESSAGE_COOKIE_NAME", "messages") in request.COOKIES
        or "HTTP_AUTHORIZATION" in request.META
    )


def is_skipped_path(path):
    return path.startswith(tuple(settings.PAGE_CACHE_SKIP_PREFIXES))


def is_passed_path(path):
    """Static files and uploads: neither stored nor marked private (they carry their own headers)."""
    return path.startswith(tuple(getattr(settings, "PAGE_CACHE_PASS_PREFIXES", ())))


def cache_control_directives(response):
    return {part.split("=", 1)[0].strip().lower() for part in response.get("Cache-Control", "").split(",")}


def is_storable(response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if cache_control_directives(response) & SKIPPED_CACHE_CONTROL:
        return False
    vary = {value.strip().lower() for value in response.get("Vary", "").split(",") if value.strip()}
    return vary <= CACHEABLE_VARY


def seconds_until(moment, now):
    return max(1, int((moment - now).total_seconds())) if moment is not None else None


class PageCacheMiddleware:
    """Serve anonymous reader pages from the cache; mark everything else private."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_scope(request):
            return self.serve(request)

    def serve(self, request):
        if not settings.PAGE_CACHE or is_passed_path(request.path):
            return self.get_response(request)
        if is_skipped_path(request.path) or not is_anonymous_request(request):
            return self.private(self.get_response(request))
        if request.method not in {"GET", "HEAD"}:
            return self.get_response(request)
        # Outside the try: a disallowed Host header must end in Django's 400, not a cache warning.
        url = hashlib.md5(request.build_absolute_uri().encode(), usedforsecurity=False).hexdigest()
        try:
            now = timezone.now()
            stamp, epoch, next_change = request_state()
            key = PAGE_KEY.format(stamp=stamp, url=url)
            entry = page_store().get(key)
            if entry is not None and is_valid(entry, epoch):
                if entry["epoch"] != epoch:
                    # Still valid after a change elsewhere: the next hit need not check its tags again.
                    page_store().set(key, {**entry, "epoch": epoch}, timeout=settings.PAGE_CACHE_SECONDS)
                return self.respond_stored(request, entry, now, next_change, hit="hit")
            # Only a page readers had (a hot page a change invalidated) is rendered by one worker at a time.
            rendering = RENDERING_KEY.format(key=key) if entry is not None else None
            if rendering and not page_store().add(rendering, True, timeout=RENDERING_SECONDS):
                # Another worker is rendering this page: serve the previous copy if the change only
                # added to it, or wait a moment for the new one; never serve what a change hid.
                if only_added_since(entry["tags"], within=settings.PAGE_CACHE_STALE_SECONDS):
                    return self.respond_stored(request, entry, now, next_change, hit="stale")
                fresh = self.wait_for(key, epoch)
                if fresh is not None:
                    return self.respond_stored(request, fresh, now, next_change, hit="hit")
        except Exception:
            # A cache outage must not take the site down: render without it.
            logger.exception("Page cache unavailable; serving without it")
            return self.get_response(request)
        try:
            return self.render_and_store(request, key, epoch, now, next_change)
        finally:
            if rendering:
                try:
                    page_store().delete(rendering)
                except Exception:
                    logger.exception("Page cache unavailable; rendering mark not removed")

    @staticmethod
    def wait_for(key, epoch):
        """The page another worker is rendering, once it is stored and valid; None after PAGE_CACHE_WAIT_SECONDS."""
        deadline = time.monotonic() + settings.PAGE_CACHE_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(WAIT_STEP_SECONDS)
            entry = page_store().get(key)
            if entry is not None and is_valid(entry, epoch):
                return entry
        return None

    def render_and_store(self, request, key, epoch, now, next_change):
        with collecting() as shown:
            response = self.get_response(request)
        if not is_storable(response):
            return response
        if not response.has_header("Cache-Control"):
            # Stored with it: a shared cache must not hand this copy to a visitor who has a session.
            patch_vary_headers(response, ["Cookie"])
        if not response.has_header("ETag"):
            response["ETag"] = f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"'
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date(now.timestamp())
        timeout = settings.PAGE_CACHE_SECONDS
        try:
            # A page that read nothing tagged is invalidated by any change (see UNTAGGED).
            versions = versions_if_unchanged_since(epoch, shown_with_everything(shown.tags or {UNTAGGED}))
            if versions is not None:
                for header, value in surrogate_headers(versions).items():
                    response[header] = value
                entry = {
                    # A copy holding only the status, headers and content, stored whole as Django's own cache
                    # middleware stores responses: a hit unpickles it without checking every header again.
                    "response": HttpResponse(response.content, status=response.status_code, headers=response.items()),
                    "tags": versions,
                    "epoch": epoch,
                    "last_modified": parse_http_date_safe(response["Last-Modified"]),
                }
                page_store().set(key, entry, timeout=timeout)
        except Exception:
            logger.exception("Page cache unavailable; page not stored")
        return self.respond(request, response, now, next_change, hit="miss")

    def respond_stored(self, request, entry, now, next_change, *, hit):
        return self.respond(request, entry["response"], now, next_change, hit=hit, last_modified=entry["last_modified"])

    @staticmethod
    def respond(request, response, now, next_change, *, hit, last_modified=None):
        """The page as served: marked with the outcome, shareable until the next scheduled change, or a 304."""
        response["X-Page-Cache"] = hit
        # Also on the request, for the metrics: a 304 answer drops the header.
        request.page_cache_outcome = hit
        if not response.has_header("Cache-Control"):
            max_age = settings.PAGE_CACHE_MAX_AGE
            if next_change is not None:
                max_age = min(max_age, seconds_until(next_change, now))
            response["Cache-Control"] = SHARED_CACHE_CONTROL.format(max_age=max_age)
        if last_modified is None and response.has_header("Last-Modified"):
            last_modified = parse_http_date_safe(response["Last-Modified"])
        return get_conditional_response(
            request, etag=response.get("ETag"), last_modified=last_modified, response=response
        )

    @staticmethod
    def private(response):
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_cache=True)
        return response
