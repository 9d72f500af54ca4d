"""Reads and schedule of the site-wide furniture: the breaking-news banner, the outlet's own pages, most read.

The banner, the masthead's sections and the links to the outlet's pages are read in one query and remembered
as one value (`furniture`), shown with the tags of all three. How each fits the page cache:

- the **banner** is remembered with the `breaking` tag (and its story's tag); a desk write announces
  `furniture_changed("breaking")`, and this module's schedule names the moments a window opens or closes
  (or its story goes live), so the banner appears and ends by itself with no worker;
- the **links to the outlet's pages** and each page are remembered with `site-pages`, which every save of a
  page touches (the masthead's sections with `nav`, see `reader.invalidation`);
- **most read** counts only whole hours (the last 24 before the current one), so the list can change only on
  the hour: while stories are being read the schedule names each hour's turn and, when the list differs from the last hour's, touches
  `most-read`, so pages showing it are refreshed then (and whenever one of its stories changes, through its
  story's tag). Between the turns the list, like the page, is served from the cache.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import DateTimeField, Exists, F, OuterRef, Sum, Value

from articles.models import LIVE, Article, ArticleReads, BreakingNews, ListingEntry, PromoFooter, StaticPage
from articles.paper import read_hour
from articles.slugs import slug_url
from pagecache.schedule import SCHEDULE_TAG
from pagecache.tags import invalidate

from . import selectors
from .prepared import PreparedRead
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


def furniture(at):
    """{"banner", "nav", "pages"}: what the frame of every page shows, in one query (a UNION ALL of rows of the
    same five columns), composed once per process (`reader.prepared`).

    - banner: {"pk", "text", "url"} of the newest open breaking-news window whose story is live, or None;
    - nav: [(name, url)] of the masthead's public sections, in the order of settings.NAV_SECTIONS;
    - pages: [(kind, title, url)] of the outlet's pages readers may see, in a fixed order.
    """
    sections = tuple(map(tuple, settings.NAV_SECTIONS))
    banner, nav, pages = None, {}, []
    for part, ref, key, label, fallback in _furniture_rows((at,), key=(sections,)):
        if part == "breaking":
            banner = {"pk": ref, "text": label or fallback, "url": Article(pk=ref, slug=key).get_absolute_url()}
        elif part == "page":
            pages.append((key, label, StaticPage(kind=key).get_absolute_url()))
        else:
            nav[part, key] = label
    order = list(StaticPage.Kind.values)
    return {
        "banner": banner,
        "nav": [
            (nav[vocabulary, slug], slug_url(f"reader:{vocabulary}", slug))
            for vocabulary, slug in sections
            if (vocabulary, slug) in nav
        ],
        "pages": sorted(pages, key=lambda page: order.index(page[0])),
    }


@PreparedRead
def _furniture_rows(at, sections):
    columns = ("part", "ref", "key", "label", "fallback")

    def rows(queryset, part, ref, key, label, fallback=None):
        return (
            queryset.annotate(part=Value(part), ref=ref, key=key, label=label, fallback=fallback or Value(""))
            .order_by()
            .values_list(*columns)
        )

    # The newest window by an id subquery: a part of a UNION may not be ordered or sliced itself.
    newest_window = BreakingNews.objects.filter(pk__in=banner_windows(at).values("pk")[:1])
    parts = [
        rows(newest_window, "breaking", F("article_id"), F("article__slug"), F("headline"), F("article__headline")),
        rows(StaticPage.objects.filter(is_published=True), "page", F("pk"), F("kind"), F("title")),
        *(
            rows(tags, vocabulary, F("pk"), F("slug"), F("name"))
            for vocabulary, tags in selectors.nav_tags(sections, at)
        ),
    ]
    return parts[0].union(*parts[1:], all=True)


FOOTER_FIELDS = ("id", "name", "tagline", "teaser_article_id", "teaser_text", "teaser_url", "starts_at", "ends_at")
TEASER_FIELDS = ("headline", "slug", *LIVE.fields)


def default_footer(at):
    """The site default footer active at `at`, with what its teaser shows of its story, or None: the same footer as
    `PromoFooter.objects.site_default(at)`, read in one query composed once per process."""
    rows = _default_footer_rows((at,))
    if not rows:
        return None
    footer = PromoFooter(is_default=True, **dict(zip(FOOTER_FIELDS, rows[0][: len(FOOTER_FIELDS)], strict=True)))
    teaser = dict(zip(TEASER_FIELDS, rows[0][len(FOOTER_FIELDS) :], strict=True))
    footer.teaser_article = Article(pk=footer.teaser_article_id, **teaser) if footer.teaser_article_id else None
    return footer


@PreparedRead
def _default_footer_rows(at):
    teaser = (f"teaser_article__{name}" for name in TEASER_FIELDS)
    return PromoFooter.objects.active(at).filter(is_default=True).values_list(*FOOTER_FIELDS, *teaser)[:1]


def site_page(kind):
    return StaticPage.objects.filter(kind=kind, is_published=True).first()


def most_read(at, limit=MOST_READ_LIMIT):
    """[(pk, headline, url)] of the live stories read most in the whole hours of the last day, most first.

    One query, composed once per process (`reader.prepared`): the stories read most (a few more than shown),
    then those of them that are live, with their totals.
    """
    end = read_hour(at)
    rows = _most_read_rows((end - timedelta(hours=MOST_READ_HOURS), end, at), key=(limit,))
    return [(pk, headline, Article(pk=pk, slug=slug).get_absolute_url()) for pk, headline, slug in rows]


@PreparedRead
def _most_read_rows(start, end, at, limit):
    reads = ArticleReads.objects.filter(hour__gte=start, hour__lt=end)
    top = reads.values("article_id").annotate(total=Sum("reads")).order_by("-total", "-article_id").values("article_id")
    return (
        reads.filter(
            # Live: on the list of every story by `at` (the listing index's twin of `Article.objects.live()`).
            Exists(ListingEntry.objects.live(at).of("all").filter(article_id=OuterRef("article_id"))),
            article_id__in=top[: limit * 4],
        )
        .values("article_id", "article__headline", "article__slug")
        .annotate(total=Sum("reads"))
        .order_by("-total", "-article_id")
        .values_list("article_id", "article__headline", "article__slug")[:limit]
    )


# Schedule ---------------------------------------------------------------------------------------------------------


def next_changes(at):
    """Probes of the next moments the furniture changes with no write (see `pagecache.schedule.Schedule`): a
    banner's window opens or closes, a story with an open or coming window goes live, or (while stories are
    being read) the hour turns."""
    next_hour = read_hour(at) + timedelta(hours=1)
    return [
        BreakingNews.objects.filter(starts_at__gt=at).order_by("starts_at").values("starts_at")[:1],
        BreakingNews.objects.filter(ends_at__gt=at).order_by("ends_at").values("ends_at")[:1],
        ListingEntry.objects.of("all")
        .filter(public_at__gt=at, article__breaking_windows__ends_at__gt=at)
        .order_by("public_at")
        .values("public_at")[:1],
        ArticleReads.objects.filter(hour__gte=read_hour(at) - timedelta(hours=MOST_READ_HOURS))
        .annotate(turn=Value(next_hour, output_field=DateTimeField()))
        .values("turn")[:1],
    ]


def changed_between(since, until):
    """The furniture tags of what changed in (since, until]."""
    tags = set()
    # On the hour, pages showing the list are refreshed only if the list really turned over.
    if read_hour(since) != read_hour(until) and most_read(since) != most_read(until):
        tags.add(MOST_READ)
    window = {"__gt": since, "__lte": until}
    turned = (
        BreakingNews.objects.filter(starts_at__gt=since, starts_at__lte=until).exists()
        or BreakingNews.objects.filter(ends_at__gt=since, ends_at__lte=until).exists()
    )
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
