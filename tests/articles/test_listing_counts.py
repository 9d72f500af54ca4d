"""Each list's stored count (`ListingCount`) stays the number of its entries through every write that moves a
story, and a list's live count is read from it in one query that never walks the list."""

import threading
from datetime import timedelta
from importlib import import_module
from types import SimpleNamespace

import pytest
import time_machine
from django.apps import apps
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import listings
from articles.models import Article, Byline, ListingCount, ListingEntry, RegionTag, TaggedRegion
from articles.services import article_publish, article_set_bylines, article_take_down, article_unpublish
from devtools.archive import generate_archive
from reader import selectors
from reader.sitemaps import ArticleSitemap
from tests.helpers.factories import make_article, make_author, make_user

pytestmark = pytest.mark.django_db


def assert_counts_right():
    """Every list's stored count is its number of entries, and its live count that of its live entries."""
    stored = {(kind, key): entries for kind, key, entries in ListingCount.objects.values_list(*listings.COUNT_COLUMNS)}
    every = stored.keys() | set(ListingEntry.objects.values_list("kind", "key").distinct())
    for kind, key in every:
        assert stored.get((kind, key), 0) == ListingEntry.objects.of(kind, key).count(), (kind, key)
        assert selectors.listing_count(kind, key) == ListingEntry.objects.live().of(kind, key).count(), (kind, key)


def live_counts(article):
    """The live count of every list this article is (or would be) on: every story, its regions, topics, authors."""
    counts = {"all": selectors.listing_count("all", None)}
    for tag in article.regions.all():
        counts[tag.name] = selectors.listing_count("region", tag.pk)
    for tag in article.topics.all():
        counts[tag.name] = selectors.listing_count("topic", tag.pk)
    for byline in Byline.objects.filter(article=article).select_related("author"):
        counts[byline.author.name] = selectors.listing_count("author", byline.author_id)
    return counts


@pytest.fixture
def editor():
    return make_user("Editor")


def test_workflow_steps_count_a_story_on_and_off_its_lists(editor):
    writer = make_author("Amira Patel")
    first = make_article("First", authors=[writer], regions=["Camden"], topics=["Politics"])
    second = make_article("Second", authors=[writer], regions=["Camden"], topics=["Politics"])
    assert live_counts(first) == {"all": 0, "Camden": 0, "Politics": 0, "Amira Patel": 0}
    article_publish(article=first, user=editor)
    assert live_counts(first) == {"all": 1, "Camden": 1, "Politics": 1, "Amira Patel": 1}
    article_publish(article=second, user=editor)
    assert live_counts(first) == {"all": 2, "Camden": 2, "Politics": 2, "Amira Patel": 2}
    assert_counts_right()
    article_unpublish(article=Article.objects.get(pk=first.pk), user=editor)
    assert live_counts(first) == {"all": 1, "Camden": 1, "Politics": 1, "Amira Patel": 1}
    assert_counts_right()
    article_take_down(article=Article.objects.get(pk=second.pk), user=make_user("Admin"), comment="A court order.")
    assert live_counts(first) == {"all": 0, "Camden": 0, "Politics": 0, "Amira Patel": 0}
    assert_counts_right()


def test_a_scheduled_story_is_counted_when_its_time_comes(editor):
    now = timezone.now()
    make_article("Live", status=Article.Status.PUBLISHED, regions=["Camden"])
    scheduled = make_article("Scheduled", regions=["Camden"])
    article_publish(article=scheduled, user=editor, publish_at=now + timedelta(hours=2))
    camden = RegionTag.objects.get(name="Camden")
    assert ListingCount.objects.of("region", camden.pk).get().entries == 2
    assert selectors.listing_count("region", camden.pk) == selectors.listing_count("all", None) == 1
    assert_counts_right()
    assert selectors.listing_count("region", camden.pk, at=now + timedelta(hours=3)) == 2
    with time_machine.travel(now + timedelta(hours=2, minutes=1)):
        assert selectors.listing_count("region", camden.pk) == selectors.listing_count("all", None) == 2
        assert_counts_right()


def test_tag_and_byline_changes_on_a_live_story_move_its_counts(editor):
    writer, other_writer = make_author("Amira Patel"), make_author("Tom Whitaker")
    article = make_article("Bridge works", status=Article.Status.PUBLISHED, authors=[writer], regions=["Pimlico"])
    make_article("Market day", status=Article.Status.PUBLISHED, authors=[writer], regions=["Pimlico"])
    article.regions.add("Victoria")
    article.topics.set(["Transport", "Business"])
    assert live_counts(article) == {
        "all": 2, "Pimlico": 2, "Victoria": 1, "Business": 1, "Transport": 1, "Amira Patel": 2,
    }  # fmt: skip
    assert_counts_right()
    article_set_bylines(article=article, authors=[other_writer])
    assert selectors.listing_count("author", writer.pk) == selectors.listing_count("author", other_writer.pk) == 1
    assert_counts_right()
    other_writer.articles.clear()
    writer.articles.add(article, through_defaults={"position": 0})
    TaggedRegion.objects.filter(content_object=article, tag__name="Pimlico").delete()
    assert live_counts(article) == {"all": 2, "Victoria": 1, "Business": 1, "Transport": 1, "Amira Patel": 2}
    assert selectors.listing_count("author", other_writer.pk) == 0
    assert_counts_right()


def test_deleting_stories_and_tags_takes_them_off_the_counts():
    kept = make_article("Kept", status=Article.Status.PUBLISHED, regions=["Pimlico", "Soho"], topics=["Culture"])
    gone = make_article("Gone", status=Article.Status.PUBLISHED, regions=["Soho"], topics=["Culture"])
    also_gone = make_article("Also gone", status=Article.Status.PUBLISHED, regions=["Soho"], topics=["Culture"])
    gone.delete()
    Article.objects.filter(pk=also_gone.pk).delete()
    assert live_counts(kept) == {"all": 1, "Pimlico": 1, "Soho": 1, "Culture": 1, kept.shown_authors[0].name: 1}
    assert_counts_right()
    RegionTag.objects.get(name="Soho").delete()
    kept.delete()
    assert selectors.listing_count("all", None) == 0
    assert_counts_right()


def test_moving_a_region_moves_the_counts_of_the_regions_around_it():
    london = RegionTag.objects.create(name="London")
    westminster = RegionTag.objects.create(name="Westminster", parent=london)
    make_article("Inside", status=Article.Status.PUBLISHED, regions=["Westminster"])
    assert selectors.listing_count("region", london.pk) == 1
    westminster.parent = None
    westminster.save()
    assert selectors.listing_count("region", london.pk) == 0
    assert selectors.listing_count("region", westminster.pk) == 1
    assert_counts_right()


def test_bulk_writes_and_rebuilds_keep_the_counts():
    articles = [make_article(f"Bulk {number}", status=Article.Status.PUBLISHED) for number in range(3)]
    Article.objects.filter(pk=articles[0].pk).update(publish_at=timezone.now() + timedelta(days=1))
    for article in articles[1:]:
        article.status = Article.Status.UNPUBLISHED
    Article.objects.bulk_update(articles[1:], ["status"])
    assert selectors.listing_count("all", None) == 0
    assert_counts_right()
    ListingCount.objects.update(entries=99)
    listings.rebuild()
    assert_counts_right()
    generate_archive(articles=40, seed=3)
    assert selectors.listing_count("all", None) == Article.objects.live().count() > 0
    assert_counts_right()


def test_the_migration_counts_the_entries_already_stored():
    for number in range(3):
        make_article(f"Before the counts {number}", status=Article.Status.PUBLISHED, regions=["Soho"])
    ListingCount.objects.all().delete()
    migration = import_module("articles.migrations.0021_listing_counts")
    migration.fill_listing_counts(apps, SimpleNamespace(connection=connection))
    assert selectors.listing_count("region", RegionTag.objects.get(name="Soho").pk) == 3
    assert_counts_right()


def test_a_live_count_is_one_query_of_the_stored_count_less_the_entries_to_come(django_assert_num_queries):
    for number in range(3):
        make_article(f"Story {number}", status=Article.Status.PUBLISHED, regions=["Soho"])
    make_article("Later", status=Article.Status.PUBLISHED, publish_at=timezone.now() + timedelta(hours=1))
    with django_assert_num_queries(1):
        assert selectors.listing_count("all", None) == 3
    # The stored number is what is read: a count over the list would still say 3.
    ListingCount.objects.of("all").update(entries=1000)
    assert selectors.listing_count("all", None) == 999
    with django_assert_num_queries(1):
        assert selectors.listing_count("topic", 10**9) == 0  # a list nobody was ever on


def test_a_live_count_reads_one_row_and_the_range_of_entries_to_come():
    make_article("Story", status=Article.Status.PUBLISHED, regions=["Soho"])
    live = ListingCount.objects.of("all").with_live().values_list("live", flat=True)[:1]
    sql, params = live.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")  # the tables are tiny here: ask for the plan at scale
            # Values written in: a statement bound on the server cannot be explained with its parameters apart.
            cursor.execute(f"EXPLAIN {connection.ops.compose_sql(sql, params)}")
        plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
    assert "listing_order_idx" in plan, plan
    if connection.vendor == "sqlite":
        assert "SEARCH articles_listingcount USING INDEX" in plan, plan
        assert "public_at>?" in plan.replace(" ", ""), plan  # only the entries still to come are counted
        assert "SCAN" not in plan, plan
    else:
        assert "unique_listing_count" in plan and "Seq Scan" not in plan, plan


def test_the_public_tags_are_counted_from_the_stored_counts(django_assert_num_queries):
    now = timezone.now()
    for number in range(2):
        make_article(f"Story {number}", status=Article.Status.PUBLISHED, regions=["Soho"])
    for region in ("Soho", "Camden"):
        make_article(f"Later in {region}", status=Article.Status.PUBLISHED, publish_at=now + timedelta(hours=1))
        Article.objects.get(headline=f"Later in {region}").regions.set([region])

    def public_regions():
        with django_assert_num_queries(2):  # the counts, then the tags
            return {tag.name: tag.article_count for tag in selectors.public_tags("region")}

    assert public_regions() == {"Soho": 2}  # Camden has only a story still to come: not public yet
    with time_machine.travel(now + timedelta(hours=1, minutes=1)):
        assert public_regions() == {"Soho": 3, "Camden": 1}
    ListingCount.objects.of("region", RegionTag.objects.get(name="Soho").pk).update(entries=13)
    assert public_regions() == {"Soho": 12}  # the stored number is what is read


def test_the_sitemap_index_pages_the_articles_by_the_stored_count(client, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    for number in range(5):
        make_article(f"Story {number}", status=Article.Status.PUBLISHED)
    make_article("Later", status=Article.Status.PUBLISHED, publish_at=timezone.now() + timedelta(hours=1))
    with CaptureQueriesContext(connection) as queries:
        index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-articles.xml?p=3" in index and "sitemap-articles.xml?p=4" not in index
    counts = [query["sql"] for query in queries if "COUNT(" in query["sql"] and "articles_article" in query["sql"]]
    assert counts == [], counts
    assert client.get("/sitemap-articles.xml?p=3").status_code == 200
    assert client.get("/sitemap-articles.xml?p=4").status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (row locks between connections)")
def test_two_writers_moving_the_same_lists_at_once_both_count():
    """The second writer waits for the first's lock on the count rows, then adds to what the first committed."""
    from tests.articles.test_concurrency import side_connection, wait_for

    make_article("Already live", status=Article.Status.PUBLISHED, regions=["Camden"])
    first, second = (make_article(f"Story {number}", regions=["Camden"]) for number in range(2))
    failures = []

    def publish_second():
        try:
            Article.objects.filter(pk=second.pk).update(
                status=Article.Status.PUBLISHED, publish_at=timezone.now() - timedelta(minutes=1)
            )
        except Exception as error:  # reported by the test below
            failures.append(error)
        finally:
            connections.close_all()

    writer = threading.Thread(target=publish_second)
    with side_connection() as side:
        with transaction.atomic():
            Article.objects.filter(pk=first.pk).update(
                status=Article.Status.PUBLISHED, publish_at=timezone.now() - timedelta(minutes=1)
            )
            writer.start()
            wait_for(
                side,
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
                lambda row: row[0] >= 1 or not writer.is_alive(),
                "the second writer to wait for the first",
            )
            assert writer.is_alive(), f"the second writer did not wait: {failures}"
        writer.join(timeout=30)
    assert not failures, failures
    camden = RegionTag.objects.get(name="Camden")
    assert selectors.listing_count("region", camden.pk) == selectors.listing_count("all", None) == 3
    assert_counts_right()
