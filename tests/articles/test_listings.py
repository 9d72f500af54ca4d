"""The readers' lists (`ListingEntry`) and card labels stay exactly what the articles and their links say,
through every kind of write: saves, workflow steps, tag and byline changes from either side, renames,
deletions, bulk updates and restores."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import listings, services
from articles.backup import backup_site, restore_site
from articles.models import LIVE, Article, Byline, ListingCount, ListingEntry, RegionTag, TaggedRegion, TopicTag
from articles.services import article_publish, article_set_bylines, article_unpublish
from tests.helpers.factories import make_article, make_author, make_user

pytestmark = pytest.mark.django_db


def entries():
    """{(kind, name): sorted article ids} of every stored entry, with the public moment of each."""
    found = {}
    for kind, key, article_id, public_at in ListingEntry.objects.values_list(*listings.COLUMNS):
        found.setdefault((kind, key), []).append((article_id, public_at))
    return {list_key: sorted(rows) for list_key, rows in found.items()}


def expected_entries():
    """The entries the rule says there should be, computed the slow way from the articles and their links."""
    expected = {}
    for article in Article.objects.all():
        moment = LIVE.moment(article)
        if moment is None:
            continue
        keys = [("all", 0)]
        keys += [("region", pk) for pk in article.regions.values_list("pk", flat=True)]
        keys += [("topic", pk) for pk in article.topics.values_list("pk", flat=True)]
        keys += [("author", pk) for pk in article.byline_set.values_list("author_id", flat=True)]
        for key in keys:
            expected.setdefault(key, []).append((article.pk, moment))
    return {list_key: sorted(rows) for list_key, rows in expected.items()}


def labels(article):
    article.refresh_from_db(fields=["listing_labels"])
    return article.listing_labels


@pytest.fixture
def editor():
    return make_user("Editor")


def test_the_live_entries_are_exactly_the_live_articles_at_every_moment(editor):
    now = timezone.now()
    live = make_article("Live", status=Article.Status.PUBLISHED)
    scheduled = make_article("Scheduled", status=Article.Status.PUBLISHED, publish_at=now + timedelta(hours=2))
    embargoed = make_article("Embargoed", status=Article.Status.PUBLISHED, publish_at=now - timedelta(hours=1))
    Article.objects.filter(pk=embargoed.pk).update(embargo_ends_at=now + timedelta(hours=4))
    make_article("Draft")
    make_article("Unpublished", status=Article.Status.UNPUBLISHED, publish_at=now - timedelta(days=1))
    assert entries() == expected_entries()
    for hours, visible in ((0, {live}), (3, {live, scheduled}), (5, {live, scheduled, embargoed})):
        with time_machine.travel(now + timedelta(hours=hours, minutes=1)):
            on_list = set(ListingEntry.objects.live().of("all").values_list("article_id", flat=True))
            assert on_list == {article.pk for article in visible}
            assert on_list == set(Article.objects.live().values_list("pk", flat=True))


def test_workflow_steps_put_a_story_on_its_lists_and_take_it_off(editor):
    article = make_article("Council vote", regions=["Westminster"], topics=["Politics"])
    assert ListingEntry.objects.count() == 0
    article_publish(article=article, user=editor)
    westminster = RegionTag.objects.get(name="Westminster")
    assert set(ListingEntry.objects.live().of("region", westminster.pk).values_list("article_id", flat=True)) == {
        article.pk
    }
    assert entries() == expected_entries()
    article_unpublish(article=Article.objects.get(pk=article.pk), user=editor)
    assert ListingEntry.objects.count() == 0


def test_tag_and_byline_changes_from_either_side_move_the_story(editor):
    article = make_article("Bridge works", status=Article.Status.PUBLISHED, regions=["Pimlico"], topics=["Transport"])
    other = make_article("Market day", status=Article.Status.PUBLISHED, regions=["Pimlico"], topics=["Business"])
    article.regions.add("Victoria")
    article.topics.set(["Culture"])
    assert entries() == expected_entries()
    # An author's stories changed from the author's side.
    writer = make_author("New Writer")
    writer.articles.add(other, through_defaults={"position": 1})
    assert entries() == expected_entries()
    assert labels(other)["authors"][-1] == ["New Writer", "new-writer"]
    writer.articles.remove(other)
    assert entries() == expected_entries()
    writer.articles.add(article, other, through_defaults={"position": 1})
    writer.articles.clear()
    assert entries() == expected_entries()
    article_set_bylines(article=article, authors=[writer])
    assert entries() == expected_entries()
    Byline.objects.filter(article=article).delete()
    TaggedRegion.objects.filter(content_object=other).delete()
    assert entries() == expected_entries()
    assert labels(article)["authors"] == [] and labels(other)["regions"] == []


def test_deleting_a_tag_or_a_story_removes_their_entries(editor):
    kept = make_article("Kept", status=Article.Status.PUBLISHED, regions=["Pimlico", "Soho"], topics=["Culture"])
    gone = make_article("Gone", status=Article.Status.PUBLISHED, regions=["Soho"], topics=["Culture"])
    RegionTag.objects.get(name="Soho").delete()
    assert entries() == expected_entries()
    assert labels(kept)["regions"] == [["Pimlico", "pimlico"]]
    gone.delete()
    assert entries() == expected_entries()
    assert not ListingEntry.objects.filter(article_id=gone.pk).exists()


def test_labels_follow_the_links_in_page_order_and_renames(editor):
    first, second = make_author("Zoe Adams"), make_author("Abel Brown")
    article = make_article("Labelled", authors=[first, second], regions=["Westminster", "London"], topics=["Politics"])
    assert labels(article) == {
        "authors": [["Zoe Adams", "zoe-adams"], ["Abel Brown", "abel-brown"]],
        "regions": [["London", "london"], ["Westminster", "westminster"]],
        "topics": [["Politics", "politics"]],
    }
    assert [author.name for author in article.shown_authors] == ["Zoe Adams", "Abel Brown"]
    assert article.shown_regions[0].get_absolute_url() == "/region/london/"
    tag = RegionTag.objects.get(name="London")
    tag.name = "Greater London"
    tag.save()
    first.name = "Zoe Adams-Clark"
    first.save()
    assert labels(article)["regions"] == [["Greater London", "london"], ["Westminster", "westminster"]]
    assert labels(article)["authors"][0] == ["Zoe Adams-Clark", "zoe-adams"]
    topic = TopicTag.objects.get(name="Politics")
    topic.description = "Votes and councils."
    topic.save()  # not a rename: nothing to relabel
    assert labels(article)["topics"] == [["Politics", "politics"]]


def test_a_rename_relabels_in_a_few_queries_whatever_the_number_of_stories(django_assert_max_num_queries):
    for number in range(12):
        make_article(f"Story {number}", regions=["Lambeth"])
    tag = RegionTag.objects.get(name="Lambeth")
    tag.name = "Lambeth North"
    with django_assert_max_num_queries(8):
        tag.save()
    assert {article.listing_labels["regions"][0][0] for article in Article.objects.all()} == {"Lambeth North"}


def test_bulk_updates_of_the_times_move_the_stories_too(editor):
    articles = [make_article(f"Bulk {number}", status=Article.Status.PUBLISHED) for number in range(3)]
    later = timezone.now() + timedelta(days=1)
    Article.objects.filter(pk=articles[0].pk).update(publish_at=later)
    for article in articles[1:]:
        article.status = Article.Status.UNPUBLISHED
    Article.objects.bulk_update(articles[1:], ["status"])
    assert entries() == expected_entries()
    assert not ListingEntry.objects.live().exists()


def test_an_edit_of_the_text_leaves_the_lists_alone_and_a_save_of_the_times_moves_the_story(editor):
    live = make_article("Live story", status=Article.Status.PUBLISHED, regions=["Lambeth"])
    draft = make_article("Draft story", regions=["Lambeth"])
    entry_table = ListingEntry._meta.db_table
    for article in (live, draft):
        article.body = f"{article.body}<p>One more line.</p>"
        with CaptureQueriesContext(connection) as queries:
            services.article_save(article=article, user=editor, expected_version=article.version)
        assert not [query for query in queries if entry_table in query["sql"]]
    assert entries() == expected_entries()
    # A save without update_fields (or naming a time) rewrites the entries from what is stored.
    later = timezone.now() + timedelta(hours=3)
    live.publish_at = later
    live.save()
    assert entries() == expected_entries()
    assert not ListingEntry.objects.live().filter(article=live).exists()


@pytest.mark.django_db(transaction=True)
def test_a_restored_site_has_its_lists_rebuilt(tmp_path, media_root):
    article = make_article("Before the backup", status=Article.Status.PUBLISHED, regions=["Pimlico"])
    path = tmp_path / "site.zip"
    backup_site(path=path)
    before = entries()
    call_command("flush", interactive=False, verbosity=0)
    assert ListingEntry.objects.count() == 0
    restore_site(path=path)
    assert entries() == before == expected_entries()
    counts = ListingCount.objects.values_list(*listings.COUNT_COLUMNS)
    assert {(kind, key): number for kind, key, number in counts} == {key: len(rows) for key, rows in before.items()}
    assert labels(Article.objects.get(pk=article.pk))["regions"] == [["Pimlico", "pimlico"]]
