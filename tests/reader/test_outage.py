"""The database down: a clean 503 page (never a 500), and cached pages still served."""

import pytest
from django.test import Client

from articles.models import Article
from tests.helpers.factories import make_article
from tests.helpers.outage import database_down

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live_article():
    return make_article("Pimlico library reopens", status=Article.Status.PUBLISHED, regions=["Pimlico"])


def assert_clean_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "We will be back in a moment" in html
    assert 'href="/static/css/site.css"' in html, "the 503 page uses the site's design"
    assert "Error 500" not in html


def test_every_reader_page_is_a_503_while_the_database_is_down(client, live_article):
    urls = ["/", live_article.get_absolute_url(), "/region/pimlico/", "/regions/", "/search/?q=library", "/feed/"]
    urls += ["/sitemap.xml", "/sitemap-news.xml", "/author/nobody/"]
    with database_down():
        for url in urls:
            assert_clean_503(client.get(url))
    # Back up: the next request reconnects by itself.
    assert client.get(live_article.get_absolute_url()).status_code == 200


def test_a_failure_outside_the_views_is_a_503_too(live_article):
    # A POST opens the revision middleware's transaction before any view runs.
    client = Client(raise_request_exception=False)
    with database_down():
        response = client.post("/", {"q": "x"})
    assert_clean_503(response)


def test_signed_in_staff_get_the_503_page_not_a_500(live_article, django_user_model):
    user = django_user_model.objects.create_user("desk", password="pw-for-tests-only", is_staff=True)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    with database_down():
        assert_clean_503(client.get("/admin/articles/article/"))
        assert_clean_503(client.get("/"))


def test_cached_pages_are_still_served_while_the_database_is_down(client, page_cache, live_article):
    warm = ["/", live_article.get_absolute_url(), "/region/pimlico/", "/feed/", "/sitemap-news.xml"]
    first = {url: client.get(url) for url in warm}
    assert all(response.status_code == 200 for response in first.values())
    with database_down():
        for url in warm:
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["X-Page-Cache"] == "hit", url
            assert response.content == first[url].content, url
        # A page nobody asked for before the outage cannot be made without the database.
        assert_clean_503(client.get("/topics/"))
    assert client.get("/topics/").status_code == 200
