"""Deleting what an article uses never deletes the article."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db.models import ProtectedError

from articles.models import Article, Author, RegionTag, TopicTag
from articles.services import article_save
from tests.helpers.factories import make_article, make_author, make_footer, make_user
from tests.helpers.images import image_bytes, upload

pytestmark = pytest.mark.django_db


def test_author_in_use_is_protected_in_code():
    author = make_author("Busy Writer")
    article = make_article(authors=[author])
    with pytest.raises(ProtectedError):
        author.delete()
    assert Article.objects.filter(pk=article.pk).exists()
    assert article.authors == [author]


def test_author_in_use_cannot_be_deleted_in_the_admin(admin_client):
    author = make_author("Busy Writer")
    article = make_article(authors=[author])
    response = admin_client.post(f"/admin/articles/author/{author.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in response.content.decode()
    assert Author.objects.filter(pk=author.pk).exists()
    assert Article.objects.filter(pk=article.pk).exists()


def test_unused_author_can_be_deleted(admin_client):
    author = make_author("Never Wrote")
    response = admin_client.post(f"/admin/articles/author/{author.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Author.objects.filter(pk=author.pk).exists()


@pytest.mark.parametrize(
    ("model", "url", "field"), [(RegionTag, "regiontag", "regions"), (TopicTag, "topictag", "topics")]
)
def test_deleting_a_tag_in_use_keeps_its_articles(admin_client, model, url, field):
    article = make_article(regions=["London", "Pimlico"], topics=["Culture", "Politics"])
    tag = getattr(article, field).order_by("name").first()
    response = admin_client.post(f"/admin/articles/{url}/{tag.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not model.objects.filter(pk=tag.pk).exists()
    article = Article.objects.get(pk=article.pk)
    assert len(getattr(article, field).all()) == 1


def test_deleting_the_hero_image_keeps_the_article(media_root):
    article = make_article(hero_image=upload("hero.jpg", image_bytes("JPEG", size=(900, 500))), hero_alt="A view")
    stored = Path(article.hero_image.path)
    assert stored.exists() and article.hero_renditions
    article = Article.objects.get(pk=article.pk)
    article.hero_image.delete(save=False)
    article_save(article=article, user=make_user("Editor"))
    assert not stored.exists()
    article = Article.objects.get(pk=article.pk)
    assert not article.hero_image
    assert article.hero_renditions == {}


def test_a_vanished_image_file_does_not_break_the_article_page(client, media_root):
    article = make_article(
        status=Article.Status.PUBLISHED,
        hero_image=upload("hero.jpg", image_bytes("JPEG", size=(900, 500))),
        hero_alt="A view",
    )
    Path(article.hero_image.path).unlink()
    assert client.get(article.get_absolute_url()).status_code == 200
    article = Article.objects.get(pk=article.pk)
    article.headline = "Still editable"
    article.save()
    assert Article.objects.get(pk=article.pk).headline == "Still editable"


def test_deleting_an_author_photo_keeps_the_author_and_their_articles(media_root):
    author = make_author("Pictured", photo=upload("me.png", image_bytes("PNG")))
    article = make_article(authors=[author])
    author.photo.delete(save=True)
    assert Author.objects.get(pk=author.pk).photo.name in ("", None)
    assert Article.objects.filter(pk=article.pk).exists()


def test_deleting_a_footer_or_a_user_keeps_the_articles():
    user = get_user_model().objects.create_user("leaver")
    author = make_author("Leaver", user=user)
    article = make_article(authors=[author], user=user)
    footer = make_footer()
    Article.objects.filter(pk=article.pk).update(promo_footer=footer)
    footer.delete()
    user.delete()
    article = Article.objects.get(pk=article.pk)
    assert article.promo_footer is None
    assert article.created_by is None
    assert Author.objects.get(pk=author.pk).user is None
