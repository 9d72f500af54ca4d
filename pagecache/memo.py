"""Values remembered until the content generation or the next scheduled change moves.

For what many reader pages need and only content changes can change:
paginator counts, pages of ids, rendered fragments. They share the page
cache's invalidation, so they are never staler than a cached page. With
`GENERATION_MEMO` off, every value is computed every time.

A site declares each memoised read once, by name, and passes the arguments
that identify one value as the key's parts: strings, numbers, booleans, None
and tuples of those, so a key never depends on an object's repr. Each value
also names what it shows (its tags), so a change invalidates only the values
that show what changed.
"""

import hashlib
import logging

from django.conf import settings

from .generation import current_versions, page_store
from .schedule import request_state
from .tags import collect, collecting, shown_with_everything, versions_if_unchanged_since

logger = logging.getLogger(__name__)

MEMO_KEY = "page-cache:memo:{stamp}:{name}:{digest}"
KEY_PART_TYPES = (str, int, bool, type(None))


def check_key_parts(parts):
    for part in parts:
        if isinstance(part, tuple):
            check_key_parts(part)
        elif not isinstance(part, KEY_PART_TYPES):
            raise TypeError(f"A memo key part must be a string, number, boolean, None or tuple, not {part!r}.")


def memo_key(stamp, name, parts):
    digest = hashlib.md5(repr(parts).encode(), usedforsecurity=False).hexdigest()
    return MEMO_KEY.format(stamp=stamp, name=name, digest=digest)


def remember(name, parts, compute, *, tags):
    """compute(), remembered under name and the key parts until something it shows changes.

    tags(value) names what the value shows (see `pagecache.tags`).
    """
    parts = tuple(parts)
    return remember_many(name, [parts], lambda missing: {parts: compute()}, tags=lambda _parts, value: tags(value))[
        parts
    ]


def remember_many(name, parts_list, compute_missing, *, tags):
    """{parts: value} for many keys of one memoised read, in one cache round trip.

    compute_missing(missing parts) returns {parts: value} for those it can
    compute; a key it leaves out is left out of the result. tags(parts, value)
    names what each value shows.
    """
    parts_list = [tuple(parts) for parts in parts_list]
    for parts in parts_list:
        check_key_parts(parts)
    if not settings.GENERATION_MEMO:
        computed = compute_missing(parts_list)
        collect(tag for parts, value in computed.items() for tag in tags(parts, value))
        return computed
    try:
        stamp, epoch, _next_change = request_state()
        keys = {memo_key(stamp, name, parts): parts for parts in parts_list}
        stored = page_store().get_many(list(keys))
        unsure = {key: entry for key, entry in stored.items() if entry["epoch"] != epoch}
        current = current_versions({tag for entry in unsure.values() for tag in entry["tags"]})
    except Exception:
        logger.exception("Page cache unavailable; computing without it")
        return compute_missing(parts_list)
    found, shown, confirmed = {}, set(), {}
    for key, entry in stored.items():
        if key in unsure and any(current[tag] != version for tag, version in entry["tags"].items()):
            continue
        found[keys[key]] = entry["value"]
        shown.update(entry["tags"])
        if key in unsure:
            confirmed[key] = {**entry, "epoch": epoch}
    missing = [parts for parts in parts_list if parts not in found]
    to_store = dict(confirmed)
    if missing:
        # What the computation itself remembers or renders is shown by these values too.
        with collecting() as nested:
            computed = compute_missing(missing)
        found.update(computed)
        tags_of = {
            parts: shown_with_everything({*tags(parts, value), *nested.tags}) for parts, value in computed.items()
        }
        shown.update(tag for value_tags in tags_of.values() for tag in value_tags)
        key_of = {parts: key for key, parts in keys.items()}
        try:
            versions = versions_if_unchanged_since(epoch, set().union(*tags_of.values()))
        except Exception:
            logger.exception("Page cache unavailable; values not stored")
            versions = None
        # None: content changed while computing, so what was computed may already be stale.
        if versions is not None:
            to_store.update(
                {
                    key_of[parts]: {
                        "value": value,
                        "tags": {tag: versions[tag] for tag in tags_of[parts]},
                        "epoch": epoch,
                    }
                    for parts, value in computed.items()
                }
            )
    if to_store:
        try:
            page_store().set_many(to_store, timeout=settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.exception("Page cache unavailable; values not stored")
    collect(shown)
    return found
