"""`content_changed`: the newsroom announces every write to what readers may be shown.

Sent with `using` (the database written) and `articles`: a tuple of
`ArticleChange` saying which articles changed, how their state was before and
is after, and which regions, topics and authors they carried; or None when the
change may touch anything (a tag, author or footer renamed or removed, a bulk
write). Connected in `articles/announcements.py`. The domain does not know who
listens: the reader's site invalidates the cached pages that show what changed.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.dispatch import Signal

content_changed = Signal()
# Sent by bulk writes of articles, which send no post_save, with `article_ids`: those whose
# state or times they wrote (for `articles.listings`).
written_in_bulk = Signal()


@dataclass(frozen=True)
class ArticleState:
    """What decides whether and when readers see an article (read by `LiveRule`)."""

    status: str
    publish_at: datetime | None
    embargo_ends_at: datetime | None


@dataclass(frozen=True)
class ArticleChange:
    """One article's write. before/after is None when the article did not exist before or does not after."""

    pk: int
    before: ArticleState | None
    after: ArticleState | None
    region_ids: frozenset = field(default_factory=frozenset)
    topic_ids: frozenset = field(default_factory=frozenset)
    author_ids: frozenset = field(default_factory=frozenset)


def announce(sender, *, using=None, articles=None):
    """Tell listeners what changed; articles=None means it may be anything."""
    content_changed.send(sender=sender, using=using, articles=articles)
