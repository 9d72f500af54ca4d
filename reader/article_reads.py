"""What the article page reads: the story and the lists it is on, then the story with its footer, the
footer's teaser and its related stories. Like `reader.selectors`, only what is live, and nothing raises
Http404.
"""

from django.db import connection, connections, router
from django.db.models import Case, Exists, F, OuterRef, When
from django.utils import timezone

from articles.models import Article, Correction, ListingEntry, PromoFooter
from articles.validators import MAX_TAGS_PER_ARTICLE

from .prepared import PreparedRead, column_names, statement_cursor

RELATED_LIMIT = 4
# How many of the newest live articles of each shared tag are ranked for related stories.
RELATED_CANDIDATES = 50
# The columns only the story's own page shows: cards and teasers never need them.
STORY_ONLY = ("body", "body_media")


def article_plan(slug):
    """(pk, related ids) of the live article at slug, or None.

    The article and the lists it is on come from its live listing entries, in one query composed once per process,
    then its related stories (`related_ids`); on PostgreSQL both in one statement (`_plan_in_one_statement`).
    """
    using = router.db_for_read(ListingEntry)
    if connections[using].vendor == "postgresql":
        return _plan_in_one_statement(slug, connections[using])
    entries = _live_entry_rows((timezone.now(),), values=(slug,))
    if not entries:
        return None
    region_ids = [key for _pk, kind, key in entries if kind == "region"]
    topic_ids = [key for _pk, kind, key in entries if kind == "topic"]
    pk = entries[0][0]
    return pk, related_ids(pk, region_ids, topic_ids, RELATED_LIMIT)


@PreparedRead
def _live_entry_rows(at, slug):
    return ListingEntry.objects.live(at).filter(article__slug=slug).values_list("article_id", "kind", "key")


def article_for_reader(slug, pk, related):
    """The live article pk at slug with everything its page shows, or None.

    Its related articles (ids chosen by `article_plan`) are read in the same
    query and kept on the article for its page (`readmodel.article_parts`).
    """
    # Read by primary key, then kept while live: see `card_rows`.
    rows = {row.pk: row for row in _articles_with_footers([pk, *related]) if row.is_live}
    article = rows.get(pk)
    if article is None or article.slug != slug:
        return None
    # Most stories have no correction: their empty list is known without reading it.
    article.shown_corrections = list(article.corrections.all()) if article.has_corrections else []
    article.related_articles = [rows[related_pk] for related_pk in related if related_pk in rows]
    return article


def _articles_with_footers(ids):
    """The articles of ids (any order), each with its footer, the footer's teaser and `has_corrections`, built
    as select_related() builds them, from one statement composed once per process for each number of ids.

    Only the first article comes with its body: the others and the teasers are shown as cards or links, and
    their bodies are left deferred (reading five bodies for one cost a third of the read at 100,000 stories).
    """
    using = router.db_for_read(Article)
    names = [name for name in column_names(Article) if name not in STORY_ONLY]
    parts = [(Article, names), (PromoFooter, column_names(PromoFooter)), (Article, names)]
    articles = []
    for row in _article_page_rows((), values=list(ids)):
        values = iter(row)
        article, footer, teaser = (
            _instance_or_none(model, using, model_names, [next(values) for _name in model_names])
            for model, model_names in parts
        )
        if teaser is not None:
            footer.teaser_article = teaser
        if footer is not None:
            article.promo_footer = footer
        article.has_corrections = next(values)
        story_columns = [next(values) for _name in STORY_ONLY]
        if article.pk == ids[0]:
            for name, value in zip(STORY_ONLY, story_columns, strict=True):
                setattr(article, name, value)
        articles.append(article)
    return articles


def _instance_or_none(model, using, names, values):
    """The instance of one model's columns in a row, or None when they come from an outer join that found none."""
    return model.from_db(using, names, values) if values[names.index(model._meta.pk.attname)] is not None else None


@PreparedRead
def _article_page_rows(*ids):
    """Each article's columns but its body, its footer's, its footer's teaser's (but the body), has_corrections,
    then the body's columns, of the first article only (see _articles_with_footers)."""
    names = [name for name in column_names(Article) if name not in STORY_ONLY]
    return (
        Article.objects.filter(pk__in=ids)
        .order_by()
        .annotate(
            has_corrections=Exists(Correction.objects.filter(article=OuterRef("pk"))),
            **{f"story_{name}": Case(When(pk=ids[0], then=F(name))) for name in STORY_ONLY},
        )
        .values_list(
            *names,
            *(f"promo_footer__{name}" for name in column_names(PromoFooter)),
            *(f"promo_footer__teaser_article__{name}" for name in names),
            "has_corrections",
            *(f"story_{name}" for name in STORY_ONLY),
        )
    )


def _plan_in_one_statement(slug, connection):
    """`article_plan` as one statement: the story's live entries, then for each of its regions and topics a walk
    of the newest candidates (a LATERAL join, which SQLite lacks), ranked as `related_ids` ranks them.

    Half the article page's cold reads went to this pair of round trips and the Python around them.
    """
    name = connection.ops.quote_name
    entries, articles = name(ListingEntry._meta.db_table), name(Article._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = (
        f"WITH story AS (SELECT entry.article_id, entry.kind, entry.{name('key')} FROM {entries} entry"
        f" JOIN {articles} article ON article.id = entry.article_id WHERE article.slug = %s AND entry.public_at <= %s)"
        " SELECT (SELECT article_id FROM story LIMIT 1), related.article_id FROM (SELECT 1) one"
        " LEFT JOIN LATERAL (SELECT candidate.article_id FROM story CROSS JOIN LATERAL ("
        f"SELECT walk.article_id, walk.public_at FROM {entries} walk WHERE walk.kind = story.kind"
        f" AND walk.{name('key')} = story.{name('key')} AND walk.public_at <= %s"
        " ORDER BY walk.public_at DESC, walk.article_id DESC LIMIT %s) candidate"
        " WHERE story.kind IN ('region', 'topic') AND candidate.article_id <> story.article_id"
        " GROUP BY candidate.article_id"
        " ORDER BY COUNT(*) DESC, MAX(candidate.public_at) DESC, candidate.article_id DESC LIMIT %s) related ON true"
    )
    with statement_cursor(connection) as cursor:
        cursor.execute(sql, [slug, now, now, RELATED_CANDIDATES, RELATED_LIMIT])
        rows = cursor.fetchall()
    if rows[0][0] is None:
        return None
    return rows[0][0], [related for _story, related in rows if related is not None]


def related_ids(article_pk, region_ids, topic_ids, limit):
    """Live articles sharing a region or topic, most tags in common first, from the newest candidates of each tag.

    Counting shared tags over every article of a big region would read tens
    of thousands of rows; the newest RELATED_CANDIDATES of each tag come off
    the listing index like the first page of a section, and a candidate's
    tags in common are the walks it turns up in, so nothing else is read.

    One statement, written out rather than built with the ORM: composing and
    compiling the union of one index walk per tag cost six times what the
    database then spent running it, on every article page rendered cold.
    """
    # A story carries at most MAX_TAGS_PER_ARTICLE of each; one saved before that cap (or written around it) is
    # ranked on its first ones, so the UNION stays within the database's limit on compound SELECTs.
    lists = [("region", pk) for pk in list(region_ids)[:MAX_TAGS_PER_ARTICLE]]
    lists += [("topic", pk) for pk in list(topic_ids)[:MAX_TAGS_PER_ARTICLE]]
    if not lists:
        return []
    table = connection.ops.quote_name(ListingEntry._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    # Each walk is wrapped in a derived table: both databases then accept its ORDER BY and LIMIT in a UNION.
    walk = (
        f"SELECT article_id, public_at FROM (SELECT article_id, public_at FROM {table}"
        ' WHERE kind = %s AND "key" = %s AND public_at <= %s'
        " ORDER BY public_at DESC, article_id DESC LIMIT %s) newest"
    )
    sql = (
        "SELECT article_id, COUNT(*) AS shared_tags, MAX(public_at) AS latest"
        f" FROM ({' UNION ALL '.join([walk] * len(lists))}) candidates WHERE article_id <> %s"
        " GROUP BY article_id ORDER BY shared_tags DESC, latest DESC, article_id DESC LIMIT %s"
    )
    params = [*[value for kind, pk in lists for value in (kind, pk, now, RELATED_CANDIDATES)], article_pk, limit]
    with statement_cursor(connection) as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
