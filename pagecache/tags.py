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

from contextvars import ContextVar

from django.db import transaction

from .generation import EPOCH_KEY, TAG_KEY, bump_generation, current_versions, generation_store, replace_versions
from .purge import purge

# The tag of pages that read nothing tagged: invalidate it with every change such pages may show.
UNTAGGED = "untagged"
# Tags collected while a request renders, for the page it stores (None outside a collecting request).
_collected = ContextVar("pagecache_collected_tags", default=None)


def versions_if_unchanged_since(epoch, tags):
    """Current versions of tags, or None when an invalidation happened after `epoch` was read."""
    keys = {TAG_KEY.format(tag=tag): tag for tag in tags}
    found = generation_store().get_many([EPOCH_KEY, *keys])
    if found.get(EPOCH_KEY) != epoch:
        return None
    return {tag: found.get(key) for key, tag in keys.items()}


def is_current(versions):
    """Whether an entry computed with these tag versions is still valid."""
    return not versions or current_versions(versions) == versions


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


def apply(tags):
    """Invalidate now what shows any of tags (None: everything), here and in the caches in front."""
    if tags is None:
        bump_generation()
        replace_versions(())
    else:
        replace_versions(tags)
    purge(tags)


def invalidate(tags=None, *, using=None):
    """Invalidate what shows any of tags (everything when tags is None) once the current transaction commits.

    After the commit, not before: a request that read the new versions before
    the commit would cache the old content under them. Outside a transaction
    this runs at once; a rolled-back change invalidates nothing.
    """
    tags = None if tags is None else sorted(set(tags))
    if tags != []:
        transaction.on_commit(lambda: apply(tags), using=using, robust=True)
