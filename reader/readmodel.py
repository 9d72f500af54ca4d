"""Every read of the reader's site that is remembered between requests, declared once, here.

Each function names one memoised read and builds its key from its typed
arguments; call sites call these functions and never build a key. Values are
kept until the newsroom announces a change or the next scheduled change
passes (see `pagecache.generation`), so none is ever staler than a cached page.
"""

from typing import NamedTuple

from articles import search
from articles.models import PromoFooter
from pagecache.memo import remember, remember_many

from . import fragments, selectors


class Listing(NamedTuple):
    """One paginated list of live articles: all of them, or one region's, topic's or author's."""

    kind: str  # "all", "region", "topic" or "author"
    pk: int | None = None

    def article_ids(self):
        """The ids of the list's live articles, newest first (a lazy queryset)."""
        ids = selectors.live_article_ids()
        if self.kind in selectors.VOCABULARIES:
            return selectors.tag_articles(self.kind, self.pk, queryset=ids)
        if self.kind == "author":
            return selectors.author_articles(self.pk, queryset=ids)
        return ids


def listing_count(listing: Listing) -> int:
    return remember("listing-count", listing, lambda: listing.article_ids().count())


def listing_ids(listing: Listing, start: int, stop: int) -> list[int]:
    """One page of a listing: a deep page costs its index walk once per content generation."""
    return remember("listing-ids", (listing, start, stop), lambda: list(listing.article_ids()[start:stop]))


def search_ids(query: str) -> list[int]:
    """Ids of live articles matching the (cleaned) query, best match first."""
    return remember("search", (query,), lambda: search.ranked_ids(query))


def public_tags(vocabulary: str) -> list:
    return remember("public-tags", (vocabulary,), lambda: list(selectors.public_tags(vocabulary)))


def public_tag(vocabulary: str, slug: str):
    return remember("public-tag", (vocabulary, slug), lambda: selectors.public_tag(vocabulary, slug))


def public_author(slug: str):
    return remember("public-author", (slug,), lambda: selectors.public_author(slug))


def article_plan(slug: str) -> tuple[int, list[int]] | None:
    return remember("article-plan", (slug,), lambda: selectors.article_plan(slug))


def related_ids(article_pk: int, region_ids: tuple, topic_ids: tuple, limit: int) -> list[int]:
    return remember(
        "related-ids",
        (article_pk, region_ids, topic_ids, limit),
        lambda: selectors.related_ids(article_pk, list(region_ids), list(topic_ids), limit),
    )


def home_plan() -> dict:
    return remember("home-plan", (), selectors.home_plan)


def nav_sections() -> list:
    return remember("nav-sections", (), selectors.nav_sections)


def default_footer() -> PromoFooter | None:
    return remember("default-footer", (), PromoFooter.objects.site_default)


def article_page(slug: str, pk: int, related: tuple) -> dict | None:
    """The rendered parts of the live article page (see `fragments.render_article_page`), or None."""

    def render():
        article = selectors.article_for_reader(slug, pk, related)
        return fragments.render_article_page(article) if article is not None else None

    return remember("article-page", (slug, pk, related), render)


def card_groups(groups):
    """[[card, ...], ...]: for each (ids, variant), the rendered cards of those live articles, in order.

    Cards not yet rendered are rendered from one read of all their articles,
    however many groups there are. An id that is not live is skipped.
    """
    groups = [(list(ids), variant) for ids, variant in groups]
    for _ids, variant in groups:
        fragments.check_card_variant(variant)
    keys = [(variant, pk) for ids, variant in groups for pk in ids]

    def render_missing(missing):
        articles = {article.pk: article for article in selectors.by_ids(list({pk for _variant, pk in missing}))}
        return {
            (variant, pk): fragments.render_card(articles[pk], variant) for variant, pk in missing if pk in articles
        }

    rendered = remember_many("card", keys, render_missing)
    return [[rendered[key] for pk in ids if (key := (variant, pk)) in rendered] for ids, variant in groups]


def feed_document(feed_name: str, slug: str | None, write):
    """(content, headers) of one feed, written by write() once per content generation."""
    return remember("feed", (feed_name, slug), write)


def sitemap_index(write) -> str:
    """The sitemap index, written by write() once per content generation."""
    return remember("sitemap-index", (), write)
