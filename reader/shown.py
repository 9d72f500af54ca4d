"""The names of what reader pages show, as cache tags (see `reader.invalidation` for when each changes)."""

LISTING_ALL = "listing:all"
NAV = "nav"
# Site-wide furniture (see `reader.paper`): the breaking-news banner, the links to the outlet's own pages,
# and the most-read list (which turns over on the hour).
BREAKING = "breaking"
SITE_PAGES = "site-pages"
MOST_READ = "most-read"


def article_tag(pk):
    return f"article:{pk}"


def listing_tag(kind, pk):
    return LISTING_ALL if kind == "all" else f"listing:{kind}:{pk}"
