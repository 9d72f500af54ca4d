"""The editors' desk, in the Django admin. Every state change and every save goes through `articles.services`."""

from . import desk, library, notifications, paper, vocabularies, wire

__all__ = ["desk", "library", "notifications", "paper", "vocabularies", "wire"]
