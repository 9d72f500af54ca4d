"""Pagination over lists whose length and pages are read on demand (e.g. from memoised values)."""

from collections.abc import Sequence


class LazyPages(Sequence):
    """A sequence of known length whose slices are fetched only when asked for.

    Django's `Paginator` counts it with len() and reads a page with one slice,
    so a paginator over it runs `count()` once and `fetch(start, stop)` once
    per page shown, whatever remembers their results.
    """

    def __init__(self, *, count, fetch):
        self._count = count
        self._fetch = fetch
        self._length = None

    def __len__(self):
        if self._length is None:
            self._length = self._count()
        return self._length

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                raise ValueError("LazyPages slices step by one.")
            return list(self._fetch(start, stop)) if start < stop else []
        items = self[index : index + 1] if index >= 0 else self[len(self) + index : len(self) + index + 1]
        if not items:
            raise IndexError(index)
        return items[0]
