"""The content generation: one token that every cached page and memoised value is keyed on.

The token is replaced after every committed change the project announces with
`invalidate()`. Nothing is deleted: a new token makes every old key
unreachable at once. It lives in a store every worker process shares (Redis,
or a small file when the page store is per-process local memory), so a change
made through one worker is seen by all of them.

Some changes need no write (a scheduled story going live): the project
registers a schedule, a function giving the next such moment, and that moment
is part of every key, so no entry outlives it.
"""

import logging
import secrets
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

from .release import current_release

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
SCHEDULE_KEY = "page-cache:schedule:{release}:{generation}"
READ_ONLY_METHODS = {"GET", "HEAD"}

_schedules = []
# The stamp read once for the whole of a GET or HEAD request (None outside one).
_request_scope = ContextVar("pagecache_request_scope", default=None)


def page_store():
    return caches[settings.PAGE_CACHE_ALIAS]


def generation_store():
    return caches[settings.PAGE_CACHE_GENERATION_ALIAS]


def register_schedule(next_change):
    """Register next_change(at) -> the first moment after `at` when pages change without a write, or None."""
    if next_change not in _schedules:
        _schedules.append(next_change)


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
    """Make every cached page and memoised value unreachable now."""
    generation_store().set(GENERATION_KEY, secrets.token_hex(8), timeout=None)


def invalidate(*, using=None):
    """Invalidate everything once the current transaction commits (at once outside a transaction).

    After the commit, not before: a request that read the new token before the
    commit would cache the old content under it. A rolled-back change invalidates nothing.
    """
    transaction.on_commit(bump_generation, using=using, robust=True)


def next_scheduled_change(at):
    moments = (next_change(at) for next_change in _schedules)
    return min((moment for moment in moments if moment is not None), default=None)


def cache_state(now):
    """(generation, next scheduled change) for building keys.

    The next scheduled change is computed once per generation and again
    whenever it has passed.
    """
    generation = current_generation()
    key = SCHEDULE_KEY.format(release=current_release(), generation=generation)
    store = page_store()
    stored = store.get(key)
    if stored is None or (stored[0] is not None and stored[0] <= now):
        stored = (next_scheduled_change(now),)
        store.set(key, stored, timeout=settings.PAGE_CACHE_SECONDS)
    return generation, stored[0]


def stamp_of(generation, next_change):
    """Release, generation and next scheduled change as one key part."""
    return f"{current_release()}:{generation}:{int(next_change.timestamp()) if next_change else 'none'}"


@contextmanager
def request_scope(request):
    """Within a read-only request, read the generation stamp once, not once per memoised value.

    A request that writes commits its changes part-way through, so it always
    reads the current stamp.
    """
    token = _request_scope.set({} if request.method in READ_ONLY_METHODS else None)
    try:
        yield
    finally:
        _request_scope.reset(token)


def generation_stamp():
    """The stamp memoised values are keyed on (read once per read-only request)."""
    scope = _request_scope.get()
    if scope is not None and "stamp" in scope:
        return scope["stamp"]
    stamp = stamp_of(*cache_state(timezone.now()))
    if scope is not None:
        scope["stamp"] = stamp
    return stamp
