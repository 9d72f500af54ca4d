"""What the reader's site reads. Every query starts from `Article.objects.live()` or from the live
entries of the lists readers browse (`ListingEntry.objects.live()`, the same stories, kept on write).

A region, topic or author is public only while at least one live article
carries it: a tag or byline used only by drafts, scheduled or embargoed stories
gives nothing away, not even its name. Nothing here is remembered between
requests (that is `reader.readmodel`) and nothing raises Http404: a missing
thing is None, and the view decides.
"""

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q, Value
from django.urls import reverse

from articles.models import Article, Author, ListingEntry, RegionTag, TaggedRegion, TaggedTopic, TopicTag

VOCABULARIES = {
    "region": (RegionTag, TaggedRegion),
    "topic": (TopicTag, TaggedTopic),
}
RELATED_LIMIT = 4
# How many of the newest live articles of each shared tag are ranked for related stories.
RELATED_CANDIDATES = 50
HOME_SECONDARY_LIMIT = 2
HOME_LATEST_LIMIT = 7
HOME_SECTION_LIMIT = 4


def live_articles():
    """Live articles; bylines, regions and topics come with each row (`Article.listing_labels`)."""
    return Article.objects.live()


def listing_entries(kind, pk=None, *, at=None):
    """The live entries of one list (every story, or a region's, topic's or author's), now or at `at`."""
    return ListingEntry.objects.live(at).of(kind, pk or 0)


def next_listing_change(at):
    """The first moment after `at` when a story goes live (scheduled, or held by an embargo), or None."""
    entries = ListingEntry.objects.of("all").filter(public_at__gt=at).order_by("public_at")
    return entries.values_list("public_at", flat=True).first()


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


def by_ids(ids):
    """Live articles for a list of teasers, in the order of ids.

    Read by primary key, then kept while `is_live` (the instance twin of
    `live()`): with the live filter in SQL, SQLite walks the live-order index
    past every live article instead of looking up the few ids.
    """
    found = Article.objects.for_listing().order_by().in_bulk(ids)
    return [found[pk] for pk in ids if pk in found and found[pk].is_live]


def public_tags(vocabulary):
    """Tags of one vocabulary that carry live articles, each with `article_count`, by name (a list).

    The counts come from one pass over the vocabulary's live listing entries, grouped by tag.
    """
    tag_model, _through = VOCABULARIES[vocabulary]
    counts = dict(
        ListingEntry.objects.live().filter(kind=vocabulary).values_list("key").annotate(count=Count("pk")).order_by()
    )
    tags = list(tag_model.objects.filter(pk__in=counts).order_by("name"))
    for tag in tags:
        tag.article_count = counts[tag.pk]
    return tags


def public_tag_list(vocabulary):
    """Tags of one vocabulary that carry live articles, by name, without counting them (one probe each)."""
    tag_model, _through = VOCABULARIES[vocabulary]
    return tag_model.objects.filter(_carries_live_articles(vocabulary)).order_by("name")


def listing_count(kind, pk):
    """How many live articles a list has: one range of the listing index."""
    return listing_entries(kind, pk).count()


def _carries_live_articles(kind):
    """Whether the tag or author (the outer row) is on a live article: one probe of the listing index."""
    return Exists(ListingEntry.objects.live().filter(kind=kind, key=OuterRef("pk")))


def public_tag(vocabulary, slug):
    """The tag of this vocabulary at slug while it carries a live article, else None."""
    tag_model, _through = VOCABULARIES[vocabulary]
    return tag_model.objects.filter(_carries_live_articles(vocabulary), slug=slug).first()


def _on_list(kind, pk):
    # EXISTS rather than a join: the planner walks the live-order index newest
    # first and stops after one page, instead of sorting all of the list's articles.
    return Exists(ListingEntry.objects.filter(kind=kind, key=pk, article_id=OuterRef("pk")))


def tag_articles(vocabulary, tag, *, queryset=None):
    queryset = live_articles() if queryset is None else queryset
    return queryset.filter(_on_list(vocabulary, getattr(tag, "pk", tag)))


def public_authors():
    """Authors with at least one live article."""
    return Author.objects.filter(_carries_live_articles("author")).order_by("name")


def public_author(slug):
    return public_authors().filter(slug=slug).first()


def author_articles(author, *, queryset=None):
    queryset = live_articles() if queryset is None else queryset
    return queryset.filter(_on_list("author", getattr(author, "pk", author)))


def article_plan(slug):
    """(pk, related ids) of the live article at slug, or None.

    The article and the lists it is on come from its live listing entries, in one query.
    """
    entries = list(ListingEntry.objects.live().filter(article__slug=slug).values_list("article_id", "kind", "key"))
    if not entries:
        return None
    region_ids = [key for _pk, kind, key in entries if kind == "region"]
    topic_ids = [key for _pk, kind, key in entries if kind == "topic"]
    pk = entries[0][0]
    return pk, related_ids(pk, region_ids, topic_ids, RELATED_LIMIT)


def article_for_reader(slug, pk, related):
    """The live article pk at slug with everything its page shows, or None.

    Its related articles (ids chosen by `article_plan`) are read in the same
    queries and kept on the article for `related_articles()`.
    """
    # Read by primary key, then kept while live: see `by_ids`.
    rows = {
        row.pk: row
        for row in Article.objects.filter(pk__in=[pk, *related])
        .order_by()
        .select_related("promo_footer__teaser_article")
        .prefetch_related("corrections")
        if row.is_live
    }
    article = rows.get(pk)
    if article is None or article.slug != slug:
        return None
    article.related_articles = [rows[related_pk] for related_pk in related if related_pk in rows]
    return article


def related_ids(article_pk, region_ids, topic_ids, limit):
    """Live articles sharing a region or topic, most tags in common first, from the newest candidates of each tag.

    Counting shared tags over every article of a big region would read tens
    of thousands of rows; the newest RELATED_CANDIDATES of each tag come off
    the listing index like the first page of a section, and only those are ranked.
    """
    if not region_ids and not topic_ids:
        return []
    newest_of_each_tag = [
        ListingEntry.objects.filter(
            pk__in=listing_entries(kind, tag_id).newest_first().values("pk")[:RELATED_CANDIDATES]
        )
        .order_by()
        .values_list("article_id", flat=True)
        for kind, tag_ids in (("region", region_ids), ("topic", topic_ids))
        for tag_id in tag_ids
    ]
    candidates = newest_of_each_tag[0].union(*newest_of_each_tag[1:], all=True)
    # One read: the candidates (a UNION of index walks) ranked by their entries, which the
    # (article, list) index finds.
    shared = (
        ListingEntry.objects.filter(article_id__in=candidates)
        .exclude(article_id=article_pk)
        .values("article_id")
        .annotate(
            shared_tags=Count("pk", filter=Q(kind="region", key__in=region_ids) | Q(kind="topic", key__in=topic_ids)),
            public_at=Max("public_at"),
        )
        .order_by("-shared_tags", "-public_at", "-article_id")
    )
    return [row["article_id"] for row in shared[:limit]]


def _configured_tags(sections):
    """{(vocabulary, slug): tag} of the configured sections that exist, in one query for both vocabularies."""
    querysets = [
        VOCABULARIES[vocabulary][0]
        .objects.filter(slug=slug)
        .annotate(vocabulary=Value(vocabulary))
        .order_by()
        .values_list("vocabulary", "pk", "slug", "name")
        for vocabulary, slug in sections
    ]
    if not querysets:
        return {}
    rows = querysets[0].union(*querysets[1:], all=True)
    return {
        (vocabulary, slug): VOCABULARIES[vocabulary][0](pk=pk, slug=slug, name=name)
        for vocabulary, pk, slug, name in rows
    }


def _featured_sections(sections, *, exclude_ids, limit):
    """[(vocabulary, tag, article ids)] for configured (vocabulary, slug) pairs, in order.

    Articles already shown (exclude_ids, and those picked for earlier sections)
    are not repeated; a section left with nothing to show is left out. Two
    queries whatever the number of sections: the tags, then one UNION of each
    tag's newest live articles, enough of them to fill every section after
    what earlier ones took.
    """
    tags = _configured_tags(sections)
    found = [(vocabulary, tags[vocabulary, slug]) for vocabulary, slug in sections if (vocabulary, slug) in tags]
    if not found:
        return []
    enough = limit * len(found) + len(exclude_ids)
    newest = [
        ListingEntry.objects.filter(pk__in=listing_entries(vocabulary, tag.pk).newest_first().values("pk")[:enough])
        .annotate(section=Value(index))
        .order_by()
        .values_list("section", "public_at", "article_id")
        for index, (vocabulary, tag) in enumerate(found)
    ]
    candidates = {index: [] for index in range(len(found))}
    for index, _public_at, pk in sorted(
        newest[0].union(*newest[1:], all=True), key=lambda row: (row[1], row[2]), reverse=True
    ):
        candidates[index].append(pk)
    shown = set(exclude_ids)
    plan = []
    for index, (vocabulary, tag) in enumerate(found):
        ids = [pk for pk in candidates[index] if pk not in shown][:limit]
        if ids:
            shown.update(ids)
            plan.append((vocabulary, tag, ids))
    return plan


def home_plan():
    """The home page's ids: a lead story, two more under it, the latest after those, then the featured sections."""
    front = listing_ids("all", None, 0, 1 + HOME_SECONDARY_LIMIT + HOME_LATEST_LIMIT)
    sections = _featured_sections(settings.HOME_SECTIONS, exclude_ids=front, limit=HOME_SECTION_LIMIT)
    return {
        "lead_ids": front[:1],
        "secondary_ids": front[1 : 1 + HOME_SECONDARY_LIMIT],
        "latest_ids": front[1 + HOME_SECONDARY_LIMIT :],
        "sections": [(tag, vocabulary, ids) for vocabulary, tag, ids in sections],
    }


def nav_sections():
    """[(name, url)] for the masthead navigation: the public sections among settings.NAV_SECTIONS, in order."""
    by_vocabulary = {}
    for vocabulary, slug in settings.NAV_SECTIONS:
        by_vocabulary.setdefault(vocabulary, []).append(slug)
    # One query for both vocabularies: the public tags among those configured.
    querysets = [
        VOCABULARIES[vocabulary][0]
        .objects.filter(_carries_live_articles(vocabulary), slug__in=slugs)
        .annotate(vocabulary=Value(vocabulary))
        .order_by()
        .values_list("vocabulary", "slug", "name")
        for vocabulary, slugs in by_vocabulary.items()
    ]
    if not querysets:
        return []
    names = {(vocabulary, slug): name for vocabulary, slug, name in querysets[0].union(*querysets[1:], all=True)}
    return [
        (names[vocabulary, slug], reverse(f"reader:{vocabulary}", kwargs={"slug": slug}))
        for vocabulary, slug in map(tuple, settings.NAV_SECTIONS)
        if (vocabulary, slug) in names
    ]
