"""Rendered cards, article parts and feeds are kept once per content generation, and are never stale."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from articles import services
from articles.models import Article, Author, RegionTag
from pagecache import generation, schedule
from reader import readmodel
from tests.helpers.factories import make_article, make_author, make_user

pytestmark = pytest.mark.django_db

LIVE = Article.Status.PUBLISHED


def published(headline, *, hours_ago=1, **fields):
    return make_article(headline, status=LIVE, publish_at=timezone.now() - timedelta(hours=hours_ago), **fields)


@pytest.fixture
def story():
    author = make_author("Nadia Okafor")
    return published("Lantern walk returns", regions=["Pimlico"], topics=["Culture"], authors=[author])


def reader_pages(article):
    pages = ["/", "/region/pimlico/", "/topic/culture/", "/author/nadia-okafor/", article.get_absolute_url()]
    return [*pages, "/feed/", "/region/pimlico/feed/atom/"]


def test_a_warm_reader_page_runs_no_sql(client, story, django_assert_num_queries):
    for path in reader_pages(story):
        first = client.get(path)
        assert first.status_code == 200, path
        with django_assert_num_queries(0):
            again = client.get(path)
        assert again.content == first.content, path


def test_an_edited_headline_is_on_every_page_at_once(client, story, django_capture_on_commit_callbacks):
    for path in reader_pages(story):
        assert "Lantern walk returns" in client.get(path).content.decode(), path
    story.headline = "Lantern walk postponed"
    with django_capture_on_commit_callbacks(execute=True):
        services.article_save(article=story, user=make_user("Editor"))
    for path in reader_pages(story):
        html = client.get(path).content.decode()
        assert "Lantern walk postponed" in html, path
        assert "Lantern walk returns" not in html, path


def test_a_renamed_author_and_region_show_on_cards_at_once(client, story, django_capture_on_commit_callbacks):
    assert "Nadia Okafor" in client.get("/region/pimlico/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        author = Author.objects.get(slug="nadia-okafor")
        author.name = "Nadia Okafor-Bell"
        author.save()
        region = RegionTag.objects.get(slug="pimlico")
        region.name = "Pimlico and Victoria"
        region.save()
    html = client.get("/topic/culture/").content.decode()
    assert "Nadia Okafor-Bell" in html
    assert ">Pimlico and Victoria</a>" in html


def test_an_unpublished_story_leaves_every_card_and_its_page(client, story, django_capture_on_commit_callbacks):
    other = published("Market day moves", hours_ago=2, regions=["Pimlico"], topics=["Culture"])
    assert story.get_absolute_url() in client.get("/region/pimlico/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.article_unpublish(article=story, user=make_user("Editor"))
    for path in ["/", "/region/pimlico/", "/topic/culture/"]:
        html = client.get(path).content.decode()
        assert story.get_absolute_url() not in html, path
        assert other.get_absolute_url() in html, path
    assert client.get(story.get_absolute_url()).status_code == 404


def test_cards_of_many_groups_are_read_together_and_kept(story, django_assert_num_queries):
    others = [published(f"Story {n}", hours_ago=n + 2, regions=["Westminster"]) for n in range(3)]
    groups = [([story.pk], "lead"), ([others[0].pk, others[1].pk], "list"), ([others[2].pk], "latest")]
    schedule.cache_state(timezone.now())
    # One read for every card of every group: bylines, regions and topics come with the articles.
    with django_assert_num_queries(1):
        lead, listed, latest = readmodel.card_groups(groups)
    assert 'class="lead-story"' in lead[0] and "Lantern walk returns" in lead[0]
    assert 'href="/region/westminster/"' in listed[0] and others[0].authors[0].name in listed[0]
    assert [others[0].headline in listed[0], others[1].headline in listed[1]] == [True, True]
    assert 'class="card__excerpt"' in listed[0] and 'class="card__excerpt"' not in latest[0]
    with django_assert_num_queries(0):
        assert readmodel.card_groups(groups) == [lead, listed, latest]


def test_an_id_that_is_not_live_gives_no_card(story):
    draft = make_article("Still a draft", regions=["Pimlico"])
    assert len(readmodel.card_groups([([draft.pk, story.pk, 10**9], "list")])[0]) == 1


def test_an_unknown_card_variant_is_a_programming_error(story):
    with pytest.raises(ValueError, match="Unknown card variant"):
        readmodel.card_groups([([story.pk], "poster")])[0]


def test_a_read_only_request_reads_the_shared_state_once():
    factory = RequestFactory()
    with schedule.request_scope(factory.get("/")):
        before = schedule.request_state()
        generation.bump_generation()
        assert schedule.request_state() == before
    assert schedule.request_state() != before
    with schedule.request_scope(factory.post("/")):
        during = schedule.request_state()
        generation.bump_generation()
        assert schedule.request_state() != during
