"""What the reader's site reads. Every query starts from `Article.objects.live()` or from the live
entries of the lists readers browse (`ListingEntry.objects.live()`, the same stories, kept on write).

A region, topic or author is public only while at least one live article
carries it: a tag or byline used only by drafts, scheduled or embargoed stories
gives nothing away, not even its name. Nothing here is remembered between
requests (that is `reader.readmodel`) and nothing raises Http404: a missing
thing is None, and the view decides.
"""

from collections import namedtuple
from datetime import date, datetime, time, timedelta

from django.db import router
from django.db.models import Exists, F, OuterRef, Value
from django.utils import timezone

from articles import search
from articles.models import (
    CARD_FIELDS,
    LIVE,
    Article,
    Author,
    ListingCount,
    ListingEntry,
    RegionTag,
    TaggedRegion,
    TaggedTopic,
    TopicTag,
)

from .prepared import PreparedRead, column_names

VOCABULARIES = {
    "region": (RegionTag, TaggedRegion),
    "topic": (TopicTag, TaggedTopic),
}


def live_articles():
    """Live articles; bylines, regions and topics come with each row (`Article.listing_labels`)."""
    return Article.objects.live()


def is_taken_down(slug):
    """Whether the story at this address was taken down for good (its page answers 410 Gone, not 404)."""
    return Article.objects.filter(slug=slug, status=Article.Status.TAKEN_DOWN).exists()


def listing_entries(kind, pk=None, *, at=None):
    """The live entries of one list (every story, or a region's, topic's or author's), now or at `at`."""
    return ListingEntry.objects.live(at).of(kind, pk or 0)


def next_listing_change(at):
    """The first moment after `at` when a story goes live (scheduled, or held by an embargo), as a query of at most
    one row (a schedule's probe)."""
    return ListingEntry.objects.of("all").filter(public_at__gt=at).order_by("public_at").values("public_at")[:1]


def went_live_between(since, until):
    """(article id, kind, key) of every list entry of the stories that went live in (since, until]."""
    return ListingEntry.objects.filter(
        article_id__in=ListingEntry.objects.of("all")
        .filter(public_at__gt=since, public_at__lte=until)
        .values("article_id")
    ).values_list("article_id", "kind", "key")


def listing_ids(kind, pk, start, stop):
    """Ids of one page of a list's live articles, newest first: one range of the listing index."""
    entries = listing_entries(kind, pk).newest_first().values_list("article_id", flat=True)
    return list(entries[start:stop])


def period_bounds(year, month=0, day=0):
    """[start, end) of a year, month or day in the site's time zone, or None for a date that does not exist."""
    try:
        first = date(year, month or 1, day or 1)
        if day:
            after = first + timedelta(days=1)
        elif month:
            after = date(year + month // 12, month % 12 + 1, 1)
        else:
            after = date(year + 1, 1, 1)
    except (ValueError, OverflowError):
        return None
    zone = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(first, time.min), zone),
        timezone.make_aware(datetime.combine(after, time.min), zone),
    )


def period_entries(start, end):
    """The live entries of every story that went live in [start, end): one range of the listing index."""
    return listing_entries("all").filter(public_at__gte=start, public_at__lt=end)


def period_count(start, end):
    return period_entries(start, end).count()


def period_ids(start, end, first, stop):
    """Ids of one page of the stories that went live in [start, end), newest first."""
    return list(period_entries(start, end).newest_first().values_list("article_id", flat=True)[first:stop])


def period_neighbours(start, end):
    """(the moment of the newest live story before start, of the oldest live one from end): each one index seek."""
    before = listing_entries("all").filter(public_at__lt=start).newest_first().values_list("public_at", flat=True)
    after = (
        listing_entries("all")
        .filter(public_at__gte=end)
        .order_by("public_at", "article_id")
        .values_list("public_at", flat=True)
    )
    return before.first(), after.first()


def period_parts(start, end, unit):
    """The months (unit "month") or days ("day") in [start, end) with a live story, in the site's time zone."""
    return [moment.date() for moment in period_entries(start, end).datetimes("public_at", unit, order="ASC")]


def search_ids(query, *, order="relevance", section=None, start=None, end=None):
    """Ids of the live articles matching query, best match (or newest) first, optionally only those listed under
    a section ((vocabulary, tag pk): a region's includes the places inside it) or gone live in [start, end).

    Filters apply to the ranked candidates (`articles.search.ranked`), the newest matches of the index.
    """
    rows = search.ranked(query)
    if start is not None or end is not None:
        rows = [row for row in rows if (start is None or row[2] >= start) and (end is None or row[2] < end)]
    if section is not None and rows:
        kind, key = section
        listed = set(
            ListingEntry.objects.filter(
                kind=kind, key=key, article_id__in=[pk for pk, _rank, _moment in rows]
            ).values_list("article_id", flat=True)
        )
        rows = [row for row in rows if row[0] in listed]
    if order == "date":
        rows = sorted(rows, key=lambda row: (row[2], row[0]), reverse=True)
    return [pk for pk, _rank, _moment in rows]


def search_snippets(query, ids):
    """{id: the passage of the story that best shows the query, its words marked} for these articles."""
    rows = _snippet_rows((), values=list(ids)) if ids else []
    return {pk: search.snippet(query, standfirst, body) for pk, standfirst, body in rows}


@PreparedRead
def _snippet_rows(*ids):
    return Article.objects.filter(pk__in=ids).order_by().values_list("pk", "standfirst", "body")


CardRow = namedtuple("CardRow", ["pk", *CARD_FIELDS])


def card_rows(ids):
    """What the cards of these live articles show (a CardRow each: CARD_FIELDS by name), in the order of ids.

    Rows, not articles: a card only places what it is given, and twenty model
    instances cost more than the query, composed once per process for each
    number of ids. Read by primary key, then kept while `LIVE.holds` (the row
    twin of `live()`): with the live filter in SQL, SQLite walks the live-order
    index past every live article instead of looking up the few ids.
    """
    ids = list(ids)
    if not ids:
        return []
    now = timezone.now()
    found = {row.pk: row for row in map(CardRow._make, _card_rows((), values=ids)) if LIVE.holds(row, now)}
    return [found[pk] for pk in ids if pk in found]


@PreparedRead
def _card_rows(*ids):
    return Article.objects.filter(pk__in=ids).order_by().values_list(*CardRow._fields)


def public_tags(vocabulary):
    """Tags of one vocabulary that carry live articles, each with `article_count`, by name (a list).

    The counts are the lists' stored counts less their entries still to go live (`listing_count`), one query.
    """
    tag_model, _through = VOCABULARIES[vocabulary]
    counts = dict(
        ListingCount.objects.filter(kind=vocabulary).with_live().filter(live__gt=0).values_list("key", "live")
    )
    tags = list(tag_model.objects.filter(pk__in=counts).order_by("name"))
    for tag in tags:
        tag.article_count = counts[tag.pk]
    return tags


def region_tree(regions):
    """[(region, [(child, [...]), ...]), ...]: public regions (from `public_tags`) nested by parent, each level by name.

    A region is public while it or a region inside it has a live story, so every public region's
    parent is public too; one whose parent is not (never, unless the tree moved mid-read) is shown at the top.
    """
    by_pk = {region.pk: region for region in regions}
    children = {}
    for region in regions:
        parent = region.parent_id if region.parent_id in by_pk else None
        children.setdefault(parent, []).append(region)

    def nodes(parent):
        return [(region, nodes(region.pk)) for region in children.get(parent, [])]

    return nodes(None)


def region_family(pk, at=None):
    """{"ancestors": regions it lies in, outermost first, "children": its public regions by name}, in one query
    composed once per process and region."""
    rows = _region_family_rows((at or timezone.now(),), key=(pk,))
    family = {"ancestors": [], "children": []}
    for place, region_pk, slug, name in sorted(rows, key=lambda row: (-row[0], row[3].lower())):
        family["ancestors" if place else "children"].append(RegionTag(pk=region_pk, slug=slug, name=name))
    return family


@PreparedRead
def _region_family_rows(at, pk):
    ancestors = (
        RegionTag.objects.filter(descendant_links__region_id=pk, descendant_links__depth__gt=0)
        .annotate(place=F("descendant_links__depth"))
        .order_by()
        .values_list("place", "pk", "slug", "name")
    )
    children = (
        RegionTag.objects.filter(_carries_live_articles("region", at), parent_id=pk)
        .annotate(place=Value(0))
        .order_by()
        .values_list("place", "pk", "slug", "name")
    )
    return ancestors.union(children, all=True)


def public_sections(at=None):
    """[(vocabulary, pk, slug, name)] of every public region and topic, each vocabulary by name, in one query
    composed once per process."""
    rows = _public_section_rows((at or timezone.now(),))
    return sorted(rows, key=lambda row: (row[0], row[3].casefold()))


@PreparedRead
def _public_section_rows(at):
    querysets = [
        VOCABULARIES[vocabulary][0]
        .objects.filter(_carries_live_articles(vocabulary, at))
        .annotate(vocabulary=Value(vocabulary))
        .order_by()
        .values_list("vocabulary", "pk", "slug", "name")
        for vocabulary in VOCABULARIES
    ]
    return querysets[0].union(querysets[1], all=True)


def public_tag_list(vocabulary):
    """Tags of one vocabulary that carry live articles, by name, without counting them (one probe each)."""
    tag_model, _through = VOCABULARIES[vocabulary]
    return tag_model.objects.filter(_carries_live_articles(vocabulary)).order_by("name")


def listing_count(kind, pk, *, at=None):
    """How many live articles a list has (now or at `at`): its stored count less its entries still to go live,
    one query that never walks the list, composed once per process."""
    rows = _listing_count_rows((at or timezone.now(),), values=(kind, pk or 0))
    return rows[0][0] if rows else 0  # no row: the list has no entries


@PreparedRead
def _listing_count_rows(at, kind, key):
    return ListingCount.objects.of(kind, key).with_live(at).values_list("live")[:1]


def _carries_live_articles(kind, at=None):
    """Whether the tag or author (the outer row) is on a story live at `at` (now): one probe of the listing index."""
    return Exists(ListingEntry.objects.live(at).filter(kind=kind, key=OuterRef("pk")))


def public_tag(vocabulary, slug, at=None):
    """The tag of this vocabulary at slug while it carries a live article (now or at `at`), else None."""
    rows = _public_tag_rows((at or timezone.now(),), key=(vocabulary,), values=(slug,))
    return _first_instance(VOCABULARIES[vocabulary][0], rows)


@PreparedRead
def _public_tag_rows(at, slug, vocabulary):
    tag_model, _through = VOCABULARIES[vocabulary]
    tags = tag_model.objects.filter(_carries_live_articles(vocabulary, at), slug=slug).order_by("pk")
    return tags.values_list(*column_names(tag_model))[:1]


def _first_instance(model, rows):
    """The model instance of the first of rows (read in the order of `_column_names`), or None."""
    return model.from_db(router.db_for_read(model), column_names(model), rows[0]) if rows else None


def _on_list(kind, pk):
    # EXISTS rather than a join: the planner walks the live-order index newest
    # first and stops after one page, instead of sorting all of the list's articles.
    return Exists(ListingEntry.objects.filter(kind=kind, key=pk, article_id=OuterRef("pk")))


def tag_articles(vocabulary, tag, *, queryset=None):
    queryset = live_articles() if queryset is None else queryset
    return queryset.filter(_on_list(vocabulary, getattr(tag, "pk", tag)))


def public_author_slugs(at=None):
    """The slugs of the authors on a live story's byline (now or at `at`), by name, in one query composed once
    per process."""
    return [slug for (slug,) in _public_author_slug_rows((at or timezone.now(),))]


@PreparedRead
def _public_author_slug_rows(at):
    return Author.objects.filter(_carries_live_articles("author", at)).order_by("name", "pk").values_list("slug")


def public_author(slug, at=None):
    """The author at slug while on a live story's byline (now or at `at`), else None."""
    return _first_instance(Author, _public_author_rows((at or timezone.now(),), values=(slug,)))


@PreparedRead
def _public_author_rows(at, slug):
    authors = Author.objects.filter(_carries_live_articles("author", at), slug=slug).order_by("pk")
    return authors.values_list(*column_names(Author))[:1]


def author_articles(author, *, queryset=None):
    queryset = live_articles() if queryset is None else queryset
    return queryset.filter(_on_list("author", getattr(author, "pk", author)))


def nav_tags(sections, at=None):
    """[(vocabulary, tags)]: the tags among sections ((vocabulary, slug) pairs, e.g. settings.NAV_SECTIONS) that
    carry a story live at `at`, as a queryset for each vocabulary (read with the rest of the furniture,
    `reader.paper.furniture`)."""
    by_vocabulary = {}
    for vocabulary, slug in sections:
        by_vocabulary.setdefault(vocabulary, []).append(slug)
    return [
        (
            vocabulary,
            VOCABULARIES[vocabulary][0].objects.filter(_carries_live_articles(vocabulary, at), slug__in=slugs),
        )
        for vocabulary, slugs in by_vocabulary.items()
    ]
