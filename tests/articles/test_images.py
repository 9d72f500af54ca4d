import io
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.test import RequestFactory
from PIL import Image

from articles import images
from articles.models import Article, Author
from articles.services import article_save
from tests.helpers.factories import make_article, make_author, make_user
from tests.helpers.images import (
    GPS_IFD,
    animated_gif,
    bilevel_png,
    image_bytes,
    jpeg_with_gps_and_orientation,
    noisy_bytes,
    truncated,
    upload,
)

JPEG = image_bytes("JPEG")
PNG = image_bytes("PNG")

# One row per hostile upload: file name, content, the error code it must get.
REFUSED_UPLOADS = [
    ("empty.jpg", b"", "empty"),
    ("huge.jpg", b"\xff\xd8\xff" + b"\0" * images.MAX_UPLOAD_BYTES, "too_large"),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "svg"),
    ("logo.png", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', "svg"),
    ("page.jpg", b"<html><script>alert(1)</script></html>", "not_an_image"),
    ("script.jpg", b"#!/bin/sh\nrm -rf /\n", "not_an_image"),
    ("photo.bmp", image_bytes("BMP"), "not_an_image"),
    ("photo.tiff", image_bytes("TIFF"), "not_an_image"),
    ("photo.jpg", PNG, "extension_mismatch"),
    ("photo.png", JPEG, "extension_mismatch"),
    ("photo.php", JPEG, "extension_mismatch"),
    ("photo.jpg.php", JPEG, "extension_mismatch"),
    ("photo", JPEG, "extension_mismatch"),
    ("photo.gif", image_bytes("WEBP"), "extension_mismatch"),
    ("cut.jpg", truncated(noisy_bytes("JPEG")), "damaged"),
    ("cut.png", truncated(noisy_bytes("PNG")), "damaged"),
    ("cut.webp", truncated(noisy_bytes("WEBP")), "damaged"),
    ("cut.gif", truncated(noisy_bytes("GIF")), "damaged"),
    ("bomb.png", bilevel_png((8000, 6000)), "too_many_pixels"),
    ("flipbook.gif", animated_gif(50, (1000, 1000)), "too_many_pixels"),
]

ACCEPTED_UPLOADS = [
    ("photo.jpg", JPEG, "JPEG"),
    ("photo.JPEG", JPEG, "JPEG"),
    ("cutout.png", image_bytes("PNG", mode="RGBA", color=(0, 0, 0, 0)), "PNG"),
    ("photo.webp", image_bytes("WEBP"), "WEBP"),
    ("short.gif", animated_gif(3, (40, 40)), "GIF"),
    ("exactly-cap.png", bilevel_png((8000, 5000)), "PNG"),
]

# Unsafe upload names and what is stored instead (under the upload folder).
FILE_NAMES = [
    ("../../etc/passwd.jpg", "passwd.jpg"),
    ("..\\..\\windows\\win.ini.jpg", "winini.jpg"),
    ("/abs/path/photo.jpg", "photo.jpg"),
    ("Évènement à Pimlico.JPG", "evenement-a-pimlico.jpg"),
    ("<script>alert(1)</script>.jpg", "script.jpg"),
    ("🎄🎄.jpg", None),
    ("photo.jpeg", "photo.jpg"),
    ("x" * 300 + ".jpg", "x" * images.SAFE_STEM_LENGTH + ".jpg"),
]


@pytest.mark.parametrize(("name", "content", "code"), REFUSED_UPLOADS, ids=[row[0] for row in REFUSED_UPLOADS])
def test_hostile_uploads_are_refused_in_plain_words(name, content, code):
    with pytest.raises(ValidationError) as error:
        images.check_image(upload(name, content))
    assert error.value.code == code
    message = error.value.messages[0]
    assert message.endswith(".") and "Traceback" not in message and "PIL" not in message


@pytest.mark.parametrize(("name", "content", "fmt"), ACCEPTED_UPLOADS, ids=[row[0] for row in ACCEPTED_UPLOADS])
def test_good_uploads_are_accepted(name, content, fmt):
    assert images.check_image(upload(name, content)).format == fmt


def test_byte_cap_is_checked_before_the_file_is_read_as_an_image(monkeypatch):
    opened = []
    monkeypatch.setattr(images, "_open", lambda file: opened.append(file))
    with pytest.raises(ValidationError):
        images.check_image(upload("huge.jpg", JPEG + b"\0" * images.MAX_UPLOAD_BYTES))
    assert opened == []


def test_pixel_cap_is_checked_before_decoding(monkeypatch):
    decoded = []
    monkeypatch.setattr(images, "_check_decodes", lambda image: decoded.append(image))
    with pytest.raises(ValidationError) as error:
        images.check_image(upload("flipbook.gif", animated_gif(50, (1000, 1000))))
    assert decoded == []
    assert "50 frames" in error.value.messages[0]


@pytest.mark.parametrize(("name", "expected"), FILE_NAMES)
def test_unsafe_file_names_are_normalised(name, expected):
    cleaned = images.reencode_image(upload(name, JPEG))
    if expected is None:
        assert cleaned.name.startswith("image-") and cleaned.name.endswith(".jpg")
    else:
        assert cleaned.name == expected


@pytest.mark.django_db
def test_stored_image_is_reencoded_upright_without_metadata(media_root):
    author = make_author(photo=upload("../../Camera Roll/IMG 0001.jpg", jpeg_with_gps_and_orientation()))
    stored = Path(author.photo.path).resolve()
    assert stored.is_relative_to(Path(media_root).resolve())
    # Stored under a random name (tests/articles/test_unguessable_media.py), never the uploaded one.
    assert stored.suffix == ".jpg" and "img" not in stored.name.lower()
    with Image.open(stored) as image:
        # Orientation 6 (rotate 90° clockwise) applied: 40×20 becomes 20×40, red on top.
        assert image.size == (20, 40)
        assert image.getpixel((10, 5))[0] > 200
        assert image.getpixel((10, 35))[2] > 200
        exif = image.getexif()
        assert len(exif) == 0
        assert exif.get_ifd(GPS_IFD) == {}
        assert "icc_profile" not in image.info
        assert "comment" not in image.info
    assert b"PocketCam" not in stored.read_bytes()


@pytest.mark.django_db
def test_reencoding_keeps_animation_and_transparency():
    author = make_author(photo=upload("wave.gif", animated_gif(4, (30, 30))))
    with Image.open(author.photo.path) as image:
        assert image.format == "GIF"
        assert image.n_frames == 4
    author = make_author(photo=upload("cutout.png", image_bytes("PNG", mode="RGBA", color=(0, 0, 0, 0))))
    with Image.open(author.photo.path) as image:
        assert image.mode == "RGBA"
        assert image.getpixel((0, 0))[3] == 0


@pytest.mark.django_db
def test_service_writes_are_checked_too():
    with pytest.raises(ValidationError):
        make_article(hero_image=ContentFile(b"<svg/>", name="chart.png"), hero_alt="A chart")
    assert not Article.objects.exists()


def author_form(data, files, instance=None):
    request = RequestFactory().get("/admin/")
    request.user = get_user_model()(is_staff=True, is_superuser=True)
    form_class = admin.site._registry[Author].get_form(request, instance)
    return form_class(data=data, files=files, instance=instance)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content", "code"), REFUSED_UPLOADS[2:], ids=[row[0] for row in REFUSED_UPLOADS[2:]])
def test_admin_form_shows_the_plain_words_error(name, content, code):
    form = author_form({"name": "Amira Patel", "slug": "amira-patel"}, {"photo": upload(name, content)})
    assert not form.is_valid()
    with pytest.raises(ValidationError) as expected:
        images.check_image(upload(name, content))
    assert form.errors["photo"] == expected.value.messages
    assert not Author.objects.exists()


@pytest.mark.django_db
def test_admin_upload_of_a_bad_image_shows_an_error_page_not_a_500(admin_client):
    author = make_author("Helen Marsh")
    response = admin_client.post(
        f"/admin/articles/author/{author.pk}/change/",
        {"name": "Helen Marsh", "slug": author.slug, "photo": upload("portrait.jpg", PNG)},
    )
    assert response.status_code == 200
    assert "This file is a PNG image but its name ends in “.jpg”" in response.content.decode()
    author.refresh_from_db()
    assert not author.photo


@pytest.mark.django_db
def test_admin_upload_of_a_good_image_is_stored_clean(admin_client):
    author = make_author("Helen Marsh")
    response = admin_client.post(
        f"/admin/articles/author/{author.pk}/change/",
        {
            "name": "Helen Marsh",
            "slug": author.slug,
            "photo": upload("Helen (2024).JPG", jpeg_with_gps_and_orientation()),
        },
    )
    assert response.status_code == 302
    author.refresh_from_db()
    assert author.photo.name.startswith("authors/") and author.photo.name.endswith(".jpg")
    assert "helen" not in author.photo.name.lower()
    with Image.open(author.photo.path) as image:
        assert len(image.getexif()) == 0


# Renditions ---------------------------------------------------------------------------------------

RENDITION_CASES = [
    # source size, expected widths
    ((2400, 1350), [480, 800, 1200, 1600]),
    ((1600, 900), [480, 800, 1200, 1600]),
    ((1000, 750), [480, 800, 1000]),
    ((300, 200), [300]),
]


def hero(size=(2000, 1125), name="hero.jpg", fmt="JPEG"):
    return upload(name, image_bytes(fmt, size=size))


@pytest.mark.django_db
@pytest.mark.parametrize(("size", "widths"), RENDITION_CASES)
def test_renditions_are_built_on_save_and_never_upscaled(size, widths, media_root):
    article = make_article(hero_image=hero(size), hero_alt="Lanterns on the river")
    article.refresh_from_db()
    renditions = article.hero_renditions
    assert set(renditions) == {"width", "height", "webp", "jpeg", "card", "square"}
    assert renditions["width"] == widths[-1]
    assert renditions["height"] == round(size[1] * widths[-1] / size[0])
    for key, fmt in (("webp", "WEBP"), ("jpeg", "JPEG")):
        assert [entry["width"] for entry in renditions[key]] == widths
        for entry in renditions[key]:
            assert set(entry) == {"width", "url"}
            assert entry["url"].startswith("/media/renditions/library/")
            path = Path(media_root) / entry["url"].removeprefix("/media/")
            with Image.open(path) as image:
                assert image.format == fmt
                assert image.width == entry["width"] <= size[0]


@pytest.mark.django_db
def test_renditions_follow_the_image_and_are_not_rebuilt_otherwise(media_root):
    article = make_article(hero_image=hero(), hero_alt="First picture")
    first = Article.objects.get(pk=article.pk)
    assert first.hero_renditions["jpeg"]

    editor = make_user("Editor")
    first.headline = "A new headline"
    article_save(article=first, user=editor)
    assert Article.objects.get(pk=article.pk).hero_renditions == first.hero_renditions
    files_before = sorted(Path(media_root, "renditions").rglob("*"))

    reloaded = Article.objects.get(pk=article.pk)
    reloaded.hero_image = hero((1200, 800), name="second.png", fmt="PNG")
    article_save(article=reloaded, user=editor)
    second = Article.objects.get(pk=article.pk).hero_renditions
    assert second["width"] == 1200
    assert second["webp"][0]["url"] != first.hero_renditions["webp"][0]["url"]
    assert sorted(Path(media_root, "renditions").rglob("*")) != files_before

    reloaded = Article.objects.get(pk=article.pk)
    reloaded.hero_image = None
    article_save(article=reloaded, user=editor)
    assert Article.objects.get(pk=article.pk).hero_renditions == {}


@pytest.mark.django_db
def test_transparent_hero_gets_a_flattened_jpeg(media_root):
    article = make_article(
        hero_image=upload("cutout.png", image_bytes("PNG", size=(500, 300), mode="RGBA", color=(0, 0, 0, 0))),
        hero_alt="A cut-out",
    )
    url = article.hero_renditions["jpeg"][0]["url"]
    with Image.open(Path(media_root) / url.removeprefix("/media/")) as image:
        assert image.mode == "RGB"
        assert image.getpixel((5, 5)) == (255, 255, 255)


@pytest.mark.django_db
def test_missing_stored_hero_file_clears_renditions_instead_of_failing(media_root):
    article = make_article(hero_image=hero(), hero_alt="Gone soon")
    Path(article.hero_image.path).unlink()
    reloaded = Article.objects.get(pk=article.pk)
    reloaded.hero_image = "heroes/never/was.jpg"
    article_save(article=reloaded, user=make_user("Editor"))
    assert Article.objects.get(pk=article.pk).hero_renditions == {}


def test_rendition_widths_table():
    assert images.rendition_widths(5000) == [480, 800, 1200, 1600]
    assert images.rendition_widths(480) == [480]
    assert images.rendition_widths(481) == [480, 481]
    assert images.rendition_widths(12) == [12]


def test_reencoded_jpeg_is_really_a_new_encoding():
    original = jpeg_with_gps_and_orientation()
    cleaned = images.reencode_image(upload("a.jpg", original)).read()
    assert cleaned != original
    assert Image.open(io.BytesIO(cleaned)).format == "JPEG"
