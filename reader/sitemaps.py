"""Sitemaps of what is live: articles, sections, authors, and a Google News sitemap.

Locations are absolute on SITE_URL, like canonical links, whatever host the
request came in on.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from articles.models import LIVE, Article

from . import readmodel, selectors
from .links import absolute, site_url

NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000  # Google News reads at most this many entries
ARTICLES_PER_SITEMAP = 5000
# How many of the most recently edited articles are checked for a live one before asking the database.
RECENT_EDITS = 100


class SiteUrlSitemap(Sitemap):
    def get_urls(self, page=1, site=None, protocol=None):
        parts = urlsplit(site_url())
        return self._urls(page, parts.scheme, parts.netloc)


class ArticleSitemap(SiteUrlSitemap):
    changefreq = "hourly"
    # Smaller than the 50,000 the protocol allows, so every page costs the same modest amount.
    limit = ARTICLES_PER_SITEMAP

    def items(self):
        return Article.objects.live().only("slug", "updated_at", "publish_at").order_by("-publish_at", "-pk")

    @property
    def paginator(self):
        """Pages of `items()`, counted from the stored count of the list of every story (the same stories),
        so the index and each page never count the archive."""
        pages = Paginator(self._items(), self.limit)
        pages.count = selectors.listing_count("all", None)
        return pages

    def lastmod(self, article):
        return max(article.updated_at, article.publish_at)

    def get_latest_lastmod(self):
        """The newest lastmod: the newest edit and the newest publish time of live articles.

        The newest edits are read from the edit-time index and checked with `is_live` (drafts are edited
        most, so a live one is usually among the first few); only if none of them is live does the
        database look over every live article.
        """
        now = timezone.now()
        live = Article.objects.live(now)
        # Plain rows, which `LIVE.holds` reads like articles: a hundred model instances cost more than the query.
        recent = Article.objects.order_by("-updated_at").values_list(*LIVE.fields, "updated_at", named=True)
        newest_edit = next((row.updated_at for row in recent[:RECENT_EDITS] if LIVE.holds(row, now)), None)
        if newest_edit is None:
            newest_edit = live.order_by("-updated_at").values_list("updated_at", flat=True).first()
        newest_publish = live.order_by("-publish_at").values_list("publish_at", flat=True).first()
        return max((moment for moment in (newest_edit, newest_publish) if moment is not None), default=None)


class SectionSitemap(SiteUrlSitemap):
    changefreq = "hourly"

    def items(self):
        return [*readmodel.public_tag_list("region"), *readmodel.public_tag_list("topic")]


class AuthorSitemap(SiteUrlSitemap):
    changefreq = "daily"

    def items(self):
        return selectors.public_authors()


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
    it lists one more page per 5,000 articles, so only its size, not its cost,
    grows with the archive.
    """
    xml = readmodel.sitemap_index(lambda: render_to_string("sitemap_index.xml", {"sitemaps": _index_entries()}))
    return HttpResponse(xml, content_type="application/xml")


def _index_entries():
    entries = []
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        location = absolute(reverse("sitemap_section", kwargs={"section": section}))
        lastmod = sitemap.get_latest_lastmod()
        entries.append(SitemapIndexItem(location, lastmod))
        entries += [
            SitemapIndexItem(f"{location}?p={page}", lastmod) for page in range(2, sitemap.paginator.num_pages + 1)
        ]
    return entries
