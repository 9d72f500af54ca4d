"""An imported story's old WordPress addresses answer 301 to its page while it is live, at no cost to other pages."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, OldAddress
from articles.services import article_unpublish
from tests.helpers.factories import make_article, make_user

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent.parent / "articles" / "wordpress" / "data"


@pytest.fixture
def story():
    article = make_article("Market reopens", status=Article.Status.PUBLISHED, regions=["Pimlico"], topics=["Food"])
    OldAddress.objects.create(path="/2024/05/market-reopens/", article=article)
    OldAddress.objects.create(path="/?p=12", article=article)
    OldAddress.objects.create(path="/2024/05/café-opens/", article=article)
    return article


def old_address_queries(queries):
    return [query["sql"] for query in queries.captured_queries if "articles_oldaddress" in query["sql"]]


@pytest.mark.parametrize(
    "url", ["/2024/05/market-reopens/", "/2024/05/market-reopens", "/?p=12", "/?p=012", "/2024/05/caf%C3%A9-opens/"]
)
def test_an_old_address_answers_301_to_the_story(client, story, url):
    response = client.get(url)
    assert response.status_code == 301
    assert response["Location"] == "/news/market-reopens/"
    assert "public" in response["Cache-Control"]
    assert client.get(response["Location"]).status_code == 200


def test_head_requests_are_redirected_too(client, story):
    assert client.head("/2024/05/market-reopens/").status_code == 301


def test_other_methods_are_not(client, story):
    assert client.post("/2024/05/market-reopens/").status_code == 404


@pytest.mark.parametrize(
    "hide",
    [
        lambda article: Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT),
        lambda article: Article.objects.filter(pk=article.pk).update(publish_at=timezone.now() + timedelta(hours=1)),
        lambda article: Article.objects.filter(pk=article.pk).update(
            embargo_ends_at=timezone.now() + timedelta(hours=1)
        ),
        lambda article: article_unpublish(article=article, user=make_user("Editor")),
    ],
    ids=["draft", "scheduled", "embargoed", "unpublished"],
)
def test_a_story_that_is_not_live_is_not_revealed(client, story, hide):
    missing = client.get("/2024/05/no-such-story/")
    home = client.get("/?p=99999")
    hide(story)
    response = client.get("/2024/05/market-reopens/")
    assert response.status_code == 404
    assert response.content == missing.content
    other = client.get("/?p=12")
    assert other.status_code == 200
    assert other.content == home.content


def test_ordinary_pages_never_look_old_addresses_up(client, story):
    for url in ["/", story.get_absolute_url(), "/region/pimlico/", "/search/?q=market", "/?utm_source=newsletter"]:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        assert old_address_queries(queries) == [], url


def test_a_missing_page_costs_one_indexed_lookup(client, story):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/2024/05/no-such-story/").status_code == 404
    (sql,) = old_address_queries(queries)
    assert '"path" IN' in sql.replace("`", '"')


def test_the_desk_pagination_is_not_taken_for_an_old_address(admin_client, story):
    with CaptureQueriesContext(connection) as queries:
        admin_client.get("/admin/articles/article/?p=12")
    assert old_address_queries(queries) == []


def test_a_home_page_cached_for_the_old_address_gives_way_when_the_story_goes_live(
    client, page_cache, story, time_machine
):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    Article.objects.filter(pk=story.pk).update(publish_at=now + timedelta(minutes=5))
    first = client.get("/?p=12")
    assert (first.status_code, first["X-Page-Cache"]) == (200, "miss")  # not live yet: the home page
    assert client.get("/?p=12")["X-Page-Cache"] == "hit"
    time_machine.move_to(now + timedelta(minutes=6), tick=False)  # no write: the schedule alone
    response = client.get("/?p=12")
    assert (response.status_code, response["Location"]) == (301, "/news/market-reopens/")


def test_an_imported_export_redirects_its_old_addresses(client):
    call_command("import_wordpress", str(DATA / "victoria-wxr-1.0.xml"), stdout=io.StringIO(), stderr=io.StringIO())
    for url in ["/2011/02/station-concourse-reopens/", "/?p=7"]:
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (301, "/news/station-concourse-reopens/"), url


def test_query_budget_of_a_redirect(client, story, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get("/?p=12").status_code == 301
    client.get("/2024/05/no-such-story/")  # the 404 page's own reads, remembered
    with django_assert_num_queries(1):
        assert client.get("/2024/05/market-reopens/").status_code == 301
