"""The state every cached page and remembered value is checked against, in a store all workers share.

- **Tag versions**: one per tag (e.g. "article:12"), replaced when something it
  names changes (see `pagecache.tags`). Every entry also carries EVERYTHING,
  the content generation: replacing its version invalidates every entry.
- The **epoch**: replaced by every invalidation. An entry checked under the
  current epoch is valid without reading its tags, so a hit costs one read of
  this store; and a value computed while the epoch moved is never stored.

The store is Redis, or a small file when the page store is per-process local
memory, so a change made through one worker is seen by all of them. When the
store starts empty (first use, or lost), a new epoch and generation are made,
so nothing stored before can be taken for current.
"""

import secrets
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache

TAG_KEY = "page-cache:tag:{tag}"
# A second version per tag, replaced by changes that only add (a new story on a list): an entry
# whose tags changed only here may be served for a moment while one worker renders it again.
ADDED_KEY = "page-cache:tag-added:{tag}"
EPOCH_KEY = "page-cache:epoch"
# The tag every entry carries: the content generation.
EVERYTHING = "*"
# {path: (bytes, epoch)}: the epoch file of a file-based store as this process last decoded it.
_decoded_epoch_files = {}


def page_store():
    return caches[settings.PAGE_CACHE_ALIAS]


def generation_store():
    return caches[settings.PAGE_CACHE_GENERATION_ALIAS]


def current_epoch():
    """The epoch, made with a new generation when the store has none (first use, or after it was lost)."""
    store = generation_store()
    epoch = stored_epoch(store)
    if epoch is None:
        # add() rather than set(): when two processes race, both end up with the winner's epoch.
        if store.add(EPOCH_KEY, secrets.token_hex(6), timeout=None):
            store.set(TAG_KEY.format(tag=EVERYTHING), secrets.token_hex(6), timeout=None)
        epoch = store.get(EPOCH_KEY)
    return epoch


def stored_epoch(store):
    """The epoch in store, or None; read on every request.

    From a file-based store, the file's bytes are compared with those last
    decoded: every write of the epoch is a new random token, so equal bytes
    hold the same epoch, and only a changed file is decoded again.
    """
    if not isinstance(store, FileBasedCache):
        return store.get(EPOCH_KEY)
    path = store._key_to_file(EPOCH_KEY)
    before = _file_content(path)
    memo = _decoded_epoch_files.get(path)
    if before is not None and memo is not None and memo[0] == before:
        return memo[1]
    epoch = store.get(EPOCH_KEY)
    # Remembered only when the file did not change while it was decoded.
    if before is not None and _file_content(path) == before:
        _decoded_epoch_files[path] = (before, epoch)
    return epoch


def _file_content(path):
    try:
        with open(path, "rb") as file:
            return file.read()
    except FileNotFoundError:
        return None


def current_generation():
    return current_versions([EVERYTHING])[EVERYTHING][0]


def bump_generation():
    """Make every cached page and remembered value invalid now."""
    replace_versions([EVERYTHING])


def current_versions(tags):
    """{tag: (version, added version)} of tags as they are now.

    None for a version never replaced, or not for longer than any entry lives.
    """
    tags = list(tags)
    found = generation_store().get_many(version_keys(tags)) if tags else {}
    return versions_in(found, tags)


def version_keys(tags):
    return [key for tag in tags for key in (TAG_KEY.format(tag=tag), ADDED_KEY.format(tag=tag))]


def versions_in(found, tags):
    """{tag: (version, added version)} of tags, from what a get_many of their version_keys found."""
    return {tag: (found.get(TAG_KEY.format(tag=tag)), found.get(ADDED_KEY.format(tag=tag))) for tag in tags}


def replace_versions(tags, *, adds=False):
    """Give each tag a new version (its added version, for a change that only adds), and replace the epoch.

    A version outlives every entry that could hold the one before it (entries
    live at most PAGE_CACHE_SECONDS), so versions never pile up; the
    generation's never expires. An added version records when it was made.
    """
    store = generation_store()
    key, made = (ADDED_KEY, f"{int(time.time() * 1000)}.") if adds else (TAG_KEY, "")
    versions = {key.format(tag=tag): made + secrets.token_hex(6) for tag in tags}
    lasting = {name: versions.pop(name) for name in [TAG_KEY.format(tag=EVERYTHING)] if name in versions}
    store.set_many(versions, timeout=settings.PAGE_CACHE_SECONDS + 60)
    store.set_many(lasting, timeout=None)
    store.set(EPOCH_KEY, secrets.token_hex(6), timeout=None)


def added_at(version):
    """When an added version was made (seconds since the epoch)."""
    return int(version.split(".", 1)[0]) / 1000
