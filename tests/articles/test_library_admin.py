"""The desk's image library: upload from the editor, search, thumbnails, focal point, refused deletes, hero chooser."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from articles import image_library
from articles.models import Article, LibraryImage
from articles.services import article_save
from tests.helpers.factories import make_article, make_user
from tests.helpers.images import image_bytes

pytestmark = pytest.mark.django_db

LIBRARY = "/admin/articles/libraryimage/"


def library_image(size=(1600, 900), **fields):
    return image_library.create_library_image(file=ContentFile(image_bytes("JPEG", size=size)), name="p.jpg", **fields)


def test_a_reporter_uploads_a_picture_from_the_editor(client, media_root):
    reporter = make_user("Reporter")
    client.force_login(reporter)
    response = client.post(
        f"{LIBRARY}upload/",
        {"file": SimpleUploadedFile("river.jpg", image_bytes("JPEG", size=(900, 600))), "caption": "The river"},
    )
    assert response.status_code == 201
    data = response.json()
    image = LibraryImage.objects.get(pk=data["id"])
    assert (image.caption, image.uploaded_by, image.width) == ("The river", reporter, 900)
    assert data["thumb"] == image.thumbnail_url


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("x.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "SVG"),
        ("photo.jpg", b"not an image at all", "not an image"),
        ("photo.png", image_bytes("JPEG"), "Rename it"),
    ],
)
def test_a_bad_upload_gets_plain_words_and_stores_nothing(client, media_root, name, content, words):
    client.force_login(make_user("Reporter"))
    response = client.post(f"{LIBRARY}upload/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert words in response.json()["error"]
    assert not LibraryImage.objects.exists()


def test_uploads_need_a_desk_role_and_post(client, media_root):
    file = SimpleUploadedFile("a.jpg", image_bytes("JPEG"))
    assert client.post(f"{LIBRARY}upload/", {"file": file}).status_code == 302  # to the sign-in page
    client.force_login(make_user())  # staff, no role
    assert client.post(f"{LIBRARY}upload/", {"file": file}).status_code == 403
    client.force_login(make_user("Reporter"))
    assert client.get(f"{LIBRARY}upload/").status_code == 405
    assert not LibraryImage.objects.exists()


def test_the_library_is_searchable_with_thumbnails(client, media_root):
    wanted = library_image(caption="Lanterns over the Thames", credit="Staff")
    library_image(caption="Council chamber")
    client.force_login(make_user("Reporter"))
    results = client.get(f"{LIBRARY}search/", {"q": "lanterns thames"}).json()["results"]
    assert [item["id"] for item in results] == [wanted.pk]
    page = client.get(LIBRARY, {"q": "lanterns"}).content.decode()
    assert f'src="{wanted.thumbnail_url}"' in page and "Council chamber" not in page


def test_the_focal_point_is_set_on_the_change_form_and_recrops(client, media_root):
    image = library_image(size=(1000, 1000), alt="A square")
    old_card = image.renditions["crops"]["card"]["jpeg"][0]["url"]
    client.force_login(make_user("Reporter"))
    page = client.get(f"{LIBRARY}{image.pk}/change/").content.decode()
    assert 'class="focal-picker"' in page and image.thumbnail_url in page
    response = client.post(
        f"{LIBRARY}{image.pk}/change/",
        {"caption": "New", "credit": "C", "alt": "A square", "focal_x": "0.5", "focal_y": "0.1"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    image.refresh_from_db()
    assert (image.focal_y, image.caption) == (0.1, "New")
    assert image.renditions["crops"]["card"]["jpeg"][0]["url"] != old_card


def test_deleting_an_image_in_use_is_refused_naming_the_stories(client, media_root):
    image = library_image()
    make_article("Lanterns light up Pimlico", body=f'<figure data-image="{image.pk}"></figure><p>t</p>')
    client.force_login(make_user("Editor"))
    response = client.post(f"{LIBRARY}{image.pk}/delete/", {"post": "yes"}, follow=True)
    assert LibraryImage.objects.filter(pk=image.pk).exists()
    assert "Lanterns light up Pimlico" in response.content.decode()
    assert "nothing was deleted" in response.content.decode()


def test_an_unused_image_is_deleted_by_an_editor_only(client, media_root):
    image = library_image()
    client.force_login(make_user("Reporter"))
    assert client.post(f"{LIBRARY}{image.pk}/delete/", {"post": "yes"}).status_code == 403
    client.force_login(make_user("Editor"))
    client.post(f"{LIBRARY}{image.pk}/delete/", {"post": "yes"})
    assert not LibraryImage.objects.exists()


def test_the_change_form_shows_the_hero_thumbnail_and_refuses_a_small_hero(client, media_root):
    editor = make_user("Editor")
    article = make_article()
    article.hero = library_image(alt="Big")
    article_save(article=article, user=editor)
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert 'class="hero-chooser"' in page and article.hero.thumbnail_url in page
    small = library_image(size=(300, 200))
    form = client.get(f"/admin/articles/article/{article.pk}/change/").context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None and key not in {"regions", "topics"}}
    data.update(
        hero=small.pk,
        regions=[tag.pk for tag in article.regions.all()],
        topics=[tag.pk for tag in article.topics.all()],
        loaded_version=article.version,
        **{
            "byline_set-TOTAL_FORMS": "0",
            "byline_set-INITIAL_FORMS": "0",
            "byline_set-MIN_NUM_FORMS": "0",
            "byline_set-MAX_NUM_FORMS": "1000",
        },
    )
    data.pop("hero_image", None)
    response = client.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 200
    assert "only 300 pixels wide" in response.content.decode()
    assert Article.objects.get(pk=article.pk).hero_id != small.pk


def test_the_embed_check_follows_the_sanitiser(client):
    client.force_login(make_user("Reporter"))
    ok = client.get(f"{LIBRARY}embed/", {"url": "https://youtu.be/dQw4w9WgXcQ"})
    assert ok.json()["provider"] == "YouTube"
    assert client.get(f"{LIBRARY}embed/", {"url": "https://youtube.com.evil.example/x"}).status_code == 404
