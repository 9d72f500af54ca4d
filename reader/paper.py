"""Reads and schedule of the site-wide furniture: the breaking-news banner, the outlet's own pages, most read.

How each fits the page cache:

- the **banner** is remembered with the `breaking` tag (and its story's tag); a desk write announces
  `furniture_changed("breaking")`, and this module's schedule names the moments a window opens or closes
  (or its story goes live), so the banner appears and ends by itself with no worker;
- the **links to the outlet's pages** and each page are remembered with `site-pages`, which every save of a
  page touches;
- **most read** counts only whole hours (the last 24 before the current one), so the list can change only on
  the hour: while stories are being read the schedule names each hour's turn and, when the list differs from the last hour's, touches
  `most-read`, so pages showing it are refreshed then (and whenever one of its stories changes, through its
  story's tag). Between the turns the list, like the page, is served from the cache.
"""

from datetime import timedelta

from django.db.models import Exists, Subquery, Sum

from articles.models import Article, ArticleReads, BreakingNews, ListingEntry, StaticPage
from articles.paper import read_hour
from pagecache.schedule import SCHEDULE_TAG
from pagecache.tags import invalidate

from .shown import BREAKING, MOST_READ, SITE_PAGES

MOST_READ_HOURS = 24
MOST_READ_LIMIT = 5


# Reads ------------------------------------------------------------------------------------------------------------


def banner_windows(at):
    """The open breaking-news windows whose story is live at `at`, newest first."""
    return (
        BreakingNews.objects.current(at)
        .with_live_story(at)
        .select_related("article")
        .only("headline", "article__headline", "article__slug")
        .order_by("-starts_at", "-pk")
    )


def breaking_banner(at):
    """{"pk", "text", "url"} of the newest open breaking-news window whose story is live, or None."""
    banner = banner_windows(at).first()
    if banner is None:
        return None
    return {"pk": banner.article_id, "text": banner.banner_text, "url": banner.article.get_absolute_url()}


def site_pages():
    """[(kind, title, url)] of the outlet's pages readers may see, in a fixed order."""
    order = list(StaticPage.Kind.values)
    pages = StaticPage.objects.filter(is_published=True).only("kind", "title")
    return sorted(((page.kind, page.title, page.get_absolute_url()) for page in pages), key=lambda p: order.index(p[0]))


def site_page(kind):
    return StaticPage.objects.filter(kind=kind, is_published=True).first()


def most_read(at, limit=MOST_READ_LIMIT):
    """[(pk, headline, url)] of the live stories read most in the whole hours of the last day, most first."""
    end = read_hour(at)
    totals = (
        ArticleReads.objects.filter(hour__gte=end - timedelta(hours=MOST_READ_HOURS), hour__lt=end)
        .values("article_id")
        .annotate(total=Sum("reads"))
        .order_by("-total", "-article_id")
        .values_list("article_id", flat=True)
    )
    top = list(totals[: limit * 4])
    live = {
        article.pk: article
        for article in Article.objects.live(at).filter(pk__in=top).only("headline", "slug", "status", "publish_at")
    }
    return [(pk, live[pk].headline, live[pk].get_absolute_url()) for pk in top if pk in live][:limit]


# Schedule ---------------------------------------------------------------------------------------------------------


def next_change(at):
    """The next moment the furniture changes with no write: a banner's window opens or closes, a story with an
    open or coming window goes live, or (while stories are being read) the hour turns. One query: any story row
    carries the probes, and with no story there is no banner and no read either."""
    probes = (
        Article.objects.order_by()
        .values_list(
            Subquery(BreakingNews.objects.filter(starts_at__gt=at).order_by("starts_at").values("starts_at")[:1]),
            Subquery(BreakingNews.objects.filter(ends_at__gt=at).order_by("ends_at").values("ends_at")[:1]),
            Subquery(
                ListingEntry.objects.of("all")
                .filter(public_at__gt=at, article__breaking_windows__ends_at__gt=at)
                .order_by("public_at")
                .values("public_at")[:1]
            ),
            Exists(ArticleReads.objects.filter(hour__gte=read_hour(at) - timedelta(hours=MOST_READ_HOURS))),
        )[:1]
    )
    row = next(iter(probes), None)
    if row is None:
        return None
    *moments, being_read = row
    if being_read:
        moments.append(read_hour(at) + timedelta(hours=1))
    return min((moment for moment in moments if moment is not None), default=None)


def changed_between(since, until):
    """The furniture tags of what changed in (since, until]."""
    tags = set()
    # On the hour, pages showing the list are refreshed only if the list really turned over.
    if read_hour(since) != read_hour(until) and most_read(since) != most_read(until):
        tags.add(MOST_READ)
    window = {"__gt": since, "__lte": until}
    turned = BreakingNews.objects.filter(starts_at__gt=since, starts_at__lte=until).exists() or BreakingNews.objects.filter(
        ends_at__gt=since, ends_at__lte=until
    ).exists()
    went_live = ListingEntry.objects.of("all").filter(
        **{f"public_at{lookup}": value for lookup, value in window.items()},
        article__breaking_windows__ends_at__gt=since,
    )
    if turned or went_live.exists():
        tags.add(BREAKING)
    return tags


def furniture_changed(sender, what, using=None, **kwargs):
    """Receiver of `articles.paper.furniture_changed`."""
    if what == "breaking":
        invalidate({BREAKING, SCHEDULE_TAG}, using=using)
    elif what == "pages":
        invalidate({SITE_PAGES}, using=using)
