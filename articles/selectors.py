"""What the reader's site reads. Every query starts from `Article.objects.live()`.

A region, topic or author is public only while at least one live article
carries it: a tag or byline used only by drafts, scheduled or embargoed stories
gives nothing away, not even its name.
"""

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404

from .models import Article, Author, Byline, RegionTag, TaggedRegion, TaggedTopic, TopicTag

VOCABULARIES = {
    "region": (RegionTag, TaggedRegion, "regions"),
    "topic": (TopicTag, TaggedTopic, "topics"),
}
RELATED_LIMIT = 4
HOME_SECONDARY_LIMIT = 2
HOME_LATEST_LIMIT = 7
HOME_SECTION_LIMIT = 4


def live_articles():
    """Live articles with what a list shows (bylines, regions, topics) prefetched."""
    return Article.objects.live().with_listing_related()


def public_tags(vocabulary):
    """Tags of one vocabulary that carry live articles, with `article_count`."""
    tag_model, _through, _field = VOCABULARIES[vocabulary]
    live_ids = Article.objects.live().values("pk")
    return (
        tag_model.objects.annotate(
            article_count=Count(
                "tagged_articles", filter=Q(tagged_articles__content_object__in=live_ids), distinct=True
            )
        )
        .filter(article_count__gt=0)
        .order_by("name")
    )


def _carries_live_articles(vocabulary):
    _tag_model, through, _field = VOCABULARIES[vocabulary]
    return Exists(through.objects.filter(tag=OuterRef("pk"), content_object__in=Article.objects.live().values("pk")))


def public_tag_or_404(vocabulary, slug):
    tag_model, _through, _field = VOCABULARIES[vocabulary]
    tag = tag_model.objects.filter(_carries_live_articles(vocabulary), slug=slug).first()
    if tag is None:
        raise Http404("No such section.")
    return tag


def tag_articles(vocabulary, tag):
    _tag_model, _through, field = VOCABULARIES[vocabulary]
    return live_articles().filter(**{field: tag})


def public_authors():
    """Authors with at least one live article."""
    live_bylines = Byline.objects.filter(author=OuterRef("pk"), article__in=Article.objects.live().values("pk"))
    return Author.objects.filter(Exists(live_bylines)).order_by("name")


def public_author_or_404(slug):
    author = public_authors().filter(slug=slug).first()
    if author is None:
        raise Http404("No such author.")
    return author


def author_articles(author):
    return live_articles().filter(bylines=author)


def article_for_reader(queryset, slug):
    """One live article with everything its page shows, or 404."""
    article = (
        queryset.filter(slug=slug)
        .select_related("promo_footer__teaser_article")
        .prefetch_related("corrections")
        .first()
    )
    if article is None:
        raise Http404("No such article.")
    return article


def related_articles(article, limit=RELATED_LIMIT):
    """Live articles sharing a region or topic with article, most tags in common first."""
    region_ids = [tag.pk for tag in article.regions.all()]
    topic_ids = [tag.pk for tag in article.topics.all()]
    if not region_ids and not topic_ids:
        return []
    queryset = (
        live_articles()
        .exclude(pk=article.pk)
        .annotate(
            shared_tags=Count("regions", filter=Q(regions__in=region_ids), distinct=True)
            + Count("topics", filter=Q(topics__in=topic_ids), distinct=True)
        )
        .filter(shared_tags__gt=0)
        .order_by("-shared_tags", "-publish_at", "-pk")
    )
    return list(queryset[:limit])


def featured_sections(sections, *, exclude_ids=(), limit=HOME_SECTION_LIMIT):
    """[(tag, vocabulary, articles)] for configured (vocabulary, slug) pairs, in order.

    Articles already shown (exclude_ids, and those picked for earlier sections)
    are not repeated; a section left with nothing to show is left out.
    """
    shown = set(exclude_ids)
    blocks = []
    for vocabulary, slug in sections:
        tag_model, _through, field = VOCABULARIES[vocabulary]
        tag = tag_model.objects.filter(slug=slug).first()
        if tag is None:
            continue
        articles = list(live_articles().filter(**{field: tag}).exclude(pk__in=shown)[:limit])
        if articles:
            shown.update(article.pk for article in articles)
            blocks.append((tag, vocabulary, articles))
    return blocks


def home_page():
    """The home page: a lead story, two more under it, the latest after those, then the featured sections."""
    front = list(live_articles()[: 1 + HOME_SECONDARY_LIMIT + HOME_LATEST_LIMIT])
    lead = front[0] if front else None
    secondary = front[1 : 1 + HOME_SECONDARY_LIMIT]
    latest = front[1 + HOME_SECONDARY_LIMIT :]
    shown = [article.pk for article in front]
    return {
        "lead": lead,
        "secondary": secondary,
        "latest": latest,
        "sections": featured_sections(settings.HOME_SECTIONS, exclude_ids=shown),
    }


def nav_sections():
    """[(name, url)] for the masthead navigation, from settings.NAV_SECTIONS."""
    links = []
    by_vocabulary = {}
    for vocabulary, slug in settings.NAV_SECTIONS:
        by_vocabulary.setdefault(vocabulary, []).append(slug)
    found = {
        (vocabulary, tag.slug): tag
        for vocabulary, slugs in by_vocabulary.items()
        for tag in VOCABULARIES[vocabulary][0].objects.filter(_carries_live_articles(vocabulary), slug__in=slugs)
    }
    for key in settings.NAV_SECTIONS:
        tag = found.get(tuple(key))
        if tag is not None:
            links.append((tag.name, tag.get_absolute_url()))
    return links
