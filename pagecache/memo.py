"""Values remembered until the content generation or the next scheduled change moves.

For what many reader pages need and only content changes can change:
paginator counts, pages of ids, rendered fragments. They share the page
cache's invalidation, so they are never staler than a cached page. With
`GENERATION_MEMO` off, every value is computed every time.

A site declares each memoised read once, by name, and passes the arguments
that identify one value as the key's parts: strings, numbers, booleans, None
and tuples of those, so a key never depends on an object's repr.
"""

import hashlib
import logging

from django.conf import settings

from .generation import generation_stamp, page_store

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


def remember(name, parts, compute):
    """compute(), remembered under name and the key parts until content changes."""
    parts = tuple(parts)
    return remember_many(name, [parts], lambda missing: {parts: compute()})[parts]


def remember_many(name, parts_list, compute_missing):
    """{parts: value} for many keys of one memoised read, in one cache round trip.

    compute_missing(missing parts) returns {parts: value} for those it can
    compute; a key it leaves out is left out of the result.
    """
    parts_list = [tuple(parts) for parts in parts_list]
    for parts in parts_list:
        check_key_parts(parts)
    if not settings.GENERATION_MEMO:
        return compute_missing(parts_list)
    try:
        stamp = generation_stamp()
        keys = {memo_key(stamp, name, parts): parts for parts in parts_list}
        stored = page_store().get_many(list(keys))
    except Exception:
        logger.exception("Page cache unavailable; computing without it")
        return compute_missing(parts_list)
    found = {keys[key]: value[0] for key, value in stored.items()}
    missing = [parts for parts in parts_list if parts not in found]
    if missing:
        computed = compute_missing(missing)
        found.update(computed)
        key_of = {parts: key for key, parts in keys.items()}
        try:
            # Stored in a 1-tuple, so that a remembered None is told apart from a miss.
            page_store().set_many(
                {key_of[parts]: (value,) for parts, value in computed.items()}, timeout=settings.PAGE_CACHE_SECONDS
            )
        except Exception:
            logger.exception("Page cache unavailable; values not stored")
    return found
