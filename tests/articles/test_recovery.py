"""A deleted story comes back from the trash whole (corrections, bylines, tags, workflow history) and unpublished;
only those who may delete see the trash, and its form loads the rich-text editor under the CSP."""

import re

import pytest
from django.urls import reverse
from reversion.models import Version

from articles import services
from articles.models import Article, ArticleTransition, Correction
from tests.helpers.factories import make_author
from tests.helpers.workflow_helpers import article_in, client_for, form_data, make_cast

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")


@pytest.fixture
def deleted_live_story():
    """A live story with two bylines, tags, a correction and a workflow log, deleted in the desk."""
    cast = make_cast()
    article = article_in("published", cast, headline="Canal towpath reopens", regions=["Pimlico"], topics=["Culture"])
    services.article_set_bylines(article=article, authors=[cast["owner_author"], make_author("Second Writer")])
    services.correction_add(article=article, user=cast["editor"], kind="correction", text="The towpath is 2km long.")
    data = form_data(article)
    steps = list(article.transitions.values_list("from_status", "to_status"))
    editor = client_for(cast["editor"])
    assert editor.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    assert not Correction.objects.exists() and not ArticleTransition.objects.exists()
    version = Version.objects.get_deleted(Article).get()
    return cast, article.pk, data, steps, version


def recover_url(version):
    return reverse("admin:articles_article_recover", args=[version.pk])


def test_recovery_brings_back_corrections_bylines_tags_and_history_unpublished(deleted_live_story):
    cast, pk, data, steps, version = deleted_live_story
    editor = client_for(cast["editor"])
    response = editor.post(recover_url(version), data)
    assert response.status_code == 302

    story = Article.objects.get(pk=pk)
    assert story.status == Article.Status.UNPUBLISHED and not story.is_live
    assert story.first_published_at is not None  # its address stays that of a published story
    assert [author.name for author in story.authors] == ["Amira Patel", "Second Writer"]
    assert list(story.regions.names()) == ["Pimlico"] and list(story.topics.names()) == ["Culture"]
    assert story.corrections.get().text == "The towpath is 2km long."
    log = list(story.transitions.order_by("created_at", "pk").values_list("from_status", "to_status", "comment"))
    assert [row[:2] for row in log[:-1]] == steps
    assert log[-1][:2] == ("published", "unpublished") and "Recovered from the trash" in log[-1][2]
    assert Article.objects.live().filter(pk=pk).count() == 0


def test_the_recover_form_shows_the_story_unpublished_and_changes_nothing(deleted_live_story):
    cast, pk, _data, _steps, version = deleted_live_story
    response = client_for(cast["editor"]).get(recover_url(version))
    assert response.status_code == 200
    html = response.content.decode()
    assert "comes back <strong>unpublished</strong>" in html
    assert "Log a correction?" not in html  # not live while it is recovered
    assert not Article.objects.filter(pk=pk).exists()
    assert not ArticleTransition.objects.exists()


def test_the_recover_form_gives_the_editor_its_csp_nonce(deleted_live_story):
    cast, _pk, _data, _steps, version = deleted_live_story
    response = client_for(cast["editor"]).get(recover_url(version))
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    html = response.content.decode()
    import_map = re.search(r'<script type="importmap"([^>]*)>', html)
    assert import_map and f'nonce="{nonce}"' in import_map.group(1)


def test_only_those_who_may_recover_see_the_trash_button(deleted_live_story):
    cast, *_rest = deleted_live_story
    assert "Recover deleted stories" not in client_for(cast["owner"]).get(CHANGELIST).content.decode()
    assert "Recover deleted stories" in client_for(cast["editor"]).get(CHANGELIST).content.decode()


def test_recover_refuses_a_version_that_is_not_a_deleted_story(deleted_live_story):
    cast, pk, data, _steps, version = deleted_live_story
    editor = client_for(cast["editor"])
    byline_version = version.revision.version_set.exclude(pk=version.pk).first()
    assert editor.get(recover_url(byline_version)).status_code == 404
    assert editor.post(recover_url(version), data).status_code == 302
    # Once back, it is no longer in the trash.
    assert editor.get(recover_url(version)).status_code == 404
    assert Article.objects.filter(pk=pk).count() == 1
