"""The anonymous page cache: whole reader pages, never stale.

A page is stored under a key made of three parts:

- the **content generation**, a random token replaced after every committed
  change to anything a reader page shows (see `articles/signals.py`). Nothing
  is ever deleted: a change makes every old key unreachable at once. The token
  lives in a store every worker process shares (Redis, or a small file when the
  page cache itself is per-process local memory), so a change made through one
  worker is seen by all of them;
- the **next scheduled change**: the first future moment when an article goes
  live or leaves its embargo, or a promo footer's window opens or closes. Such
  changes need no write, so no signal can announce them; once that moment has
  passed the key changes, and no page outlives it;
- the request's scheme, host, path and query string.

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
import secrets
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
SCHEDULE_KEY = "page-cache:schedule:{generation}"
PAGE_KEY = "page-cache:page:{generation}:{next_change}:{url}"
CACHEABLE_VARY = {"cookie", "accept-encoding"}
SKIPPED_CACHE_CONTROL = {"private", "no-cache", "no-store"}


def page_store():
    return caches[settings.PAGE_CACHE_ALIAS]


def generation_store():
    return caches[settings.PAGE_CACHE_GENERATION_ALIAS]


def current_generation():
    """The content generation token, created on first use (or after the store lost it)."""
    store = generation_store()
    generation = store.get(GENERATION_KEY)
    if generation is None:
        # add() rather than set(): when two processes race, both end up with the winner's token.
        store.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
        generation = store.get(GENERATION_KEY)
    return generation


def bump_generation():
    """Make every cached page unreachable now."""
    generation_store().set(GENERATION_KEY, secrets.token_hex(8), timeout=None)


def content_changed(*, using=None):
    """Invalidate every cached page once the current transaction commits.

    After the commit, not before: a request that read the new token before the
    commit would cache the old content under it. Outside a transaction this
    runs at once.
    """
    transaction.on_commit(bump_generation, using=using, robust=True)


def next_scheduled_change(at):
    """The first moment after `at` when readers' pages change without a write, or None."""
    from .models import Article, PromoFooter

    candidates = [Article.objects.next_live_change(at), PromoFooter.objects.next_window_change(at)]
    return min((moment for moment in candidates if moment is not None), default=None)


def cache_state(now):
    """(generation, next scheduled change) for building page keys.

    The next scheduled change is computed once per generation (two small
    queries) and again whenever it has passed.
    """
    generation = current_generation()
    key = SCHEDULE_KEY.format(generation=generation)
    store = page_store()
    stored = store.get(key)
    if stored is None or (stored[0] is not None and stored[0] <= now):
        stored = (next_scheduled_change(now),)
        store.set(key, stored, timeout=settings.PAGE_CACHE_SECONDS)
    return generation, stored[0]


def is_anonymous_request(request):
    """True when nothing in the request can make its page personal."""
    return not (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or getattr(settings, "MESSAGE_COOKIE_NAME", "messages") in request.COOKIES
        or "HTTP_AUTHORIZATION" in request.META
    )


def is_skipped_path(path):
    return any(path.startswith(prefix) for prefix in settings.PAGE_CACHE_SKIP_PREFIXES)


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
        if not settings.PAGE_CACHE:
            return self.get_response(request)
        if is_skipped_path(request.path) or not is_anonymous_request(request):
            return self.private(self.get_response(request))
        if request.method not in {"GET", "HEAD"}:
            return self.get_response(request)
        # Outside the try: a disallowed Host header must end in Django's 400, not a cache warning.
        url = hashlib.md5(request.build_absolute_uri().encode(), usedforsecurity=False).hexdigest()
        try:
            now = timezone.now()
            generation, next_change = cache_state(now)
            key = PAGE_KEY.format(
                generation=generation, next_change=int(next_change.timestamp()) if next_change else "none", url=url
            )
            entry = page_store().get(key)
        except Exception:
            # A cache outage must not take the site down: render without it.
            logger.exception("Page cache unavailable; serving without it")
            return self.get_response(request)
        if entry is not None:
            return self.respond(request, self.rebuild(entry), now, next_change, hit=True)
        response = self.get_response(request)
        if not is_storable(response):
            return response
        if not response.has_header("ETag"):
            response["ETag"] = f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"'
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date(now.timestamp())
        timeout = min(settings.PAGE_CACHE_SECONDS, seconds_until(next_change, now) or settings.PAGE_CACHE_SECONDS)
        entry = {
            "status": response.status_code,
            "content": response.content,
            "headers": [(name, value) for name, value in response.items() if name.lower() != "set-cookie"],
        }
        try:
            page_store().set(key, entry, timeout=timeout)
        except Exception:
            logger.exception("Page cache unavailable; page not stored")
        return self.respond(request, response, now, next_change, hit=False)

    @staticmethod
    def rebuild(entry):
        response = HttpResponse(entry["content"], status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        return response

    @staticmethod
    def respond(request, response, now, next_change, *, hit):
        response["X-Page-Cache"] = "hit" if hit else "miss"
        if not response.has_header("Cache-Control"):
            max_age = settings.PAGE_CACHE_MAX_AGE
            if next_change is not None:
                max_age = min(max_age, seconds_until(next_change, now))
            patch_cache_control(response, public=True, max_age=max_age)
            # A shared cache must not hand this copy to a visitor who has a session.
            patch_vary_headers(response, ["Cookie"])
        last_modified = response.get("Last-Modified")
        return get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=parse_http_date_safe(last_modified) if last_modified else None,
            response=response,
        )

    @staticmethod
    def private(response):
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_cache=True)
        return response


MEMO_KEY = "page-cache:memo:{stamp}:{name}"
# The stamp read once for the whole of a GET or HEAD request (None outside one).
request_stamp = ContextVar("request_stamp", default=None)
READ_ONLY_METHODS = {"GET", "HEAD"}


@contextmanager
def request_scope(request):
    """Within a read-only request, read the generation stamp once, not once per memoised value.

    A request that writes commits its changes part-way through, so it always
    reads the current stamp.
    """
    token = request_stamp.set({} if request.method in READ_ONLY_METHODS else None)
    try:
        yield
    finally:
        request_stamp.reset(token)


def generation_stamp():
    """The content generation and the next scheduled change, as one key part."""
    scope = request_stamp.get()
    if scope is not None and "stamp" in scope:
        return scope["stamp"]
    generation, next_change = cache_state(timezone.now())
    stamp = f"{generation}:{int(next_change.timestamp()) if next_change else 'none'}"
    if scope is not None:
        scope["stamp"] = stamp
    return stamp


def memo_key(stamp, name):
    return MEMO_KEY.format(stamp=stamp, name=hashlib.md5(name.encode(), usedforsecurity=False).hexdigest())


def per_generation(name, compute):
    """compute(), remembered until the content generation or the next scheduled change moves.

    For values every reader page needs that change only when content does:
    paginator counts, the section navigation, the home page's choice of
    stories. They share the page cache's invalidation, so they are never
    staler than a cached page. With GENERATION_MEMO off, compute() runs every time.
    """
    return per_generation_many([(name,)], lambda missing: {(name,): compute()})[(name,)]


def per_generation_many(keys, compute_missing):
    """{key: value} for keys (tuples), like `per_generation` for many values in one cache round trip.

    compute_missing(missing keys) returns {key: value} for those it can
    compute; a key it leaves out is left out of the result.
    """
    keys = list(keys)
    if not settings.GENERATION_MEMO:
        return compute_missing(keys)
    try:
        stamp = generation_stamp()
        names = {memo_key(stamp, ":".join(map(str, key))): key for key in keys}
        stored = page_store().get_many(list(names))
    except Exception:
        logger.exception("Page cache unavailable; computing without it")
        return compute_missing(keys)
    found = {names[name]: value[0] for name, value in stored.items()}
    missing = [key for key in keys if key not in found]
    if missing:
        computed = compute_missing(missing)
        found.update(computed)
        name_of = {key: name for name, key in names.items()}
        try:
            page_store().set_many(
                {name_of[key]: (value,) for key, value in computed.items()}, timeout=settings.PAGE_CACHE_SECONDS
            )
        except Exception:
            logger.exception("Page cache unavailable; values not stored")
    return found
