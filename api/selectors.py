"""What the news API reads: live articles only, through the same rule and listing rows as the reader's site."""

from django.db.models import Exists, OuterRef, Q

from articles.models import Article, ListingEntry
from reader import selectors as reader_selectors

# The columns a ninjs item reads, and those `is_live` / `public_at` read.
ITEM_FIELDS = [
    "headline",
    "slug",
    "standfirst",
    "body",
    "source_attribution",
    "hero_image",
    "hero_caption",
    "hero_credit",
    "hero_alt",
    "hero_renditions",
    "listing_labels",
    "status",
    "publish_at",
    "embargo_ends_at",
    "first_published_at",
    "updated_at",
    "version",
]
FILTER_KINDS = ("region", "topic", "author")


def live_item(pk):
    """The live article with this id, or None."""
    return Article.objects.live().only(*ITEM_FIELDS).filter(pk=pk).first()


def is_taken_down(pk):
    return Article.objects.filter(pk=pk, status=Article.Status.TAKEN_DOWN).exists()


def resolve_list(kind, slug):
    """The id of the public region, topic or author at slug, or None (one that carries no live story is unknown)."""
    found = reader_selectors.public_author(slug) if kind == "author" else reader_selectors.public_tag(kind, slug)
    return found.pk if found else None


def page(lists, *, since=None, until=None, after=None, limit):
    """Up to `limit` + 1 live articles, newest first, on every list in `lists` ([(kind, key)], or every story).

    `after` is the (public moment, id) of the last item of the previous page. One range of the listing
    index for the first list, EXISTS probes for the others, then the rows by primary key.
    """
    (kind, key), *others = lists or [("all", 0)]
    entries = ListingEntry.objects.live().of(kind, key)
    for other_kind, other_key in others:
        entries = entries.filter(
            Exists(ListingEntry.objects.filter(kind=other_kind, key=other_key, article_id=OuterRef("article_id")))
        )
    if since:
        entries = entries.filter(public_at__gte=since)
    if until:
        entries = entries.filter(public_at__lt=until)
    if after:
        moment, pk = after
        entries = entries.filter(Q(public_at__lt=moment) | Q(public_at=moment, article_id__lt=pk))
    ids = list(entries.newest_first().values_list("article_id", flat=True)[: limit + 1])
    found = Article.objects.live().only(*ITEM_FIELDS).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]
