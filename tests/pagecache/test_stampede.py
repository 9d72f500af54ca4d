"""No stampede: while one worker renders a page a change invalidated, the others do not render it too."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles import services
from articles.models import Article
from pagecache.generation import page_store
from tests.helpers.factories import make_article, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def another_worker_rendering(monkeypatch, settings):
    """Every page that gets invalidated is being rendered by another worker (its rendering mark is taken)."""
    settings.PAGE_CACHE_WAIT_SECONDS = 0.2
    store = page_store()
    add = store.add

    def taken(key, *args, **kwargs):
        return False if key.endswith(":rendering") else add(key, *args, **kwargs)

    monkeypatch.setattr(store, "add", taken)


@pytest.fixture
def region_page(client, page_cache, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        kept = make_article("Lantern walk returns", status=Article.Status.PUBLISHED, regions=["Pimlico"])
    assert client.get("/region/pimlico/")["X-Page-Cache"] == "miss"
    return kept


def publish_new_story(django_capture_on_commit_callbacks):
    draft = make_article("Night market opens", regions=["Pimlico"], topics=["City life"])
    with django_capture_on_commit_callbacks(execute=True):
        services.article_publish(article=draft, user=make_user("Editor"))
    return draft


def test_after_a_change_that_only_adds_the_previous_copy_is_served_while_another_worker_renders(
    client, region_page, another_worker_rendering, django_capture_on_commit_callbacks
):
    publish_new_story(django_capture_on_commit_callbacks)
    response = client.get("/region/pimlico/")
    assert response["X-Page-Cache"] == "stale"
    assert "Lantern walk returns" in response.content.decode()
    assert "Night market opens" not in response.content.decode()


def test_the_previous_copy_is_served_for_a_moment_only(
    client, region_page, another_worker_rendering, django_capture_on_commit_callbacks
):
    publish_new_story(django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + timedelta(seconds=3)):
        response = client.get("/region/pimlico/")
    assert response["X-Page-Cache"] == "miss"
    assert "Night market opens" in response.content.decode()


def test_after_a_change_that_hides_the_previous_copy_is_never_served(
    client, region_page, another_worker_rendering, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.article_unpublish(article=region_page, user=make_user("Editor"))
    response = client.get("/region/pimlico/")
    # The page waited for the other worker's copy, saw none in time, and rendered the page itself.
    assert response.status_code == 404


def test_without_another_worker_the_page_is_rendered_at_once(client, region_page, django_capture_on_commit_callbacks):
    publish_new_story(django_capture_on_commit_callbacks)
    response = client.get("/region/pimlico/")
    assert response["X-Page-Cache"] == "miss"
    assert "Night market opens" in response.content.decode()
    assert client.get("/region/pimlico/")["X-Page-Cache"] == "hit"
