"""Takedowns: a story taken down answers 410 Gone, leaves every public page, loses its preview links, and only
an admin brings it back. Every unpublish stops preview links too."""

import pytest
from django.test import Client
from django.urls import reverse

from articles import workflow
from articles.exceptions import InvalidTransitionError, WorkflowPermissionError
from articles.models import Article, ArticleTransition
from articles.services import (
    article_publish,
    article_reinstate,
    article_take_down,
    article_unpublish,
    preview_link_create,
)
from tests.helpers.workflow_helpers import article_in, client_for, make_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return make_cast()


def test_a_story_taken_down_answers_410_and_leaves_every_list(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = article_in("published", cast, headline="Contested council story", regions=["Pimlico"])
    reader = Client()
    assert reader.get(article.get_absolute_url()).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        taken_down = article_take_down(article=article, user=cast["editor"], comment="A court order.")

    assert taken_down.status == Article.Status.TAKEN_DOWN
    assert not taken_down.is_live
    response = reader.get(article.get_absolute_url())
    assert response.status_code == 410
    body = response.content.decode()
    assert "has been removed" in body
    assert "Contested council story" not in body
    assert response["X-Robots-Tag"] == "noindex"
    for url in ("/", "/feed/", "/region/pimlico/", "/sitemap-articles.xml", "/search/?q=contested"):
        response = reader.get(url)
        assert "Contested council story" not in response.content.decode(), url
    entry = ArticleTransition.objects.filter(article=article).last()
    assert (entry.to_status, entry.comment, entry.user) == ("taken_down", "A court order.", cast["editor"])


def test_a_takedown_needs_its_reason_and_a_role_that_may_take_it(cast):
    article = article_in("published", cast)
    with pytest.raises(InvalidTransitionError, match="comment"):
        article_take_down(article=article, user=cast["editor"], comment="  ")
    with pytest.raises(WorkflowPermissionError):
        article_take_down(article=article, user=cast["owner"], comment="Mine.")
    assert Article.objects.get(pk=article.pk).is_live


def test_only_an_admin_brings_a_story_back_and_then_it_is_published_deliberately(
    cast, django_capture_on_commit_callbacks
):
    article = article_in("taken_down", cast)
    editor, admin = cast["editor"], cast["admin"]
    with pytest.raises(InvalidTransitionError):
        article_publish(article=article, user=editor)
    with pytest.raises(InvalidTransitionError):
        article_publish(article=article, user=admin)
    with pytest.raises(WorkflowPermissionError):
        article_reinstate(article=article, user=editor, comment="Please.")
    assert [t.name for t in workflow.allowed_transitions(editor, article)] == []
    assert [t.name for t in workflow.allowed_transitions(admin, article)] == ["reinstate"]

    with django_capture_on_commit_callbacks(execute=True):
        reinstated = article_reinstate(article=article, user=admin, comment="The order was lifted.")
    assert reinstated.status == Article.Status.UNPUBLISHED
    assert Client().get(article.get_absolute_url()).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        article_publish(article=reinstated, user=editor)
    assert Client().get(article.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("step", ["unpublish", "take_down"])
def test_unpublishing_or_taking_down_stops_every_preview_link(cast, step):
    editor = cast["editor"]
    article = article_in("in_review", cast, headline="Preview then pulled")
    links = [preview_link_create(article=article, user=editor) for _ in range(2)]
    published = article_publish(article=article, user=editor)
    if step == "unpublish":
        article_unpublish(article=published, user=editor)
    else:
        article_take_down(article=published, user=editor, comment="A court order.")
    for link in links:
        response = Client().get(link.get_absolute_url())
        assert response.status_code == 410
        assert "Preview then pulled" not in response.content.decode()
        link.refresh_from_db()
        assert link.revoked_at is not None


def test_a_scheduled_story_taken_down_never_goes_live(cast, time_machine):
    from datetime import timedelta

    from django.utils import timezone

    article = article_in("scheduled", cast)
    article_take_down(article=article, user=cast["editor"], comment="A court order.")
    time_machine.move_to(timezone.now() + timedelta(days=2))
    assert not Article.objects.live().filter(pk=article.pk).exists()
    assert Client().get(article.get_absolute_url()).status_code == 410


def test_the_page_cache_never_serves_a_story_after_it_is_taken_down(
    cast, page_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = article_in("published", cast, headline="Cached then gone")
    reader = Client()
    reader.get(article.get_absolute_url())
    assert reader.get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    assert "Cached then gone" in reader.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        article_take_down(article=article, user=cast["editor"], comment="A court order.")
    assert reader.get(article.get_absolute_url()).status_code == 410
    assert "Cached then gone" not in reader.get("/").content.decode()


def test_the_desk_offers_take_down_to_editors_with_its_own_question(cast):
    article = article_in("published", cast)
    url = reverse("admin:articles_article_change", args=[article.pk])
    page = client_for(cast["editor"]).get(url).content.decode()
    assert 'value="take_down"' in page
    assert "Why it is taken down" in page
    assert 'value="take_down"' not in client_for(cast["owner"]).get(url).content.decode()
    response = client_for(cast["editor"]).post(
        reverse("admin:articles_article_transition", args=[article.pk, "take_down"]), {"comment": "Legal."}
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).status == Article.Status.TAKEN_DOWN
    page = client_for(cast["admin"]).get(url).content.decode()
    assert "Taken down" in page
    assert 'value="reinstate"' in page
    assert 'value="reinstate"' not in client_for(cast["editor"]).get(url).content.decode()
