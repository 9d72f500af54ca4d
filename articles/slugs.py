"""Unique slugs for rows addressed by one: "x", then "x-2", "x-3"…; and the addresses built on them."""

import functools
import re

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

from . import text

# Room left at the end of a slug's column for a "-NNNNN" suffix.
SUFFIX_ROOM = 6


def slug_base(value, *, max_length, fallback_prefix):
    """The slug value would get before it is made unique, short enough for a suffix to fit in max_length.

    Never digits alone: `/news/2026/` is the archive's year, not a story called "2026".
    """
    slug = text.ascii_slug(value, max_length=max_length - SUFFIX_ROOM, fallback_prefix=fallback_prefix)
    return f"{fallback_prefix}-{slug}" if slug.isdigit() else slug


class TakenSlugs:
    """Slugs already in use, handing out the first free one for a base and remembering it as taken."""

    def __init__(self, taken=()):
        self._taken = set(taken)
        self._next_suffix = {}

    def claim(self, base):
        slug = base
        while slug in self._taken:
            suffix = self._next_suffix.get(base, 2)
            self._next_suffix[base] = suffix + 1
            slug = f"{base}-{suffix}"
        self._taken.add(slug)
        return slug


def unique_slug(model, value, *, fallback_prefix, exclude_pk=None):
    """A slug for value that no other row of model uses yet."""
    base = slug_base(value, max_length=model._meta.get_field("slug").max_length, fallback_prefix=fallback_prefix)
    taken = model._default_manager.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True)
    return TakenSlugs(taken).claim(base)


def free_slug(model, slug, *, exclude_pk=None):
    """slug itself when no other row of model uses it, else the first free "slug-N" (shortened to fit)."""
    manager = model._default_manager
    if not manager.filter(slug=slug).exclude(pk=exclude_pk).exists():
        return slug
    base = slug[: model._meta.get_field("slug").max_length - SUFFIX_ROOM].strip("-") or slug
    taken = manager.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True)
    return TakenSlugs(taken).claim(base)


# What Django's `slug` path converter accepts, and a stand-in that it accepts too.
SLUG_RE = re.compile(r"[-a-zA-Z0-9_]+")
SLUG_STAND_IN = "slug-stand-in"


def slug_url(view_name, slug):
    """reverse(view_name, kwargs={"slug": slug}) for a URL whose one argument is a slug.

    The URL is reversed once per view name, URL configuration and script prefix
    with a stand-in slug, then filled in: a listing page links to dozens of
    stories and sections, and each reverse() costs about 25 µs. A slug the
    converter would refuse goes through reverse() itself, which says so.
    """
    if not SLUG_RE.fullmatch(slug):
        return reverse(view_name, kwargs={"slug": slug})
    before, after = _around_slug(view_name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    return f"{before}{slug}{after}"


def slug_urls(view_name, slugs):
    """[slug_url(view_name, slug) for slug in slugs], the URL configuration and script prefix looked up once (a
    sitemap page lists a thousand stories)."""
    before, after = _around_slug(view_name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    fullmatch = SLUG_RE.fullmatch
    return [
        f"{before}{slug}{after}" if fullmatch(slug) else reverse(view_name, kwargs={"slug": slug}) for slug in slugs
    ]


@functools.lru_cache(maxsize=64)
def _around_slug(view_name, urlconf, script_prefix):
    before, _stand_in, after = reverse(view_name, kwargs={"slug": SLUG_STAND_IN}, urlconf=urlconf).partition(
        SLUG_STAND_IN
    )
    return before, after
