"""The names of what reader pages show, as cache tags (see `reader.invalidation` for when each changes)."""

LISTING_ALL = "listing:all"
NAV = "nav"


def article_tag(pk):
    return f"article:{pk}"


def listing_tag(kind, pk):
    return LISTING_ALL if kind == "all" else f"listing:{kind}:{pk}"
