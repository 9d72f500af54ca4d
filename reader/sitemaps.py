"""Sitemaps of what is live: articles, sections, authors, and a Google News sitemap.

Locations are absolute on SITE_URL, like canonical links, whatever host the
request came in on.
"""

from collections import namedtuple
from datetime import timedelta
from typing import NamedTuple
from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import x_robots_tag
from django.core.paginator import Paginator
from django.db.models.functions import Greatest
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from articles.models import LIVE, Article
from articles.slugs import slug_url, slug_urls
from pagecache.paginator import LazyPages

from . import readmodel, selectors
from .links import absolute, site_url
from .prepared import PreparedRead

NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000  # Google News reads at most this many entries
ARTICLES_PER_SITEMAP = 1000
# The section sitemaps' template, a Jinja2 one: what Django's sitemap.xml writes, but for whitespace between tags.
SITEMAP_TEMPLATE = "reader/sitemap.xml"
# How many of the most recently edited articles are checked for a live one before asking the database.
RECENT_EDITS = 100


class SiteUrlSitemap(Sitemap):
    def get_urls(self, page=1, site=None, protocol=None):
        parts = urlsplit(site_url())
        return self._urls(page, parts.scheme, parts.netloc)


class ArticleSitemap(SiteUrlSitemap):
    changefreq = "hourly"
    # Far fewer than the 50,000 the protocol allows, so every page costs the same modest amount.
    limit = ARTICLES_PER_SITEMAP

    def items(self):
        """(slug, lastmod) of each live article, newest first (as its lists show them), lastmod being the later of
        its last edit and its publish time: rows, as a page lists a thousand of them and instances cost more."""
        return self._rows(Article.objects.live())

    def get_urls(self, page=1, site=None, protocol=None):
        """What `Sitemap.get_urls()` gives (and `latest_lastmod` as it sets it), in one pass over the page's rows:
        Django's per-item lookups cost more than reading them."""
        parts = urlsplit(site_url())
        rows = self.paginator.page(page).object_list
        locations = slug_urls("reader:detail", [slug for slug, _lastmod in rows])
        # The day each was last changed, in the site's time zone, as the template writes a lastmod.
        zone = timezone.get_current_timezone()
        urls = [
            {
                "item": row,
                "location": f"{parts.scheme}://{parts.netloc}{location}",
                "lastmod": row[1].astimezone(zone).date(),
                "changefreq": self.changefreq,
                "priority": "",
                "alternates": [],
            }
            for row, location in zip(rows, locations, strict=True)
        ]
        if urls:
            self.latest_lastmod = max(row[1] for row in rows)
        return urls

    @property
    def paginator(self):
        """Pages of `items()`, counted from the stored count of the list of every story (the same stories),
        so the index and each page never count the archive; the index, which only counts, composes no query."""
        stories = LazyPages(count=lambda: selectors.listing_count("all", None), fetch=self._page_of_items)
        return Paginator(stories, self.limit)

    def _page_of_items(self, start, stop):
        """The rows of one page: its ids are one range of the listing index, which is walked to a deep page's
        start without reading a story (an offset over the stories read each one it skips)."""
        ids = selectors.listing_entries("all").newest_first().values("article_id")[start:stop]
        return self._rows(Article.objects.filter(pk__in=ids))

    @staticmethod
    def _rows(articles):
        return (
            articles.alias(public_at=LIVE.moment_expression())
            .order_by("-public_at", "-pk")
            .values_list("slug", Greatest("updated_at", "publish_at"))
        )

    def location(self, row):
        return slug_url("reader:detail", row[0])

    def lastmod(self, row):
        return row[1]

    def get_latest_lastmod(self):
        """The newest lastmod: the newest edit and the newest publish time of live articles.

        The newest edits are read from the edit-time index and checked with `LIVE.holds` (drafts are
        edited most, so a live one is usually among the first few); only if none of them is live does
        the database look over every live article. Each read is composed once per process.
        """
        now = timezone.now()
        # Plain rows, which `LIVE.holds` reads like articles: a hundred model instances cost more than the query.
        recent = (LIVE_ROW(*row) for row in _recent_edit_rows.rows(()))
        newest_edit = next((row.updated_at for row in recent if LIVE.holds(row, now)), None)
        if newest_edit is None:
            newest_edit = next(iter(_newest_live_rows((now,), key=("updated_at",))), (None,))[0]
        newest_publish = next(iter(_newest_live_rows((now,), key=("publish_at",))), (None,))[0]
        return max((moment for moment in (newest_edit, newest_publish) if moment is not None), default=None)


LIVE_ROW = namedtuple("LiveRow", [*LIVE.fields, "updated_at"])


@PreparedRead
def _recent_edit_rows():
    return Article.objects.order_by("-updated_at").values_list(*LIVE_ROW._fields)[:RECENT_EDITS]


@PreparedRead
def _newest_live_rows(at, column):
    return Article.objects.live(at).order_by(f"-{column}").values_list(column)[:1]


class SectionSitemap(SiteUrlSitemap):
    changefreq = "hourly"

    def items(self):
        """(vocabulary, pk, slug, name) of every public region, then every public topic."""
        return readmodel.public_sections()

    def location(self, section):
        vocabulary, _pk, slug, _name = section
        return slug_url(f"reader:{vocabulary}", slug)


class AuthorSitemap(SiteUrlSitemap):
    changefreq = "daily"

    def items(self):
        """The slugs of the authors on a live story's byline, by name."""
        return selectors.public_author_slugs()

    def location(self, slug):
        return slug_url("reader:author", slug)


class PageSitemap(SiteUrlSitemap):
    changefreq = "hourly"

    def items(self):
        return ["reader:home", "reader:regions", "reader:topics"]

    def location(self, name):
        return reverse(name)


class NewsSitemap(SiteUrlSitemap):
    """Articles that became public in the last 48 hours, for Google News."""

    limit = NEWS_LIMIT

    def items(self):
        """Stories whose public time (publish or embargo lifted) is within the window: a range of the listing index."""
        since = timezone.now() - NEWS_WINDOW
        recent = selectors.listing_entries("all").filter(public_at__gte=since).values("article_id")
        # A list, so the paginator counts it without a second query; at most NEWS_LIMIT small rows.
        return list(
            Article.objects.filter(pk__in=recent)
            .alias(public_moment=LIVE.moment_expression())
            .only("slug", "headline", "updated_at", *LIVE.fields)
            .order_by("-public_moment", "-pk")[:NEWS_LIMIT]
        )

    def lastmod(self, article):
        return max(article.updated_at, article.public_at)


SITEMAPS = {
    "pages": PageSitemap,
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "authors": AuthorSitemap,
}
NEWS_SITEMAPS = {"news": NewsSitemap}


@x_robots_tag
def sitemap_index(request):
    """The sitemap index, listing each section sitemap (and its later pages) on SITE_URL.

    It is rendered once per content generation: its entries need the latest
    changes over the whole archive (page counts come from stored counts), and
    it lists one more page per 1,000 articles, so only its size, not its cost,
    grows with the archive.
    """
    xml = readmodel.sitemap_index(
        lambda: render_to_string("reader/sitemap_index.xml", {"entries": _index_entries()}, using="fragments")
    )
    return HttpResponse(xml, content_type="application/xml")


class IndexEntry(NamedTuple):
    location: str
    lastmod: str  # ISO 8601 in the site's time zone, as the `date:"c"` filter writes it, or ""


def _index_entries():
    """An IndexEntry for each sitemap and each of its later pages."""
    entries = []
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        location = absolute(reverse("sitemap_section", kwargs={"section": section}))
        lastmod = sitemap.get_latest_lastmod()
        # Written once for all of a sitemap's pages: at 100,000 stories the articles' sitemap has twenty.
        lastmod = timezone.localtime(lastmod).isoformat() if lastmod else ""
        pages = [location, *(f"{location}?p={page}" for page in range(2, sitemap.paginator.num_pages + 1))]
        entries += [IndexEntry(page, lastmod) for page in pages]
    return entries
