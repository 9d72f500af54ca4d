"""Cache helpers shared by the fixtures and the tests."""

from django.core.cache import caches


def clear_caches():
    """Empty every cache: pages, remembered values and the generation token."""
    for cache in caches.all():
        cache.clear()
