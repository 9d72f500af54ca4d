"""Deleted articles go to a recoverable trash and come back whole."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from reversion.models import Version

from articles import services
from articles.exceptions import WorkflowPermissionError
from articles.models import Article
from tests.helpers.factories import make_author, make_footer
from tests.helpers.images import image_bytes, upload
from tests.helpers.workflow_helpers import article_in, client_for, form_data, make_cast

pytestmark = pytest.mark.django_db


def whole(article):
    """Everything that must survive the trash."""
    article = Article.objects.get(pk=article.pk)
    return {
        "headline": article.headline,
        "body": article.body,
        "status": article.status,
        # Versions are JSON, which keeps times to the millisecond.
        "publish_at": article.publish_at.replace(microsecond=article.publish_at.microsecond // 1000 * 1000),
        "authors": [author.name for author in article.authors],
        "regions": sorted(tag.name for tag in article.regions.all()),
        "topics": sorted(tag.name for tag in article.topics.all()),
        "footer": article.promo_footer_id,
        "hero_image": article.hero_image.name,
        "hero_renditions": article.hero_renditions,
        "hero_alt": article.hero_alt,
    }


@pytest.fixture
def rich_article():
    """A live article made by the services only (no admin edit, so no earlier version), with everything attached."""
    cast = make_cast()
    footer = make_footer(name="Spring teaser")
    article = article_in(
        "published",
        cast,
        headline="Lantern parade returns to Pimlico",
        regions=["Pimlico", "Westminster"],
        topics=["Culture"],
        hero_image=upload("parade.jpg", image_bytes("JPEG", size=(900, 600))),
        hero_alt="Lanterns along Lupus Street",
        hero_credit="Photo: Desk",
        promo_footer=footer,
    )
    services.article_set_bylines(article=article, authors=[cast["owner_author"], make_author("Second Writer")])
    return cast, article


def test_an_article_deleted_in_the_admin_is_recovered_with_tags_bylines_footer_and_image(rich_article):
    cast, article = rich_article
    assert not Version.objects.get_for_object(article).exists()
    expected = whole(article)
    data = form_data(article)
    editor = client_for(cast["editor"])

    response = editor.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    assert default_storage.exists(expected["hero_image"]), "the image file stays for the recovery"

    trash = editor.get(reverse("admin:articles_article_recoverlist")).content.decode()
    assert "Lantern parade returns to Pimlico" in trash
    version = Version.objects.get_deleted(Article).get()
    recover_url = reverse("admin:articles_article_recover", args=[version.pk])
    assert editor.get(recover_url).status_code == 200
    assert editor.post(recover_url, data).status_code == 302

    # It comes back unpublished (an editor publishes it again deliberately); everything else as it was.
    assert whole(article) == {**expected, "status": Article.Status.UNPUBLISHED}
    assert not Article.objects.get(pk=article.pk).is_live


def test_bulk_delete_goes_to_the_trash_too(rich_article):
    cast, article = rich_article
    expected = whole(article)
    response = client_for(cast["admin"]).post(
        reverse("admin:articles_article_changelist"),
        {"action": "delete_selected", "_selected_action": [article.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    version = Version.objects.get_deleted(Article).get()
    version.revision.revert(delete=True)
    assert whole(article) == expected


def test_only_editors_delete(rich_article):
    cast, article = rich_article
    with pytest.raises(WorkflowPermissionError):
        services.article_delete(article=article, user=cast["owner"])
    assert Article.objects.filter(pk=article.pk).exists()
    assert not Version.objects.get_for_object(article).exists()
