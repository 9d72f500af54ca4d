"""An autosave of a live story is a pending draft: no page a reader can reach shows it, cached or not."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.helpers.workflow_helpers import article_in, make_cast

pytestmark = pytest.mark.django_db

PENDING = "zqpendingautosave"
FIELDS = ("headline", "standfirst", "body")


def shows_pending(body):
    # The search page repeats the query itself, so look for the autosaved text of each field.
    return [field for field in FIELDS if f"{PENDING} {field}" in body]


def reader_urls(article, cast):
    author = cast["owner_author"].get_absolute_url()
    return [
        "/",
        article.get_absolute_url(),
        "/region/pimlico/",
        "/topic/culture/",
        author,
        f"{author}feed/",
        "/feed/",
        "/feed/atom/",
        "/search/?q=lantern",
        f"/search/?q={PENDING}",
        "/sitemap-articles.xml",
        "/sitemap-news.xml",
    ]


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_an_autosave_of_a_live_story_never_reaches_readers(
    client, page_cache, django_capture_on_commit_callbacks, role
):
    cast = make_cast()
    with django_capture_on_commit_callbacks(execute=True):
        article = article_in(
            "published",
            cast,
            headline="Lantern festival lights the square",
            standfirst="Thousands came.",
            body="<p>The lantern festival returned.</p>",
            regions=["Pimlico"],
            topics=["Culture"],
        )
    urls = reader_urls(article, cast)
    assert article.slug not in client.get(f"/search/?q={PENDING}").content.decode()
    for url in urls:
        assert client.get(url).status_code == 200, url
        assert client.get(url)["X-Page-Cache"] == "hit", url

    desk = Client()
    desk.force_login(cast[role])
    with django_capture_on_commit_callbacks(execute=True):
        for field in FIELDS:
            response = desk.post(
                reverse("admin:articles_article_autosave", args=[article.pk]),
                {"loaded_version": article.version, "store": "on", field: f"<p>{PENDING} {field}</p>"},
            )
            assert response.status_code == 200, response.content

    for url in urls:
        response = client.get(url)
        assert response["X-Page-Cache"] == "hit", f"an autosave invalidated {url}"
        assert shows_pending(response.content.decode()) == [], url
    # Rendered afresh too: the story readers get is the saved one.
    page_cache.PAGE_CACHE = False
    for url in urls:
        assert shows_pending(client.get(url).content.decode()) == [], url
    assert "Lantern festival lights the square" in client.get(article.get_absolute_url()).content.decode()
