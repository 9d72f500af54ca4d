"""The editors' desk, in the Django admin. Every state change and every save goes through `articles.services`."""

from . import desk, notifications, vocabularies

__all__ = ["desk", "notifications", "vocabularies"]
