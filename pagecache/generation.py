"""The state every cached page and remembered value is checked against, in a store all workers share.

- The **generation**: one token in every key, replaced only by a change that
  may touch every page (`pagecache.tags.invalidate()` without tags).
- **Tag versions**: one per tag (e.g. "article:12"), replaced when something
  it names changes; see `pagecache.tags`.
- The **epoch**: replaced by every invalidation, so that a value computed
  while one happened is never stored.

The store is Redis, or a small file when the page store is per-process local
memory, so a change made through one worker is seen by all of them.
"""

import secrets
import time

from django.conf import settings
from django.core.cache import caches

GENERATION_KEY = "page-cache:generation"
TAG_KEY = "page-cache:tag:{tag}"
# A second version per tag, replaced by changes that only add (a new story on a list): an entry
# whose tags changed only here may be served for a moment while one worker renders it again.
ADDED_KEY = "page-cache:tag-added:{tag}"
EPOCH_KEY = "page-cache:epoch"


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
    """Make every cached page and remembered value unreachable now."""
    generation_store().set(GENERATION_KEY, secrets.token_hex(8), timeout=None)


def current_epoch():
    return generation_store().get(EPOCH_KEY)


def current_state():
    """(generation, epoch) in one read of the shared store."""
    found = generation_store().get_many([GENERATION_KEY, EPOCH_KEY])
    if GENERATION_KEY not in found:
        return current_generation(), found.get(EPOCH_KEY)
    return found[GENERATION_KEY], found.get(EPOCH_KEY)


def current_versions(tags):
    """{tag: (version, added version)} of tags as they are now.

    None for a version never replaced, or not for longer than any entry lives.
    """
    tags = list(tags)
    keys = [key for tag in tags for key in (TAG_KEY.format(tag=tag), ADDED_KEY.format(tag=tag))]
    found = generation_store().get_many(keys) if keys else {}
    return {tag: (found.get(TAG_KEY.format(tag=tag)), found.get(ADDED_KEY.format(tag=tag))) for tag in tags}


def replace_versions(tags, *, adds=False):
    """Give each tag a new version (its added version, for a change that only adds), and replace the epoch.

    A version outlives every entry that could hold the one before it (entries
    live at most PAGE_CACHE_SECONDS), so versions never pile up. An added
    version records when it was made, in milliseconds.
    """
    store = generation_store()
    key, made = (ADDED_KEY, f"{int(time.time() * 1000)}.") if adds else (TAG_KEY, "")
    store.set_many(
        {key.format(tag=tag): made + secrets.token_hex(6) for tag in tags}, timeout=settings.PAGE_CACHE_SECONDS + 60
    )
    store.set(EPOCH_KEY, secrets.token_hex(6), timeout=None)


def added_at(version):
    """When an added version was made (seconds since the epoch)."""
    return int(version.split(".", 1)[0]) / 1000
