"""The schedule, and the stamp every key carries (the release and the content generation).

Some changes need no write (a scheduled story going live): the project
registers a schedule, which gives the next such moment and, once it has
passed, the tags of what changed. The first request after the moment
invalidates those tags, so no worker or cron is needed.
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.utils import timezone

from .generation import current_state, current_versions, generation_store
from .release import current_release
from .tags import apply

logger = logging.getLogger(__name__)

SCHEDULE_KEY = "page-cache:schedule:{release}:{generation}"
# Invalidated whenever the next scheduled moment may have moved (a story scheduled or withdrawn).
SCHEDULE_TAG = "schedule"
READ_ONLY_METHODS = {"GET", "HEAD"}


@dataclass(frozen=True)
class Schedule:
    """next_change(at): the first moment after `at` when pages change without a write, or None.
    changed_between(since, until): the tags of what changed in (since, until], or None for everything;
    such changes only add (a story going live), never hide."""

    next_change: object
    changed_between: object


_schedules = []
# The stamp read once for the whole of a GET or HEAD request (None outside one).
_request_scope = ContextVar("pagecache_request_scope", default=None)


def register_schedule(next_change, changed_between):
    schedule = Schedule(next_change, changed_between)
    if schedule not in _schedules:
        _schedules.append(schedule)


def next_scheduled_change(at):
    moments = (schedule.next_change(at) for schedule in _schedules)
    return min((moment for moment in moments if moment is not None), default=None)


def changed_between(since, until):
    """The tags of what the schedules changed in (since, until], or None when that may be anything."""
    tags = set()
    for schedule in _schedules:
        changed = schedule.changed_between(since, until)
        if changed is None:
            return None
        tags.update(changed)
    return tags


def cache_state(now):
    """(generation, epoch, next scheduled change), after invalidating what a passed scheduled moment changed.

    The next moment is kept per release and generation in the shared store, with
    no expiry (a page of a generation is only ever stored after its state), and
    computed again when SCHEDULE_TAG changes or the moment passes.
    """
    generation, epoch = current_state()
    store = generation_store()
    key = SCHEDULE_KEY.format(release=current_release(), generation=generation)
    stored = store.get(key)
    if stored is not None and (stored["next"] is None or stored["next"] > now):
        if stored["epoch"] == epoch or stored["versions"] == current_versions([SCHEDULE_TAG]):
            return generation, epoch, stored["next"]
    elif stored is not None:
        tags = changed_between(stored["checked_at"], now)
        if tags is None or tags:
            apply(tags, adds=True)
        generation, epoch = current_state()
        key = SCHEDULE_KEY.format(release=current_release(), generation=generation)
    state = {
        "next": next_scheduled_change(now),
        "checked_at": now,
        "versions": current_versions([SCHEDULE_TAG]),
        "epoch": epoch,
    }
    store.set(key, state, timeout=None)
    return generation, epoch, state["next"]


def stamp_of(generation):
    """Release and generation as one key part."""
    return f"{current_release()}:{generation}"


@contextmanager
def request_scope(request):
    """Within a read-only request, read the shared state once, not once per cached page or remembered value.

    A request that writes commits its changes part-way through, so it always
    reads the current state.
    """
    token = _request_scope.set({} if request.method in READ_ONLY_METHODS else None)
    try:
        yield
    finally:
        _request_scope.reset(token)


def request_state():
    """(stamp, epoch, next scheduled change) for this request (read once per read-only request)."""
    scope = _request_scope.get()
    if scope is not None and "state" in scope:
        return scope["state"]
    generation, epoch, next_change = cache_state(timezone.now())
    state = (stamp_of(generation), epoch, next_change)
    if scope is not None:
        scope["state"] = state
    return state


def generation_stamp():
    """The stamp every key carries: the release and the content generation."""
    return request_state()[0]
