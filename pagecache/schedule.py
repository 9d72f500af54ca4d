"""The schedule, and the state read once per request (the release, the epoch, the next scheduled change).

Some changes need no write (a scheduled story going live): the project
registers a schedule, which gives the next such moment and, once it has
passed, the tags of what changed. The first request after the moment
invalidates those tags, so no worker or cron is needed.
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db.models import Subquery
from django.db.models.sql import Query
from django.utils import timezone

from .generation import EVERYTHING, current_epoch, current_versions, generation_store
from .release import current_release
from .tags import apply

logger = logging.getLogger(__name__)

SCHEDULE_KEY = "page-cache:schedule:{release}"
# Invalidated whenever the next scheduled moment may have moved (a story scheduled or withdrawn).
SCHEDULE_TAG = "schedule"
SCHEDULE_TAGS = [SCHEDULE_TAG, EVERYTHING]
READ_ONLY_METHODS = {"GET", "HEAD"}


@dataclass(frozen=True)
class Schedule:
    """next_changes(at): probes of the moments after `at` when pages change without a write: querysets of one
    column and at most one row, the first such moment (or none). Every schedule's probes are read together.
    changed_between(since, until): the tags of what changed in (since, until], or None for everything;
    such changes only add (a story going live), never hide."""

    next_changes: object
    changed_between: object


_schedules = []
# The stamp read once for the whole of a GET or HEAD request (None outside one).
_request_scope = ContextVar("pagecache_request_scope", default=None)
# This process's copy of the shared schedule state, by key (see cache_state).
_process_copies = {}


def register_schedule(next_changes, changed_between):
    schedule = Schedule(next_changes, changed_between)
    if schedule not in _schedules:
        _schedules.append(schedule)


def next_scheduled_change(at):
    """The first moment after `at` when a schedule changes pages, or None.

    Every probe of every schedule is one subquery of a single SELECT with no
    table of its own (one per database, should probes use several).
    """
    by_database = {}
    for schedule in _schedules:
        for probe in schedule.next_changes(at):
            by_database.setdefault(probe.db, []).append(probe)
    moments = []
    for using, probes in by_database.items():
        query = Query(None)
        for index, probe in enumerate(probes):
            query.add_annotation(Subquery(probe), f"probe_{index}")
        moments.extend(next(iter(query.get_compiler(using).results_iter())))
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
    """(epoch, next scheduled change), after invalidating what a passed scheduled moment changed.

    The next moment is kept per release in the shared store, with no expiry,
    and computed again when SCHEDULE_TAG or the generation changes or the
    moment passes; each process keeps a copy in memory, checked against the
    epoch, so most requests read the shared store only for the epoch.
    """
    epoch = current_epoch()
    key = SCHEDULE_KEY.format(release=current_release())
    for read in (_process_copies.get, generation_store().get):
        stored = read(key)
        if stored is not None and (stored["next"] is None or stored["next"] > now) and stored["epoch"] == epoch:
            _process_copies[key] = stored
            return epoch, stored["next"]
    # `stored` is now the shared copy.
    if stored is not None and (stored["next"] is None or stored["next"] > now):
        if stored["versions"] == current_versions(SCHEDULE_TAGS):
            _process_copies[key] = {**stored, "epoch": epoch}
            return epoch, stored["next"]
    elif stored is not None:
        tags = changed_between(stored["checked_at"], now)
        if tags is None or tags:
            apply(tags, adds=True)
        epoch = current_epoch()
    state = {
        "next": next_scheduled_change(now),
        "checked_at": now,
        "versions": current_versions(SCHEDULE_TAGS),
        "epoch": epoch,
    }
    generation_store().set(key, state, timeout=None)
    _process_copies[key] = state
    return epoch, state["next"]


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
    """(stamp, epoch, next scheduled change) for this request (read once per read-only request).

    The stamp, part of every key, is the release; the epoch is what entries are checked against.
    """
    scope = _request_scope.get()
    if scope is not None and "state" in scope:
        return scope["state"]
    epoch, next_change = cache_state(timezone.now())
    state = (current_release(), epoch, next_change)
    if scope is not None:
        scope["state"] = state
    return state
