"""Tags: what a cached page or remembered value shows, so that a change invalidates only what shows it.

Each tag (e.g. "article:12", "listing:region:3") has a version in the
generation store, replaced when something it names changes. An entry keeps
the versions of its tags from the moment it was computed and is valid while
they are all current. A tag's version lives a little longer than any entry
(`PAGE_CACHE_SECONDS`), so a version that expired can only belong to entries
that expired before it.

The epoch, replaced by every invalidation, closes the race between computing
and storing: an entry whose computation overlapped an invalidation is not
stored, so nothing computed from data a committed change replaced is kept.
"""

import time
from contextvars import ContextVar

from django.db import transaction

from .generation import (
    EPOCH_KEY,
    EVERYTHING,
    added_at,
    bump_generation,
    current_versions,
    generation_store,
    replace_versions,
    version_keys,
    versions_in,
)
from .purge import purge

# The tag of pages that read nothing tagged: invalidate it with every change such pages may show.
UNTAGGED = "untagged"
# Tags collected while a request renders, for the page it stores (None outside a collecting request).
_collected = ContextVar("pagecache_collected_tags", default=None)


def versions_if_unchanged_since(epoch, tags):
    """Current versions of tags, or None when an invalidation happened after `epoch` was read."""
    tags = list(tags)
    found = generation_store().get_many([EPOCH_KEY, *version_keys(tags)])
    return versions_in(found, tags) if found.get(EPOCH_KEY) == epoch else None


def shown_with_everything(tags):
    """An entry's tags: what it shows, and the generation every entry carries."""
    return {*tags, EVERYTHING}


def is_current(versions):
    """Whether an entry computed with these tag versions is still valid."""
    return not versions or current_versions(versions) == {tag: tuple(version) for tag, version in versions.items()}


def only_added_since(versions, *, within):
    """Whether every tag of an entry that changed since changed only by additions, all in the last `within` seconds.

    Such an entry shows nothing that was hidden or altered: it may be served for a moment more.
    """
    now = time.time()
    current = current_versions(versions)
    changed = [(tuple(stored), current[tag]) for tag, stored in versions.items() if current[tag] != tuple(stored)]
    return all(
        stored[0] == now_version[0] and now_version[1] is not None and now - added_at(now_version[1]) <= within
        for stored, now_version in changed
    )


def is_valid(entry, epoch):
    """Whether an entry ({"tags": versions, "epoch": ...}) is valid: nothing was invalidated since it was
    checked (one read, shared by every entry of a request), or none of its own tags changed."""
    return entry["epoch"] == epoch or is_current(entry["tags"])


class collecting:
    """Within the block, tags of everything remembered or rendered are gathered for the page being stored."""

    def __enter__(self):
        self.tags = set()
        self._token = _collected.set(self.tags)
        return self

    def __exit__(self, *exc):
        _collected.reset(self._token)


def collect(tags):
    collected = _collected.get()
    if collected is not None:
        collected.update(tags)


def apply(tags, *, adds=False):
    """Invalidate now what shows any of tags (None: everything), here and in the caches in front.

    adds: the change only adds to what the tags show (a new story on a list), so a page showing
    them may be served a moment longer while one worker renders it again.
    """
    if tags is None:
        bump_generation()
    else:
        replace_versions(tags, adds=adds)
    purge(tags)


def invalidate(tags=None, *, adds=False, using=None):
    """Invalidate what shows any of tags (everything when tags is None) once the current transaction commits.

    After the commit, not before: a request that read the new versions before
    the commit would cache the old content under them. Outside a transaction
    this runs at once; a rolled-back change invalidates nothing.
    """
    tags = None if tags is None else sorted(set(tags))
    if tags != []:
        transaction.on_commit(lambda: apply(tags, adds=adds), using=using, robust=True)
