"""Caches in front of the site learn a page's tags from its headers and are told which tags a change invalidated."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from articles import services
from articles.models import Article
from pagecache import purge
from tests.helpers.factories import make_article, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def purge_listener(settings):
    """A real HTTP listener standing where Varnish would, recording each PURGE it gets."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_PURGE(self):
            received.append(set(self.headers["xkey-purge"].split()))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.PAGE_CACHE_PURGERS = [
        {"BACKEND": "pagecache.purge.VarnishPurger", "OPTIONS": {"url": f"http://127.0.0.1:{server.server_port}"}}
    ]
    yield received
    server.shutdown()
    server.server_close()


def test_cached_pages_name_their_tags(client, page_cache):
    story = make_article("Lantern walk returns", status=Article.Status.PUBLISHED, regions=["Pimlico"])
    response = client.get(story.get_absolute_url())
    keys = set(response["xkey"].split())
    assert {f"article:{story.pk}", purge.EVERY_PAGE} <= keys
    assert set(response["Surrogate-Key"].split()) == keys
    assert set(response["Cache-Tag"].split(",")) == keys
    assert set(client.get(story.get_absolute_url())["xkey"].split()) == keys


def test_a_publish_purges_its_tags_and_a_draft_save_purges_nothing(purge_listener, django_capture_on_commit_callbacks):
    editor = make_user("Editor")
    draft = make_article("Night market opens", regions=["Pimlico"], topics=["City life"])
    with django_capture_on_commit_callbacks(execute=True):
        draft.body = "<p>Typed and saved again.</p>"
        services.article_save(article=draft, user=editor)
    assert purge_listener == []
    with django_capture_on_commit_callbacks(execute=True):
        services.article_publish(article=Article.objects.get(pk=draft.pk), user=editor)
    # The story's tags; and, as its region had no live story before, the masthead's.
    assert set().union(*purge_listener) == {
        f"article:{draft.pk}",
        "listing:all",
        f"listing:region:{draft.regions.get().pk}",
        f"listing:topic:{draft.topics.get().pk}",
        f"listing:author:{draft.authors[0].pk}",
        "untagged",
        "nav",
    }


def test_a_purge_that_fails_is_logged_and_the_change_stands(settings, caplog, django_capture_on_commit_callbacks):
    settings.PAGE_CACHE_PURGERS = [
        {"BACKEND": "pagecache.purge.VarnishPurger", "OPTIONS": {"url": "http://127.0.0.1:1"}}
    ]
    story = make_article("Bridge reopens", status=Article.Status.PUBLISHED)
    with django_capture_on_commit_callbacks(execute=True):
        services.article_unpublish(article=story, user=make_user("Editor"))
    assert Article.objects.get(pk=story.pk).status == Article.Status.UNPUBLISHED
    assert "Purging" in caplog.text
