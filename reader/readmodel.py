"""Every read of the reader's site that is remembered between requests, declared once, here.

Each function names one memoised read and builds its key from its typed
arguments; call sites call these functions and never build a key. Values are
kept until the newsroom announces a change or the next scheduled change
passes (see `pagecache.generation`), so none is ever staler than a cached page.
"""

from typing import NamedTuple

from django.utils import timezone

from articles import search
from articles.models import PromoFooter
from pagecache.memo import remember, remember_many

from . import article_reads, fragments, front, paper, selectors
from .links import site_url
from .shown import BREAKING, LISTING_ALL, MOST_READ, NAV, SITE_PAGES, article_tag, listing_tag


class Listing(NamedTuple):
    """One paginated list of live articles: all of them, or one region's, topic's or author's."""

    kind: str  # "all", "region", "topic" or "author"
    pk: int | None = None

    @property
    def tag(self):
        return listing_tag(self.kind, self.pk)


class Period(NamedTuple):
    """A year, a month of it or a day of the archive (0 for a part not given)."""

    year: int
    month: int = 0
    day: int = 0

    def bounds(self):
        return selectors.period_bounds(*self)


def period_count(period: Period) -> int:
    return remember(
        "period-count", period, lambda: selectors.period_count(*period.bounds()), tags=lambda _c: {LISTING_ALL}
    )


def period_ids(period: Period, start: int, stop: int) -> list[int]:
    return remember(
        "period-ids",
        (period, start, stop),
        lambda: selectors.period_ids(*period.bounds(), start, stop),
        tags=lambda _ids: {LISTING_ALL},
    )


def period_around(period: Period) -> dict:
    """{"previous", "next": the moments of the nearest live stories outside the period, "parts": its months or days
    with a live story (none for a day)}."""

    def read():
        start, end = period.bounds()
        previous, following = selectors.period_neighbours(start, end)
        unit = "day" if period.month else "month"
        return {
            "previous": previous,
            "next": following,
            "parts": [] if period.day else selectors.period_parts(start, end, unit),
        }

    return remember("period-around", period, read, tags=lambda _around: {LISTING_ALL})


def article_tags(pks):
    return {article_tag(pk) for pk in pks}


def listing_count(listing: Listing) -> int:
    return remember(
        "listing-count", listing, lambda: selectors.listing_count(*listing), tags=lambda _count: {listing.tag}
    )


def listing_ids(listing: Listing, start: int, stop: int) -> list[int]:
    """One page of a listing: a deep page costs its index walk once per content generation."""
    return remember(
        "listing-ids",
        (listing, start, stop),
        lambda: selectors.listing_ids(listing.kind, listing.pk, start, stop),
        tags=lambda _ids: {listing.tag},
    )


def search_ids(query: str, order: str = "relevance", section: tuple = (), start: str = "", end: str = "") -> list[int]:
    """Ids of live articles matching the (cleaned) query, best match (or newest) first, maybe filtered by a section
    ((vocabulary, tag pk)) and the dates [start, end] (ISO dates, in the site's time zone)."""

    def read():
        if not (order != "relevance" or section or start or end):
            return search.ranked_ids(query)
        first = selectors.period_bounds(*map(int, start.split("-")))[0] if start else None
        after = selectors.period_bounds(*map(int, end.split("-")))[1] if end else None
        return selectors.search_ids(query, order=order, section=section or None, start=first, end=after)

    return remember("search", (query, order, section, start, end), read, tags=lambda _ids: {LISTING_ALL})


def search_snippets(query: str, ids: tuple) -> dict:
    """{id: marked passage} of one page of search results."""
    return remember(
        "search-snippets",
        (query, ids),
        lambda: selectors.search_snippets(query, ids),
        tags=lambda _s: article_tags(ids),
    )


def public_tags(vocabulary: str) -> list:
    return remember(
        "public-tags", (vocabulary,), lambda: list(selectors.public_tags(vocabulary)), tags=lambda _tags: {LISTING_ALL}
    )


def public_tag_list(vocabulary: str) -> list:
    return remember(
        "public-tag-list",
        (vocabulary,),
        lambda: list(selectors.public_tag_list(vocabulary)),
        tags=lambda _t: {LISTING_ALL},
    )


def public_sections() -> list:
    return remember("public-sections", (), selectors.public_sections, tags=lambda _s: {LISTING_ALL})


def public_tag(vocabulary: str, slug: str):
    # Found, it is shown while its list has a live story; not found, any publish may make it public.
    return remember(
        "public-tag",
        (vocabulary, slug),
        lambda: selectors.public_tag(vocabulary, slug),
        tags=lambda tag: {listing_tag(vocabulary, tag.pk) if tag else LISTING_ALL},
    )


def region_family(pk: int) -> dict:
    """The regions a public region lies in and its public regions (see `selectors.region_family`).

    Moving a region announces a change to everything; a region inside this one gaining its first
    live story, or losing its last, touches this region's list too (stories are listed under every
    region above theirs).
    """
    return remember(
        "region-family", (pk,), lambda: selectors.region_family(pk), tags=lambda _f: {listing_tag("region", pk)}
    )


def public_author(slug: str):
    return remember(
        "public-author",
        (slug,),
        lambda: selectors.public_author(slug),
        tags=lambda author: {listing_tag("author", author.pk) if author else LISTING_ALL},
    )


def article_plan(slug: str) -> tuple[int, list[int]] | None:
    return remember(
        "article-plan",
        (slug,),
        lambda: article_reads.article_plan(slug),
        tags=lambda plan: article_tags([plan[0], *plan[1]]) if plan else {LISTING_ALL},
    )


def related_ids(article_pk: int, region_ids: tuple, topic_ids: tuple, limit: int) -> list[int]:
    return remember(
        "related-ids",
        (article_pk, region_ids, topic_ids, limit),
        lambda: article_reads.related_ids(article_pk, list(region_ids), list(topic_ids), limit),
        tags=lambda ids: article_tags([article_pk, *ids]),
    )


def home_plan() -> dict:
    return remember("home-plan", (), front.home_plan, tags=lambda _plan: {LISTING_ALL})


def default_footer() -> PromoFooter | None:
    # Footers announce every change as touching everything; the teaser shows another story.
    return remember(
        "default-footer",
        (),
        lambda: paper.default_footer(timezone.now()),
        tags=lambda footer: article_tags([footer.teaser_article_id] if footer and footer.teaser_article_id else []),
    )


def article_page(slug: str, pk: int, related: tuple) -> dict | None:
    """The rendered parts of the live article page (see `fragments.render_article_page`), or None."""

    def render():
        article = article_reads.article_for_reader(slug, pk, related)
        if article is None:
            return None
        teaser = article.promo_footer.teaser_article_id if article.promo_footer_id else None
        shows = [pk, *(story.pk for story in article.related_articles), *([teaser] if teaser else [])]
        return {**article_parts(article, article.related_articles), "shows": shows}

    # The page's head holds absolute URLs: on the request's host when SITE_URL is unset (development).
    return remember(
        "article-page",
        (slug, pk, related, site_url()),
        render,
        tags=lambda page: article_tags(page["shows"] if page else [pk]),
    )


def article_parts(article, related):
    """The rendered parts of article's page (`fragments.render_article_page`), under it related (articles or card
    rows) and its own footer or the site's default."""
    return fragments.render_article_page(article, related=related, footer=article.footer(site_default=default_footer))


def preview_parts(article):
    """The parts of the page of an article readers cannot see yet, with the live stories related to it now."""
    region_ids = tuple(tag.pk for tag in article.regions.all())
    topic_ids = tuple(tag.pk for tag in article.topics.all())
    related = selectors.card_rows(related_ids(article.pk, region_ids, topic_ids, article_reads.RELATED_LIMIT))
    return article_parts(article, related)


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
        stories = {row.pk: row for row in selectors.card_rows(list({pk for _variant, pk in missing}))}
        return {(variant, pk): fragments.render_card(stories[pk], variant) for variant, pk in missing if pk in stories}

    rendered = remember_many("card", keys, render_missing, tags=lambda key, _card: {article_tag(key[1])})
    return [[rendered[key] for pk in ids if (key := (variant, pk)) in rendered] for ids, variant in groups]


def feed_document(feed_name: str, slug: str | None, write, listing: Listing):
    """(content, headers) of one feed of listing's newest stories, written by write() until that list changes (a
    region's list changes with a story in any region within it; renames change everything)."""
    return remember("feed", (feed_name, slug), write, tags=lambda _feed: {listing.tag})


def sitemap_index(write) -> str:
    """The sitemap index, written by write() once per content generation."""
    return remember("sitemap-index", (), write, tags=lambda _xml: {LISTING_ALL})


# The furniture every page shows (see `reader.paper` for when each changes).


def furniture() -> dict:
    """The banner, the masthead's sections and the links to the outlet's pages: read together, remembered together."""
    return remember(
        "furniture",
        (),
        lambda: paper.furniture(timezone.now()),
        tags=lambda shown: {
            BREAKING,
            NAV,
            SITE_PAGES,
            *([article_tag(shown["banner"]["pk"])] if shown["banner"] else []),
        },
    )


def site_page(kind: str):
    return remember("site-page", (kind,), lambda: paper.site_page(kind), tags=lambda _page: {SITE_PAGES})


def most_read() -> list:
    """The most-read list of the last whole day of hours; it turns over on the hour (`reader.paper`)."""
    return remember(
        "most-read",
        (),
        lambda: paper.most_read(timezone.now()),
        tags=lambda items: {MOST_READ, *article_tags(pk for pk, _headline, _url in items)},
    )
