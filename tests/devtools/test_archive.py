import random
from contextlib import nullcontext
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import listings, text
from articles.models import Article, Author, Byline, ListingEntry, RegionTag, TaggedRegion, TaggedTopic, TopicTag
from articles.sanitizer import sanitize_html
from articles.search import SQLITE_SEARCH_TABLE, plain_text
from devtools import archive as archive_module
from devtools import prose
from devtools.archive import generate_archive
from tests.helpers.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive():
    return generate_archive(articles=250, seed=7)


def test_archive_has_the_requested_size_and_every_workflow_state(archive):
    assert archive.articles == Article.objects.count() == 250
    statuses = set(Article.objects.values_list("status", flat=True))
    assert statuses == {choice.value for choice in Article.Status}
    assert archive.live == Article.objects.live().count()
    scheduled = Article.objects.filter(status=Article.Status.PUBLISHED).exclude(pk__in=Article.objects.live())
    assert scheduled.exists()
    assert not Article.objects.filter(status=Article.Status.DRAFT, publish_at__isnull=False).exists()


def test_publish_times_spread_over_ten_years(archive):
    now = timezone.now()
    times = list(Article.objects.live().values_list("publish_at", flat=True))
    assert min(times) < now - timedelta(days=365 * 8)
    assert max(times) > now - timedelta(days=365)
    assert len({moment.year for moment in times}) >= 10


def test_bylines_and_tags_are_within_the_agreed_ranges(archive):
    assert 2 <= Author.objects.count() <= 60
    assert RegionTag.objects.count() == 20
    assert TopicTag.objects.count() == 20
    for article in Article.objects.prefetch_related("byline_set", "regions", "topics"):
        bylines = list(article.byline_set.all())
        assert 1 <= len(bylines) <= 4
        assert [byline.position for byline in bylines] == list(range(len(bylines)))
        assert 2 <= len(article.regions.all()) <= 4
        assert 2 <= len(article.topics.all()) <= 4
    assert Byline.objects.count() == archive.bylines
    assert TaggedRegion.objects.count() + TaggedTopic.objects.count() == archive.tag_links


def test_derived_fields_match_what_save_would_store(archive):
    for article in Article.objects.all():
        assert article.body == sanitize_html(article.body)
        assert article.body.startswith("<p>")
        assert 400 <= text.word_count(article.body) <= 900
        assert article.excerpt == text.excerpt(article.standfirst or article.body)
        assert article.reading_minutes == text.reading_minutes(article.body)
        assert article.slug == text.ascii_slug(article.slug, max_length=120, fallback_prefix="article")


def test_bodies_vary_between_articles(archive):
    bodies = list(Article.objects.values_list("body", flat=True))
    assert len(set(bodies)) == len(bodies)
    first_sentences = {body.split(".")[0] for body in bodies}
    assert len(first_sentences) > 200


def test_same_seed_gives_the_same_archive_and_slugs_stay_unique_across_runs():
    now = timezone.now()
    make_article("Council approves cycle lanes in Pimlico")
    generate_archive(articles=150, seed=3, now=now)
    first = list(Article.objects.order_by("pk").values_list("headline", "publish_at"))[1:]
    generate_archive(articles=150, seed=3, now=now)
    second = list(Article.objects.order_by("pk").values_list("headline", "publish_at"))[151:]
    assert first == second
    slugs = list(Article.objects.values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs)) == 301
    assert Author.objects.filter(name__in=[a.name for a in Author.objects.all()]).count() == Author.objects.count()


def test_generated_articles_render_on_the_reader_pages(client, archive):
    article = Article.objects.live().first()
    assert client.get("/").status_code == 200
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert article.headline in response.content.decode()
    region = article.regions.first()
    assert client.get(region.get_absolute_url()).status_code == 200


def test_command_reports_what_it_added(capsys):
    call_command("generate_archive", "--articles", "50", "--seed", "2")
    out = capsys.readouterr().out
    assert "Added 50 articles" in out
    assert Article.objects.count() == 50


@pytest.mark.parametrize("count", ["0", "-5", "2000000"])
def test_command_refuses_a_bad_size_and_writes_nothing(count):
    with pytest.raises(CommandError, match="whole number from 1 to"):
        call_command("generate_archive", "--articles", count)
    assert not Article.objects.exists()


def test_composing_in_a_second_process_gives_the_same_archive(monkeypatch):
    monkeypatch.setattr("devtools.archive.CHUNK_SIZE", 40)
    now = timezone.now()
    fields = ("headline", "standfirst", "body", "status", "publish_at", "excerpt", "reading_minutes")
    generate_archive(articles=100, seed=5, now=now, parallel=False)
    inline = list(Article.objects.order_by("pk").values_list(*fields))
    generate_archive(articles=100, seed=5, now=now, parallel=True)
    in_process = list(Article.objects.order_by("pk").values_list(*fields))[100:]
    assert in_process == inline
    assert Byline.objects.count() == 2 * Byline.objects.filter(article__in=Article.objects.order_by("pk")[:100]).count()


@pytest.mark.sqlite
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the stored search table is SQLite's")
def test_search_index_of_a_generated_archive_holds_what_the_triggers_would_store():
    """The generator writes the index rows itself, from the composer's plain texts: they must be the same."""
    generate_archive(articles=60, seed=5)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid, headline, standfirst, body FROM {SQLITE_SEARCH_TABLE}")
        stored = {row[0]: row[1:] for row in cursor.fetchall()}
    articles = Article.objects.values_list("pk", "headline", "standfirst", "body")
    assert stored == {pk: tuple(plain_text(value) for value in values) for pk, *values in articles}


def test_generated_articles_hold_what_a_save_of_the_same_texts_would_store(archive):
    """Rows are inserted without save() or bulk_create: every column must still be what save() stores."""
    # Labels come from the links, which a bare save has none of: see the test below.
    skipped = {"id", "slug", "created_at", "updated_at", "listing_labels"}
    fields = [field.attname for field in Article._meta.concrete_fields if field.attname not in skipped]
    for generated in Article.objects.order_by("pk")[:40]:
        saved = Article(
            headline=generated.headline,
            standfirst=generated.standfirst,
            body=generated.body,
            status=generated.status,
            publish_at=generated.publish_at,
            embargo_ends_at=generated.embargo_ends_at,
            first_published_at=generated.first_published_at,
        )
        saved.save()
        saved.refresh_from_db()
        assert {name: getattr(saved, name) for name in fields} == {name: getattr(generated, name) for name in fields}
        assert generated.created_at is not None and generated.updated_at is not None


def test_generated_articles_are_on_the_lists_and_labelled_as_the_signals_would_keep_them(archive):
    """Rows go in without signals: the listing entries and labels must be what the writes' receivers keep."""
    generated = list(ListingEntry.objects.order_by("article_id", "kind", "key").values_list(*listings.COLUMNS))
    stored_labels = dict(Article.objects.values_list("pk", "listing_labels"))
    listings.refresh(stored_labels)
    listings.relabel(stored_labels)
    assert list(ListingEntry.objects.order_by("article_id", "kind", "key").values_list(*listings.COLUMNS)) == generated
    assert dict(Article.objects.values_list("pk", "listing_labels")) == stored_labels
    assert ListingEntry.objects.live().of("all").count() == Article.objects.live().count()


def test_composed_bodies_need_no_sanitising_and_come_with_the_search_index_plain_texts():
    """What the writer relies on to skip the sanitiser and the trigger's plain-text function."""
    composed = archive_module._compose_chunk(11, 0, 300, timezone.now(), 60, 20, 20, True)
    for headline, _slug, standfirst, body, *_, plain in composed:
        assert sanitize_html(body) == body
        assert plain == (plain_text(headline), plain_text(standfirst), plain_text(body))


def test_the_sentence_pool_refuses_prose_the_sanitiser_or_the_index_would_change(monkeypatch):
    monkeypatch.setattr(prose.Writer, "sentence", lambda self: "The council <b>approved</b> it.")
    with pytest.raises(ValueError, match="Not plain prose"):
        prose.Pool(prose.Writer(random.Random(1)), 5)


def test_articles_split_over_several_statements_give_the_same_archive(monkeypatch):
    monkeypatch.setattr("devtools.archive.CHUNK_SIZE", 40)
    now = timezone.now()

    def written(articles):
        return [
            (article.headline, article.body, [byline.author_id for byline in article.byline_set.all()],
             sorted(tag.name for tag in article.regions.all()), sorted(tag.name for tag in article.topics.all()))
            for article in articles.prefetch_related("byline_set", "regions", "topics")
        ]  # fmt: skip

    generate_archive(articles=100, seed=5, now=now)
    whole = written(Article.objects.order_by("pk"))
    monkeypatch.setattr("devtools.bulk.ROWS_PER_STATEMENT", 7)
    generate_archive(articles=100, seed=5, now=now)
    assert written(Article.objects.order_by("pk")[100:]) == whole


def test_new_articles_never_reuse_the_id_of_a_deleted_one():
    generate_archive(articles=20, seed=2)
    newest = Article.objects.order_by("pk").last().pk
    Article.objects.filter(pk=newest).delete()
    generate_archive(articles=10, seed=2)
    added = Article.objects.filter(pk__gt=newest)
    assert added.count() == 10
    assert Byline.objects.filter(article__in=added).count() >= 10
    assert TaggedRegion.objects.filter(content_object__in=added).count() >= 20
    assert make_article("Saved after the archive").pk == newest + 11


def test_writes_per_chunk_do_not_grow_with_its_articles(monkeypatch, django_assert_num_queries):
    """One statement for the articles of a chunk, one per through table (and one for SQLite's search
    index), however many articles."""
    monkeypatch.setattr("devtools.archive.CHUNK_SIZE", 40)
    per_chunk = 5 if connection.vendor == "sqlite" else 4
    generate_archive(articles=40, seed=1)  # creates the tags and authors
    with CaptureQueriesContext(connection) as one_chunk:
        generate_archive(articles=40, seed=1)
    with django_assert_num_queries(len(one_chunk) + 2 * per_chunk):
        generate_archive(articles=120, seed=1)


def _indexed(article):
    """The search index's row for article, if the index has one (SQLite's stored table)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT headline FROM {SQLITE_SEARCH_TABLE} WHERE rowid = %s", [article.pk])
        return cursor.fetchone()


@pytest.mark.sqlite
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the stored search table is SQLite's")
@pytest.mark.parametrize("fails", [False, True], ids=["after an archive", "after a failed archive"])
def test_articles_saved_later_are_still_indexed_for_search(fails):
    """The generator writes the search index itself, around the insert trigger: the trigger must be back."""

    def progress(done, total):
        if fails:
            raise RuntimeError("stopped halfway")

    with pytest.raises(RuntimeError) if fails else nullcontext():
        generate_archive(articles=30, seed=1, progress=progress)
    assert Article.objects.count() == (0 if fails else 30)
    article = make_article("Lanterns along the embankment")
    assert _indexed(article) == ("lanterns along the embankment",)
